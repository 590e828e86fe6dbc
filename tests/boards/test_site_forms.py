"""Every page's form is drawn one way (boards/kernel/renderers.py, templates/forms/): each error in
red right under its field, the field marked invalid, the input kept; the style is the vendored
Pico CSS (no CDN)."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from boards.kernel.errors import Conflict, DomainError, add_to_form, form_status

ROOT = Path(settings.BASE_DIR)


class NeedForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=20)
    amount = forms.DecimalField(label="融资金额（元）", min_value=1)
    remark = forms.CharField(label="备注", required=False, help_text="可留空")


def test_an_error_is_drawn_right_under_its_field_with_the_input_kept():
    form = NeedForm({"name": "包头智达草业科技有限公司", "amount": "-5", "remark": ""})
    assert not form.is_valid()
    html = str(form)
    amount_input = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert 'value="-5"' in amount_input and 'aria-invalid="true"' in amount_input
    error = html.index("确保该值大于或等于1")  # Django's own message, in Chinese
    assert html.index(amount_input) < error < html.index('name="remark"')
    assert html.index('for="id_amount"') < html.index(amount_input)
    assert 'value="包头智达草业科技有限公司"' in html  # the valid field keeps its input too
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert "aria-invalid" not in name_input


def test_a_refusal_lands_next_to_the_field_it_names_and_keeps_its_status():
    form = NeedForm({"name": "甲公司", "amount": "10"})
    assert form.is_valid() and form_status(form) == 200
    add_to_form(form, DomainError("融资金额超过本产品上限。", details={"field": "amount"}))
    html = str(form)
    assert html.index('name="amount"') < html.index("融资金额超过本产品上限。") < html.index('name="remark"')
    assert 'value="10"' in html and form_status(form) == 400

    other = NeedForm({"name": "甲公司", "amount": "10"})
    assert other.is_valid()
    add_to_form(other, Conflict("已有进行中的申请。"))  # names no field: above the form
    html = str(other)
    assert html.index("已有进行中的申请。") < html.index('name="name"')
    assert form_status(other) == 409


def test_the_style_is_the_vendored_framework_and_no_page_loads_from_elsewhere():
    pico = finders.find("vendor/pico/pico.min.css")
    assert pico and Path(pico).stat().st_size > 50_000
    assert (ROOT / "static/vendor/pico/LICENSE.md").read_text().startswith("MIT License")
    readme = (ROOT / "static/vendor/README.md").read_text()
    version = re.search(r"@picocss/pico@(\d+\.\d+\.\d+)", readme).group(1)
    assert re.search(rf"Pico CSS .{{0,3}}v{re.escape(version)} ", Path(pico).read_text()[:200])
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'<(link|script)[^>]+(href|src)="(https?:)?//', text), template
        assert ".as_p" not in text or template.parts[-2] == "admin", template


@pytest.mark.django_db
def test_the_login_page_uses_the_framework_and_the_project_rules():
    page = Client().get("/accounts/login/").content.decode()
    assert page.index("vendor/pico/pico.min.css") < page.index("css/site.css")
