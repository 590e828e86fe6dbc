"""Admin of custody, disclosures and consents. Holdings change only through boards.custody
(the register's "登记股权变动" page), so every change leaves its ShareChange and evidence;
changes, disclosures and consents are read-only records here."""

from contextlib import nullcontext

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from boards.enterprises.models import (
    DataConsent,
    Disclosure,
    Enterprise,
    EnterpriseStatus,
    ShareChange,
    Shareholding,
    ShareRegister,
)
from boards.enterprises.services import custody
from boards.enterprises.services.consent import in_force
from boards.enterprises.tiers import tier_names
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin, ReadOnlyInline
from boards.kernel.admin.desk import use_autocomplete
from boards.kernel.errors import DomainError
from boards.kernel.files import removed_on_error, store_upload
from boards.kernel.models import Deadline


class ShareholdingInline(ReadOnlyInline):
    model = Shareholding
    readonly_fields = fields = ("holder_name", "holder_id_number", "shares", "share_pct", "confirmed",
                                "confirmed_on", "in_custody_account")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("register")

    @admin.display(description="持股比例")
    def share_pct(self, holding):
        return f"{holding.shares * 100 / holding.register.total_shares:.2f}%"


class ShareChangeInline(ReadOnlyInline):
    model = ShareChange
    readonly_fields = fields = ("occurred_at", "holder", "kind", "delta", "balance_after", "note", "evidence",
                                "actor")

    @admin.display(description="股东")
    def holder(self, change):
        return change.holding.holder_name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("holding", "evidence", "actor")


class OverdueFilter(admin.SimpleListFilter):
    title = "确权期限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已逾期未达标")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=custody.overdue_registers().values("pk"))
        return queryset


class OpenRegisterForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(),
                                        help_text="已入板、尚未建立股东名册的企业")
    total_shares = forms.DecimalField(label="股份（股权）总数", max_digits=20, decimal_places=2)
    responsible_party = forms.CharField(label="托管账户责任主体", max_length=200)

    def __init__(self, board, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            board=board, status=EnterpriseStatus.ADMITTED, share_register=None)


class HoldingChangeForm(forms.Form):
    kind = forms.ChoiceField(label="变动类型", choices=[("confirm", "确权登记（自托管专户转给确权股东）"),
                                                    ("transfer", "股权转让（已确权股东之间）")])
    from_holding = forms.ModelChoiceField(label="转出股东", queryset=Shareholding.objects.none(),
                                          required=False,
                                          help_text="仅股权转让时填写")
    holder_name = forms.CharField(label="股东名称", max_length=200, help_text="确权股东或受让方")
    holder_id_number = forms.CharField(label="证件号码", max_length=40, required=False)
    shares = forms.DecimalField(label="股数", max_digits=20, decimal_places=2)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(label="凭证", required=False, help_text="PDF 或图片")

    def __init__(self, register, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_holding"].queryset = register.holdings.filter(in_custody_account=False,
                                                                        shares__gt=0)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "transfer" and not data.get("from_holding"):
            self.add_error("from_holding", "股权转让须选择转出股东。")
        return data


