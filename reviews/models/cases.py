"""Review cases with their materials, supplement requests and quality challenges."""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.models import Institution, StoredFile, TenantModel
from reviews.models.experts import Expert

# --- Cases ---------------------------------------------------------------------------------


class ReviewKind(models.TextChoices):
    INNOVATION = "innovation", _("创新型企业认定")
    PREMIUM = "premium", _("优选层评审")
    LISTING_RESERVE = "listing_reserve", _("上市企业后备库评审")


class CaseState(models.TextChoices):
    CREATED = "created", _("已立案")
    PANEL_DRAWN = "panel_drawn", _("已抽取专家")
    MATERIAL_SENT = "material_sent", _("评审中")
    MEETING_SCHEDULED = "meeting_scheduled", _("已安排评审会")
    MEETING_HELD = "meeting_held", _("评审会已召开")
    DECIDED = "decided", _("已作出结论")
    FEEDBACK_SENT = "feedback_sent", _("已书面反馈企业")
    FILED = "filed", _("已报备")
    ARCHIVED = "archived", _("已归档")


def passes(pass_votes, panel_size):
    """A majority of the whole panel: more than half of its seats (3 of 5, 4 of 6)."""
    return pass_votes * 2 > panel_size


class ReviewCase(ConcurrentTransitionMixin, TenantModel):
    """One review of one enterprise. ``rules`` is the review type's configuration copied at
    opening; ``panel_size`` seats are active (not declined or replaced) once drawn."""

    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="review_cases",
                                   verbose_name=_("企业"))
    opened_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发起机构"), help_text=_("投融资联合会成员（已投资该企业）发起优选层评审时填写"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("发起人"))
    reason = models.TextField(_("发起理由"), blank=True)
    rules = models.JSONField(_("评审规则"), default=dict)
    panel_size = models.PositiveSmallIntegerField(_("专家人数"))
    state = FSMField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.CREATED,
                     protected=True)
    created_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    material_sent_at = models.DateTimeField(_("材料送达时间"), null=True, blank=True)
    meeting_at = models.DateTimeField(_("评审会时间"), null=True, blank=True)
    meeting_place = models.CharField(_("评审会地点"), max_length=200, blank=True)
    observers = models.JSONField(_("列席人员"), default=list, blank=True)
    enterprise_answers = models.TextField(_("企业答辩情况"), blank=True)
    passed = models.BooleanField(_("评审通过"), null=True, blank=True)
    votes = models.JSONField(_("表决结果"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("结论记录人"))
    feedback = models.TextField(_("书面反馈意见"), blank=True)
    feedback_letter = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("书面反馈函（PDF）"))
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审案件")
        verbose_name_plural = _("评审案件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["board", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.enterprise}"

    @property
    def is_meeting(self):
        return self.rules.get("mode") == "meeting"

    @property
    def filed_with(self):
        return self.rules.get("filed_with") or []

    def _is_meeting(self):
        return self.is_meeting

    def _decidable(self):
        return not self.is_meeting or self.state == CaseState.MEETING_HELD

    def _has_regulators(self):
        return bool(self.filed_with)

    def _archivable(self):
        return not self.filed_with or self.state == CaseState.FILED

    @django_fsm.transition(field=state, source=CaseState.CREATED, target=CaseState.PANEL_DRAWN)
    def draw_panel(self):
        """The panel was drawn (seats exist)."""

    @django_fsm.transition(field=state, source=CaseState.PANEL_DRAWN, target=CaseState.MATERIAL_SENT)
    def send_material(self, at):
        self.material_sent_at = at

    @django_fsm.transition(field=state, source=CaseState.MATERIAL_SENT, target=CaseState.MEETING_SCHEDULED,
                           conditions=[_is_meeting])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def schedule_meeting(self, at, place):
        self.meeting_at, self.meeting_place = at, place

    @django_fsm.transition(field=state, source=CaseState.MEETING_SCHEDULED, target=CaseState.MEETING_HELD)
    def hold_meeting(self, observers, answers):
        self.observers, self.enterprise_answers = observers, answers

    @django_fsm.transition(field=state, source=[CaseState.MATERIAL_SENT, CaseState.MEETING_HELD],
                           target=CaseState.DECIDED, conditions=[_decidable])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def decide(self, votes, at, by):
        self.votes = votes
        self.passed = passes(votes["pass"], self.panel_size)
        self.decided_at, self.decided_by = at, by

    @django_fsm.transition(field=state, source=CaseState.DECIDED, target=CaseState.FEEDBACK_SENT)
    def send_feedback(self, text):
        self.feedback = text

    @django_fsm.transition(field=state, source=CaseState.FEEDBACK_SENT, target=CaseState.FILED,
                           conditions=[_has_regulators])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def file_with_regulators(self):
        """Filed with every regulator the review type names."""

    @django_fsm.transition(field=state, source=[CaseState.FEEDBACK_SENT, CaseState.FILED],
                           target=CaseState.ARCHIVED, conditions=[_archivable])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def archive(self, at):
        self.archived_at = at


class CaseMaterial(TenantModel):
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="materials",
                             verbose_name=_("评审案件"))
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    supplement = models.ForeignKey("reviews.SupplementRequest", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="materials", verbose_name=_("对应补充要求"))
    added_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审材料")
        verbose_name_plural = _("评审材料")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.title


class QualityChallenge(TenantModel):
    """An expert's finding that a service institution's documents are not competent work;
    the alliance app turns it into the exit procedure (signal quality_challenge_raised)."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="quality_challenges",
                             verbose_name=_("评审案件"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("被质疑机构"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("专家"))
    text = models.TextField(_("质疑意见"))
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("中介机构质量质疑")
        verbose_name_plural = _("中介机构质量质疑")
        ordering = ["-created_at"]

    def __str__(self):
        return f"对{self.institution}的质量质疑"
