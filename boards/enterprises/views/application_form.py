"""The enterprise fills its 《入板申请表》 on its own page: prefilled from what the board knows,
validated field by field, errors next to the field with the input kept."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from boards.enterprises.services import application_form
from boards.enterprises.views.admission import _access_application, _posted, domain_errors
from boards.kernel.digits import MONEY
from boards.kernel.errors import DomainError, add_to_form

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


class ApplicationFormForm(forms.Form):
    industry = forms.CharField(label="所属行业", max_length=100)
    founded_on = forms.DateField(label="成立日期",
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    registered_capital = forms.DecimalField(label="注册资本（元）", min_value=0.01, **MONEY)
    legal_representative = forms.CharField(label="法定代表人", max_length=60)
    contact_name = forms.CharField(label="联系人", max_length=60)
    contact_phone = forms.CharField(label="联系电话", max_length=40,
                                    help_text="手机号（11 位）或座机（如 0471-1234567）")
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    main_business = forms.CharField(label="主营业务", max_length=300,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label="申报类别与依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="申报的类别，以及企业符合入板条件的依据（如资质、获得投资、核心技术等）")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.years = years
        for year in years:
            for name, label in (("revenue", "营业收入"), ("net_profit", "净利润"), ("rd_expense", "研发费用"),
                                ("total_assets", "总资产")):
                self.fields[f"{name}_{year}"] = forms.DecimalField(
                    label=f"{year} 年{label}（元）", required=False,
                    min_value=None if name == "net_profit" else 0, **MONEY)

    def clean_founded_on(self):
        founded = self.cleaned_data["founded_on"]
        if founded > timezone.localdate():
            raise forms.ValidationError("成立日期不能晚于今天。")
        return founded

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "")
        if not PHONE.match(phone):
            raise forms.ValidationError("请填写 11 位手机号，或带区号的座机号（如 0471-1234567）。")
        return phone

    def clean(self):
        data = super().clean()
        founded = data.get("founded_on")
        for year in self.years:
            # a year the enterprise existed in must have its revenue and profit (0 is a figure)
            if founded is not None and year < founded.year:
                continue
            for name in ("revenue", "net_profit"):
                if data.get(f"{name}_{year}") is None and f"{name}_{year}" not in self.errors:
                    self.add_error(f"{name}_{year}", f"请填写 {year} 年度的数据（没有请填 0）。")
        return data

    def year_rows(self):
        return [(year, [self[f"{name}_{year}"] for name in application_form.MONEY_FIELDS])
                for year in self.years]

    def fact_fields(self):
        return [self[name] for name in application_form.ENTERPRISE_FIELDS] + [self["basis"]]


def _initial(application, years):
    enterprise = application.enterprise
    initial = {name: getattr(enterprise, name) for name in application_form.ENTERPRISE_FIELDS}
    initial["basis"] = application.basis
    for f in enterprise.financials.filter(year__in=years):
        for name in application_form.MONEY_FIELDS:
            initial[f"{name}_{f.year}"] = getattr(f, name)
    return initial


@login_required
@domain_errors
def application_form_page(request, board, pk):
    application = _access_application(request, pk)
    if not (application.created_by_id == request.user.pk
            or application.enterprise.users.filter(pk=request.user.pk).exists()):
        raise Http404("未找到该申请。")  # the enterprise's own form: a bureau reads it in the filing
    years = application_form.form_years()
    form = ApplicationFormForm(*_posted(request)[:1], initial=_initial(application, years), years=years)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application_form.fill_application_form(
                application, actor=request.user, basis=data["basis"],
                fields={name: data[name] for name in application_form.ENTERPRISE_FIELDS},
                financials={year: {name: data[f"{name}_{year}"] for name in application_form.MONEY_FIELDS}
                            for year in years if year >= data["founded_on"].year})
        except DomainError as exc:
            add_to_form(form, exc)
            status = exc.status
        else:
            messages.success(request, "入板申请表已保存。")
            return redirect("admission-detail", board=request.board.slug, pk=pk)
    return render(request, "boards/admission/application_form.html", {
        "application": application, "form": form,
        "editable": application.state in application_form.OPEN_STATES,
        "missing": application_form.missing(application),
    }, status=status if status != 200 else (400 if form.errors else 200))