@admin.register(ShareRegister)
class ShareRegisterAdmin(BoardScopedAdmin):
    module = "custody"
    list_display = ["enterprise", "total_shares", "confirmed", "required", "due", "custody_responsible_party"]
    list_filter = [OverdueFilter]
    search_fields = ["enterprise__name", "enterprise__credit_code", "custody_responsible_party"]
    list_select_related = ["enterprise__board"]
    inlines = [ShareholdingInline, ShareChangeInline]
    fields = readonly_fields = ("enterprise", "total_shares", "custody_responsible_party", "opened_on",
                                "confirmation", "due", "record_link")

    def get_queryset(self, request):
        deadlines = Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(ShareRegister), kind=custody.DEADLINE_KIND,
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        return super().get_queryset(request).prefetch_related("holdings").annotate(
            due_at=Subquery(deadlines.values("due_at")[:1]),
            deadline_state=Subquery(deadlines.values("state")[:1]),
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on the page is edited in place: changes go through the record page.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="已确权比例")
    def confirmed(self, obj):
        return f"{custody.confirmed_pct(obj):.2f}%"

    @admin.display(description="达标要求")
    def required(self, obj):
        return f"≥{custody.required_pct(obj.enterprise)}%"

    @admin.display(description="确权进度")
    def confirmation(self, obj):
        """The confirmed share against the threshold of the enterprise's tier (custody config)."""
        tier = tier_names(obj.board).get(obj.enterprise.tier, "未分层")
        pct, required = custody.confirmed_pct(obj), custody.required_pct(obj.enterprise)
        state = "已达标" if custody.threshold_reached(obj) else "未达标"
        return format_html("已确权 <strong>{}%</strong>，达标要求 ≥{}%（{}）：<strong>{}</strong>",
                           f"{pct:.2f}", required, tier, state)

    @admin.display(description="确权期限", ordering="due_at")
    def due(self, obj):
        if obj.due_at is None:
            return "—"
        label = f"{timezone.localtime(obj.due_at):%Y-%m-%d}"
        if obj.deadline_state == "met":
            return f"{label}（已达标）"
        if obj.deadline_state == "open" and obj.due_at < timezone.now():
            return format_html('<span class="overdue">{}（已逾期）</span>', label)
        return label

    @admin.display(description="股权变动")
    def record_link(self, obj):
        url = reverse("admin:boards_shareregister_record", args=[obj.pk])
        return format_html('<a class="button" href="{}">登记股权变动（确权、转让）</a>', url)

    def get_urls(self):
        return [path("<path:object_id>/record/", self.admin_site.admin_view(self.record_view),
                     name="boards_shareregister_record")] + super().get_urls()

    def _form_page(self, request, form, title, original=None):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": original,
                   "title": title, "form": form}
        return TemplateResponse(request, "admin/boards/shareregister/form.html", context,
                                status=400 if form.errors else 200)

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a register goes through custody.open_register (custody account, deadline)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OpenRegisterForm(request.board, request.POST or None)
        use_autocomplete(form, "enterprise", ShareRegister)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                register = custody.open_register(
                    data["enterprise"], total_shares=data["total_shares"],
                    responsible_party=data["responsible_party"], actor=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "股东名册已建立，全部股份先记入托管专户，确权期限已开始计算。")
                return redirect("admin:boards_shareregister_change", register.pk)
        return self._form_page(request, form, "建立股东名册")

    def record_view(self, request, object_id):
        register = self.get_object(request, object_id)
        if not self.has_change_permission(request, register):
            raise PermissionDenied
        form = HoldingChangeForm(register, request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._record(request, register, form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "股权变动已登记。")
                return redirect("admin:boards_shareregister_change", register.pk)
        # A register opened before its custody account existed has nothing unconfirmed to show.
        account = register.holdings.filter(in_custody_account=True).first()
        unconfirmed = account.shares if account else 0
        title = f"登记股权变动：{register.enterprise}（托管专户未确权 {unconfirmed}）"
        return self._form_page(request, form, title, register)

    @transaction.atomic
    def _record(self, request, register, data):
        file = None
        if data["evidence"]:
            file = store_upload(request.board, data["evidence"], purpose="boards.custody", user=request.user,
                                allowed=("pdf", "jpg", "png"))
        common = {"shares": data["shares"], "actor": request.user, "note": data["note"],
                  "evidence_file": file}
        # A refused change leaves neither rows nor the uploaded voucher behind.
        with removed_on_error(file.file) if file else nullcontext():
            if data["kind"] == "confirm":
                custody.confirm_shares(register, holder_name=data["holder_name"],
                                       holder_id_number=data["holder_id_number"], **common)
            else:
                custody.transfer_shares(data["from_holding"], to_holder_name=data["holder_name"],
                                        to_holder_id_number=data["holder_id_number"], **common)


@admin.register(ShareChange)
class ShareChangeAdmin(ReadOnlyBoardAdmin):
    module = "custody"
    list_display = ["occurred_at", "register", "holding", "kind", "delta", "balance_after", "actor"]
    list_filter = ["kind"]
    search_fields = ["register__enterprise__name", "holding__holder_name"]
    list_select_related = ["register__enterprise", "holding", "actor"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyBoardAdmin):
    """Enterprises publish on their own page; staff see every disclosure, whatever its audience."""
    module = "disclosure"

    list_display = ["title", "enterprise", "audience", "is_periodic", "period", "published_at"]
    list_filter = ["audience", "is_periodic"]
    search_fields = ["title", "enterprise__name", "period"]
    list_select_related = ["enterprise"]


class ConsentStateFilter(admin.SimpleListFilter):
    title = "授权状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "有效"), ("expired", "已过期"), ("revoked", "已撤回")]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "active": lambda: queryset.filter(in_force(now)),
            "expired": lambda: queryset.filter(revoked_at=None, expires_at__lte=now),
            "revoked": lambda: queryset.exclude(revoked_at=None),
        }.get(self.value(), lambda: queryset)()


@admin.register(DataConsent)
class DataConsentAdmin(ReadOnlyBoardAdmin):
    """Enterprises grant and revoke on their own page, with evidence; staff look."""
    module = "boards"

    list_display = ["enterprise", "institution", "categories", "granted_at", "expires_at", "revoked_at"]
    list_filter = [ConsentStateFilter]
    search_fields = ["enterprise__name", "institution__name"]
    list_select_related = ["enterprise", "institution"]
