"""Admin of the roadshows app: staff plan a roadshow (through the service), decide the sign-ups,
invite investors (the alliance's suggested by their stated interests), close the list, record the
roadshow held with who attended, and record the outcomes that open matchmakings."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from boards.kernel.admin.base import ReadOnlyBoardAdmin, ReadOnlyInline
from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.steps.admin import StepAdminMixin
from roadshows.models import Invitation, Outcome, Roadshow, Signup
from roadshows.services import events
from roadshows.steps import ROADSHOW_STEPS, SIGNUP_STEPS, PlanForm


class SignupInline(ReadOnlyInline):
    model = Signup
    fields = readonly_fields = ("enterprise_link", "amount", "state", "decision_note", "attended")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise")

    @admin.display(description="企业")
    def enterprise_link(self, signup):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:roadshows_signup_change", args=[signup.pk]),
            signup.enterprise.name,
        )


class InvitationInline(ReadOnlyInline):
    model = Invitation
    fields = readonly_fields = ("institution", "reasons_text", "state", "answer_note", "attended")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")

    @admin.display(description="邀请依据")
    def reasons_text(self, invitation):
        return "；".join(invitation.reasons) or "—"


class OutcomeInline(ReadOnlyInline):
    model = Outcome
    fields = readonly_fields = ("enterprise", "institution", "note", "matchmaking", "recorded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("signup__enterprise", "invitation__institution")

    @admin.display(description="企业")
    def enterprise(self, outcome):
        return outcome.signup.enterprise.name

    @admin.display(description="投资机构")
    def institution(self, outcome):
        return outcome.invitation.institution.name

    @admin.display(description="对接项目")
    def matchmaking(self, outcome):
        if outcome.matchmaking_id is None:
            return outcome.matchmaking_text
        # The alliance's admin page, by URL name: this app does not import the alliance.
        url = reverse("admin:alliance_matchmaking_change", args=[outcome.matchmaking_id])
        return format_html('<a href="{}">{}</a>', url, outcome.matchmaking_text)


@admin.register(Roadshow)
class RoadshowAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "roadshows"
    list_display = ["title", "venue", "starts_at", "signup_closes_on", "state", "step_links"]
    list_filter = ["state", "venue"]
    search_fields = ["title", "location"]
    inlines = [SignupInline, InvitationInline, OutcomeInline]
    fields = readonly_fields = ("title", "venue", "location", "starts_at", "signup_closes_on", "description",
                                "state", "summary", "cancel_reason", "reminded_at", "created_by",
                                "created_at")
    steps = ROADSHOW_STEPS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("signups")

    def has_add_permission(self, request):
        return self._open(request)

    def add_view(self, request, form_url="", extra_context=None):
        """发起路演 goes through services.events.plan_roadshow (checks, sign-up date, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = PlanForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                roadshow = events.plan_roadshow(request.board, actor=request.user, **form.service_kwargs())
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request, f"已发起路演：{roadshow}，报名截止 {roadshow.signup_closes_on:%Y-%m-%d}。"
                )
                return redirect("admin:roadshows_roadshow_change", roadshow.pk)
        return self.form_page(request, "发起路演", form, reverse("admin:roadshows_roadshow_changelist"))


@admin.register(Signup)
class SignupAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "roadshows"
    list_display = ["enterprise", "roadshow", "amount", "state", "attended", "step_links"]
    list_filter = ["state", "roadshow"]
    search_fields = ["enterprise__name", "pitch"]
    list_select_related = ["enterprise", "roadshow"]
    fields = readonly_fields = ("roadshow", "enterprise", "pitch", "amount", "state", "decision_note",
                                "attended", "service_record", "submitted_by", "submitted_at", "decided_by",
                                "decided_at")
    steps = SIGNUP_STEPS


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyBoardAdmin):
    module = "roadshows"
    list_display = ["institution", "roadshow", "state", "answer_note", "attended"]
    list_filter = ["state", "roadshow"]
    list_select_related = ["institution", "roadshow"]
    fields = readonly_fields = ("roadshow", "institution", "reasons_text", "state", "answer_note", "attended",
                                "invited_by", "invited_at", "answered_by", "answered_at")

    @admin.display(description="邀请依据")
    def reasons_text(self, invitation):
        return "；".join(invitation.reasons) or "—"
