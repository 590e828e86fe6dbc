"""Admin of products, needs, interest profiles, matchmakings, recommendations and reports."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from alliance import reports, services
from alliance.admin.base import StepAdmin
from alliance.models import (
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    MatchState,
    Product,
    Recommendation,
    ReportRun,
    ReportState,
)
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin
from boards.kernel.errors import DomainError
from boards.kernel.steps import Step, StepForm, text_form


class ValueReportForm(StepForm):
    upload = forms.FileField(label="初步价值报告（PDF 或 Word）")


class CaseForm(StepForm):
    title = forms.CharField(label="案例标题", max_length=200)
    summary = forms.CharField(label="案例简介", widget=forms.Textarea(attrs={"rows": 6, "cols": 70}))


# --- 金融超市, needs, profiles, matchmaking ----------------------------------------------------------


@admin.register(Product)
class ProductAdmin(ReadOnlyBoardAdmin):
    module = "alliance"
    list_display = ["name", "institution", "product_type", "amount_min", "amount_max", "rate_min", "rate_max",
                    "approval_days", "for_tech_enterprises", "is_published"]
    list_filter = ["product_type", "is_published", "for_tech_enterprises"]
    search_fields = ["name", "institution__name"]
    list_select_related = ["institution"]


@admin.register(FinancingNeed)
class FinancingNeedAdmin(StepAdmin):
    list_display = ["enterprise", "amount", "term_months", "state", "posted_at", "curated_at"]
    list_filter = ["state"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise"]
    readonly_fields = fields = ("enterprise", "amount", "term_months", "use", "product_types", "state",
                                "summary", "note", "posted_by", "posted_at", "curated_by", "curated_at")
    steps = {
        "whitelist": Step("列入白名单", services.curate_need, transition="whitelist",
                          form=text_form("白名单摘要（向机构展示，请删去商业和技术秘密）",
                                         initial=lambda obj: obj.use),
                          fixed={"whitelist": True}),
        "decline": Step("不列入白名单", services.curate_need, transition="decline", form=text_form("理由"),
                        fixed={"whitelist": False}),
        "close": Step("关闭", services.close_need, transition="close"),
    }


@admin.register(InterestProfile)
class InterestProfileAdmin(ReadOnlyBoardAdmin):
    module = "alliance"
    list_display = ["institution", "industries", "tiers", "stages", "amount_min", "amount_max", "updated_at"]
    search_fields = ["institution__name", "institution__code"]
    list_filter = [("updated_at", admin.DateFieldListFilter)]
    list_select_related = ["institution"]


@admin.register(Matchmaking)
class MatchmakingAdmin(StepAdmin):
    list_display = ["institution", "enterprise", "state", "reason_category", "financed_amount", "is_case",
                    "pushed_at"]
    list_filter = ["state", "reason_category", "is_case", "financed_instrument"]
    search_fields = ["enterprise__name", "institution__name"]
    list_select_related = ["institution", "enterprise"]
    readonly_fields = fields = ("institution", "enterprise", "need", "state", "reasons", "reason_category",
                                "reason_text", "failed_from", "value_report_requested_at", "value_report",
                                "financed_amount", "financed_instrument", "financed_on", "financed_tier",
                                "is_case", "case_title", "case_summary", "pushed_at", "updated_at")
    actions = ["push_now"]
    steps = {
        "value_report": Step("出具初步价值报告", services.deliver_value_report,
                             when=lambda obj: obj.value_report_requested_at and not obj.value_report_id,
                             form=ValueReportForm),
        "case": Step("列为案例", services.mark_case,
                     when=lambda obj: obj.state == MatchState.FINANCED and not obj.is_case,
                     form=CaseForm),
    }

    @admin.display(description="推送依据")
    def reasons(self, obj):
        return format_html_join("", "<div>{} {}</div>", (("✓" if r["met"] else "✗", r["reason"])
                                                          for r in obj.match_reasons)) or "—"

    @admin.action(description="按对接偏好立即推送匹配企业（与所选行无关）")
    def push_now(self, request, queryset):
        pushed = services.push_matches(request.board, actor=request.user)
        messages.success(request, f"已推送 {len(pushed)} 个对接项目。")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyBoardAdmin):
    module = "alliance"
    list_display = ["enterprise", "institution", "invested", "created_at"]
    search_fields = ["institution__name", "enterprise__name", "reason"]
    list_filter = ["invested"]
    list_select_related = ["enterprise", "institution"]


# --- Semi-annual report ---------------------------------------------------------------------------------


class ReportForm(forms.ModelForm):
    class Meta:
        model = ReportRun
        fields = ["board", "period"]

    def clean_period(self):
        try:
            reports.period_dates(self.cleaned_data["period"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return self.cleaned_data["period"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyBoardAdmin):
    """Staff start a build by adding a run (the period); the list shows its progress as it goes."""
    module = "alliance"

    form = ReportForm
    list_display = ["period", "state", "progress_bar", "step", "filing_links", "created_at", "finished_at"]
    search_fields = ["period"]
    list_filter = ["state"]
    fields = ["period", "state", "progress_bar", "step", "error", "filing_links", "requested_by",
              "created_at", "finished_at"]

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        return self.fields if obj else ReportForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("filings")

    @admin.display(description="进度")
    def progress_bar(self, obj):
        return format_html('<progress max="100" value="{}"></progress> {}%', obj.progress, obj.progress)

    @admin.display(description="报备文件")
    def filing_links(self, obj):
        if obj.state != ReportState.DONE:
            return "—"
        return format_html_join("、", '<a href="{}">{}</a>', (
            (reverse("filing-download", args=[obj.board.slug, f.pk]), f"{f.number}（{f.addressee_name}）")
            for f in obj.filings.all()))

    def save_model(self, request, obj, form, change):
        obj.pk = reports.start_report(request.board, period=form.cleaned_data["period"],
                                      actor=request.user).pk
