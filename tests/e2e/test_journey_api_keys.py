"""Journey: an institution's user logs in, clicks from the workbench to its API keys page,
creates a named key (shown once), and the key then answers on the API; revoking it by a click
stops it. Screenshots: the keys page with the new key, and after revoking."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import BoardFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def bank_user(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    bank = InstitutionFactory(code="IMB", name="内蒙古银行", kind="bank")
    demo_user("nmg-kcb.institution", board, "institution_user", institution=bank)
    return board


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_institution_creates_a_key_by_clicking_and_calls_the_api_with_it(live_server, new_page, bank_user):
    board = bank_user
    page = login(new_page(), live_server, "nmg-kcb.institution", f"/{board.slug}/workbench/")
    expect(page.locator("h1")).to_have_text("工作台")
    page.locator("ul.entries a", has_text="API 密钥").click()
    expect(page.locator("h1")).to_have_text("API 密钥 · 内蒙古银行")
    expect(page.locator("main")).to_contain_text("本机构在本专板还没有 API 密钥。")

    page.click("#create-key")  # no label: refused next to the field, nothing created
    expect(page.locator(".field .errorlist")).to_have_text("请填写用途说明。")
    page.fill("#id_label", "信贷系统对接")
    page.click("#create-key")
    expect(page.locator("#new-key")).to_contain_text("新密钥已创建：信贷系统对接")
    full_key = page.locator("#full-key").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{8}\.\S{20,}", full_key)
    expect(page.locator("#key-list")).to_contain_text("有效")
    shot(page, "api_keys_created")

    api = Client()  # the institution's system, calling with the key
    answer = api.get(f"/api/v1/{board.slug}/me/", HTTP_AUTHORIZATION=f"Api-Key {full_key}")
    assert answer.status_code == 200 and answer.json()["roles"] == ["institution_user"]

    page.goto(page.url)  # opened again: the key is never shown again
    expect(page.locator("#full-key")).to_have_count(0)
    page.locator("#key-list button", has_text="吊销").click()
    expect(page.locator("#key-list")).to_contain_text("已吊销")
    shot(page, "api_keys_revoked")
    assert api.get(f"/api/v1/{board.slug}/me/", HTTP_AUTHORIZATION=f"Api-Key {full_key}").status_code == 401
