"""Staff side: the expert committee, and review cases run step by step from the case page
(each step a small form or a confirmation, done through reviews.services)."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join

from boards.enterprises.models import Enterprise
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin, ReadOnlyInline, on_board
from boards.kernel.admin.desk import LargeTableAutocompleteMixin, use_autocomplete
from boards.kernel.errors import DomainError
from boards.kernel.models import Institution
from boards.kernel.participation import institutions_on
from boards.kernel.steps.admin import StepAdminMixin
from reviews import draw, selectors, services
from reviews.models import (
    CaseMaterial,
    DeclaredConflict,
    Expert,
    ExpertEmployment,
    PanelDraw,
    PanelSeat,
    QualityChallenge,
    ReviewCase,
    ReviewKind,
    SeatState,
    Unavailability,
)
from reviews.steps import CASE_STEPS


class BoardInline(LargeTableAutocompleteMixin, admin.TabularInline):
    """Inline rows belong to the parent's board; staff of the current board may edit them
    (like BoardScopedAdmin, not by Django model permissions)."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return on_board(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class EmploymentInline(BoardInline):
    model = ExpertEmployment
    fields = ["institution", "position", "started_on", "ended_on"]
    autocomplete_fields = ["institution"]


class DeclaredConflictInline(BoardInline):
    model = DeclaredConflict
    fields = ["enterprise", "institution", "reason", "declared_on"]
    autocomplete_fields = ["institution"]


class UnavailabilityInline(BoardInline):
    model = Unavailability
    fields = ["starts_on", "ends_on", "reason"]


@admin.register(Expert)
class ExpertAdmin(BoardScopedAdmin):
    module = "reviews"
    list_display = ["name", "field", "source", "institution", "is_active", "is_available"]
    list_filter = ["field", "source", "is_active", "is_available"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution"]
    inlines = [EmploymentInline, DeclaredConflictInline, UnavailabilityInline]

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            row.board = request.board
            row.save()
        for row in formset.deleted_objects:
            row.delete()


# --- Cases -----------------------------------------------------------------------------------


class SeatInline(ReadOnlyInline):
    model = PanelSeat
    fields = readonly_fields = ("expert", "state", "sent_at", "received_at", "clock", "attended", "vote")
    verbose_name_plural = "评审组进度"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "expert", "receipt_deadline", "review_deadline", "opinion")

    @admin.display(description="期限")
    def clock(self, seat):
        clock = selectors.clock(seat)
        if clock is None:
            return "—"
        if clock["paused"]:
            return f"{clock['label']}：已暂停，剩余 {clock['left']}"
        return f"{clock['label']}：{'已逾期' if clock['overdue'] else '剩余'} {clock['left']}"

    @admin.display(description="表决")
    def vote(self, seat):
        return seat.opinion.get_vote_display() if seat.state == SeatState.SUBMITTED else "—"


class MaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = readonly_fields = ("title", "file", "supplement", "added_at")


class DrawInline(ReadOnlyInline):
    model = PanelDraw
    fields = readonly_fields = ("drawn_at", "seed", "needed", "chosen", "exclusions_text", "replayed")

    @admin.display(description="排除专家及理由")
    def exclusions_text(self, record):
        return format_html_join("", "<div>{}：{}</div>", (
            (row["name"], "；".join(row["reasons"])) for row in record.exclusions)) or "—"

    @admin.display(description="按种子复核")
    def replayed(self, record):
        return "一致" if draw.replay(record) == record.chosen else "不一致！"


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label="评审类型", choices=ReviewKind.choices)
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    panel_size = forms.IntegerField(label="专家人数", min_value=1, required=False,
                                    help_text="留空按评审类型的最少人数")
    opened_by_institution = forms.ModelChoiceField(
        label="发起机构", queryset=Institution.objects.none(), required=False,
        help_text="投融资联合会成员（已投资该企业）发起优选层评审时选择")
    reason = forms.CharField(label="发起理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(board=board)
        self.fields["opened_by_institution"].queryset = institutions_on(board)


@admin.register(ReviewCase)
class ReviewCaseAdmin(StepAdminMixin, BoardScopedAdmin):
    module = "reviews"
    list_display = ["pk", "enterprise", "kind", "state", "panel_size", "passed", "created_at"]
    list_filter = ["kind", "state", "passed"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    steps = CASE_STEPS
    inlines = [SeatInline, MaterialInline, DrawInline]
    fields = readonly_fields = ("kind", "enterprise", "opened_by_institution", "opened_by", "reason",
                                "panel_size", "state", "created_at", "material_sent_at", "meeting_at",
                                "meeting_place", "observers", "enterprise_answers", "passed", "votes",
                                "decided_at", "feedback", "feedback_letter", "archived_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a case goes through services.open_case (checks, evidence)."""
        if not self.has_add_permission(request):
            raise Http404
        form = OpenCaseForm(request.POST or None, board=request.board)
        use_autocomplete(form, "enterprise", ReviewCase)
        use_autocomplete(form, "opened_by_institution", ReviewCase)
        if request.method == "POST" and form.is_valid():
            try:
                case = services.open_case(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已立案：{case}。下一步：上传材料并抽取专家。")
                return redirect("admin:reviews_reviewcase_change", case.pk)
        return self.form_page(request, "发起评审", form, reverse("admin:reviews_reviewcase_changelist"))


@admin.register(QualityChallenge)
class QualityChallengeAdmin(ReadOnlyBoardAdmin):
    module = "reviews"
    list_display = ["institution", "case", "expert", "created_at"]
    search_fields = ["institution__name", "expert__name", "case__enterprise__name", "text"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    fields = readonly_fields = ("case", "institution", "expert", "text", "created_at")
