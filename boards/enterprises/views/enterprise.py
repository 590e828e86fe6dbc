"""Enterprise pages: an enterprise user manages its data consents and publishes disclosures;
anyone reads an enterprise's disclosures, each visitor only those of their audience."""

import datetime as dt
from contextlib import nullcontext

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from boards.enterprises.models import DataCategory, DataConsent, DisclosureAudience
from boards.enterprises.services.consent import alliance_members, grant_consent, revoke_consent
from boards.enterprises.services.disclosure import (
    disclosing_enterprise,
    due_periodic_deadlines,
    must_disclose,
    publish_disclosure,
    visible_disclosures,
)
from boards.kernel.access import require_role
from boards.kernel.calendar import END_OF_DAY, SHANGHAI
from boards.kernel.errors import DomainError, add_to_form, form_status
from boards.kernel.files import removed_on_error, serve_file, store_upload
from boards.kernel.models import Institution, Role

DISCLOSURE_FILE_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")


def _my_enterprises(request):
    require_role(request.user, request.board, Role.ENTERPRISE_USER)
    return request.user.enterprises.filter(board=request.board).order_by("pk")


def my_enterprise(request):
    """The user's enterprise chosen with ``?enterprise=<id>`` (their first by default), else 404."""
    enterprises = _my_enterprises(request)
    chosen = request.GET.get("enterprise", "")
    enterprise = enterprises.filter(pk=chosen).first() if chosen.isdigit() else enterprises.first()
    if enterprise is None:
        raise Http404("未找到该企业。")
    return enterprise, enterprises


def _back(name, request, enterprise):
    return redirect(f"{reverse(name, args=[request.board.slug])}?enterprise={enterprise.pk}")


class ConsentForm(forms.Form):
    institution = forms.ModelChoiceField(label="授权对象", queryset=Institution.objects.none(),
                                         required=False,
                                         empty_label="全体联盟成员机构")
    categories = forms.MultipleChoiceField(label="授权数据类别", choices=DataCategory.choices,
                                           widget=forms.CheckboxSelectMultiple, initial=[DataCategory.BASIC])
    expires_on = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="授权在该日 24 时前有效")

    def __init__(self, board, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = alliance_members(board)


@login_required
def my_consents(request, board):
    enterprise, enterprises = my_enterprise(request)
    form = ConsentForm(request.board, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant_consent(enterprise, categories=data["categories"], institution=data["institution"],
                              expires_at=dt.datetime.combine(data["expires_on"], END_OF_DAY, tzinfo=SHANGHAI),
                              actor=request.user)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "授权已生效。")
                return _back("my-consents", request, enterprise)
    now, labels = timezone.now(), dict(DataCategory.choices)
    rows = [
        {"consent": consent, "categories": [labels.get(c, c) for c in consent.categories],
         "state": "已撤回" if consent.revoked_at else "已过期" if consent.expires_at <= now else "有效"}
        for consent in enterprise.consents.select_related("institution").order_by("-granted_at")
    ]
    return render(request, "boards/enterprise/consents.html", {
        "enterprise": enterprise, "enterprises": enterprises, "form": form, "rows": rows,
    }, status=form_status(form))


@login_required
@require_POST
def my_consent_revoke(request, board, pk):
    consent = get_object_or_404(DataConsent.objects.select_related("enterprise"), pk=pk,
                                enterprise__in=_my_enterprises(request))
    try:
        revoke_consent(consent, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "授权已撤回，机构即刻起不能再读取相应数据。")
    return _back("my-consents", request, consent.enterprise)


class DisclosureForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    audience = forms.ChoiceField(label="披露对象", choices=DisclosureAudience.choices)
    is_periodic = forms.BooleanField(label="定期披露", required=False)
    period = forms.CharField(label="报告期", max_length=20, required=False,
                             help_text="定期披露必填，例如 2026H1")
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    file = forms.FileField(label="附件", required=False, help_text="PDF、Word、Excel 或图片")


@transaction.atomic
def _publish(request, enterprise, data):
    stored = None
    if data["file"]:
        stored = store_upload(request.board, data["file"], purpose="boards.disclosure", user=request.user,
                              allowed=DISCLOSURE_FILE_TYPES)
    # A refused disclosure leaves neither the row nor the stored file behind.
    with removed_on_error(stored.file) if stored else nullcontext():
        publish_disclosure(enterprise, title=data["title"], audience=data["audience"], body=data["body"],
                           period=data["period"], is_periodic=data["is_periodic"], file=stored,
                           actor=request.user)


@login_required
def my_disclosures(request, board):
    enterprise, enterprises = my_enterprise(request)
    form = DisclosureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _publish(request, enterprise, form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "信息披露已发布。")
            return _back("my-disclosures", request, enterprise)
    return render(request, "boards/enterprise/my_disclosures.html", {
        "enterprise": enterprise, "enterprises": enterprises, "form": form,
        "disclosures": enterprise.disclosures.select_related("file"),
        "must_disclose": must_disclose(enterprise), "deadlines": due_periodic_deadlines(enterprise),
    }, status=form_status(form))


def enterprise_disclosures(request, board, pk):
    enterprise = disclosing_enterprise(request.user, request.board, pk)
    disclosures = (visible_disclosures(request.user, request.board).filter(enterprise=enterprise)
                   .select_related("file"))
    page = Paginator(disclosures, 50).get_page(request.GET.get("page"))
    return render(request, "boards/enterprise/disclosures.html", {"enterprise": enterprise, "page": page})


def disclosure_file(request, board, pk):
    disclosure = get_object_or_404(
        visible_disclosures(request.user, request.board).exclude(file=None).select_related("file"), pk=pk)
    return serve_file(request, disclosure.file)
