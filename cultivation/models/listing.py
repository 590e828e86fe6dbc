"""An enterprise's path toward listing (上市培育) and the milestones recorded on it.

证监办函〔2022〕840号 (十一) 2：“支持企业在上市前 2~3 年改制为股份有限公司”；3：“联合证券交易所、
全国股转系统以及优质证券服务机构，持续为企业提供规范运作、上市（挂牌）辅导……服务”. The path runs
培育入库 → 股份制改造 → 辅导备案 → 交易所沟通 → 申报 → 上市, one stage after another; 终止培育 ends it
from any stage before 上市. Each stage is reached on a date no earlier than the previous one.
"""

import datetime as dt

import django_fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.models import Institution, TenantModel


class Stage(models.TextChoices):
    CULTIVATING = "cultivating", _("培育入库")
    JOINT_STOCK = "joint_stock", _("完成股份制改造")
    TUTORING = "tutoring", _("辅导备案")
    COMMUNICATION = "communication", _("交易所沟通")
    FILED = "filed", _("申报")
    LISTED = "listed", _("上市")
    WITHDRAWN = "withdrawn", _("终止培育")


PATH = [Stage.CULTIVATING, Stage.JOINT_STOCK, Stage.TUTORING, Stage.COMMUNICATION, Stage.FILED, Stage.LISTED]
OPEN = [stage for stage in PATH if stage != Stage.LISTED]
# The date field each stage is reached on.
STAGE_DATES = {Stage.CULTIVATING: "enrolled_on", Stage.JOINT_STOCK: "joint_stock_on",
               Stage.TUTORING: "tutoring_on", Stage.COMMUNICATION: "communication_on",
               Stage.FILED: "filed_on", Stage.LISTED: "listed_on", Stage.WITHDRAWN: "withdrawn_on"}


class TargetMarket(models.TextChoices):
    SSE_MAIN = "sse_main", _("上交所主板")
    STAR = "star", _("上交所科创板")
    SZSE_MAIN = "szse_main", _("深交所主板")
    CHINEXT = "chinext", _("深交所创业板")
    BSE = "bse", _("北京证券交易所")
    NEEQ = "neeq", _("全国股转系统（新三板）")


class ListingPath(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="listing_paths",
                                   verbose_name=_("企业"))
    securities_firm = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("服务券商"))
    target_market = models.CharField(_("拟上市板块"), max_length=12, choices=TargetMarket.choices)
    stage = FSMField(_("培育阶段"), max_length=14, choices=Stage.choices, default=Stage.CULTIVATING,
                     protected=True)
    enrolled_on = models.DateField(_("培育入库日期"))
    joint_stock_on = models.DateField(_("股份制改造完成日期"), null=True, blank=True)
    tutoring_on = models.DateField(_("辅导备案日期"), null=True, blank=True)
    communication_on = models.DateField(_("交易所沟通日期"), null=True, blank=True)
    filed_on = models.DateField(_("申报日期"), null=True, blank=True)
    listed_on = models.DateField(_("上市日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("终止日期"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("终止原因"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上市培育档案")
        verbose_name_plural = _("上市培育档案")
        ordering = ["enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["board", "enterprise"], name="uniq_listing_path")]

    def __str__(self):
        return f"{self.enterprise.name}上市培育"

    def stage_date(self, stage=None) -> dt.date | None:
        return getattr(self, STAGE_DATES[stage or self.stage])

    def last_date(self) -> dt.date:
        """The date of the latest stage reached (a new stage cannot be dated before it)."""
        return max(d for d in (getattr(self, name) for name in STAGE_DATES.values()) if d is not None)

    def next_stage(self) -> str | None:
        if self.stage not in OPEN:
            return None
        return PATH[PATH.index(self.stage) + 1]

    def _reach(self, stage, on):
        setattr(self, STAGE_DATES[stage], on)

    @django_fsm.transition(field=stage, source=Stage.CULTIVATING, target=Stage.JOINT_STOCK)
    def convert(self, on):
        self._reach(Stage.JOINT_STOCK, on)

    @django_fsm.transition(field=stage, source=Stage.JOINT_STOCK, target=Stage.TUTORING)
    def file_tutoring(self, on):
        self._reach(Stage.TUTORING, on)

    @django_fsm.transition(field=stage, source=Stage.TUTORING, target=Stage.COMMUNICATION)
    def communicate(self, on):
        self._reach(Stage.COMMUNICATION, on)

    @django_fsm.transition(field=stage, source=Stage.COMMUNICATION, target=Stage.FILED)
    def file_application(self, on):
        self._reach(Stage.FILED, on)

    @django_fsm.transition(field=stage, source=Stage.FILED, target=Stage.LISTED)
    def list_shares(self, on):
        self._reach(Stage.LISTED, on)

    @django_fsm.transition(field=stage, source=OPEN, target=Stage.WITHDRAWN)
    def withdraw(self, on, reason):
        self._reach(Stage.WITHDRAWN, on)
        self.withdrawn_reason = reason


class ListingMilestone(TenantModel):
    """One recorded step of a path: what happened, when, on which document (its evidence)."""

    path = models.ForeignKey(ListingPath, on_delete=models.CASCADE, related_name="milestones",
                             verbose_name=_("上市培育档案"))
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices)
    occurred_on = models.DateField(_("日期"))
    reference = models.CharField(_("文件或文号"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    securities_firm = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("服务券商"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上市培育节点")
        verbose_name_plural = _("上市培育节点")
        ordering = ["occurred_on", "pk"]

    def __str__(self):
        return f"{self.get_stage_display()}（{self.occurred_on:%Y-%m-%d}）"
