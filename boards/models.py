"""Kernel models: the Board tenant, memberships, calendar, evidence, deadlines, files, filings.

Every tenant-owned model derives from ``TenantModel``: it carries ``board`` and its default
manager is scoped, so a query outside ``board_scope`` raises ScopeError. On PostgreSQL the
same tables are fenced by row-level security (see boards/rls.py).
"""

import django_fsm
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from django_scopes import ScopedManager

from boards.config import validate_board_config
from boards.errors import Conflict
from boards.uscc import validate_uscc


class BoardKind(models.TextChoices):
    BOARD = "board", _("专板")
    PROGRAMME = "programme", _("地方项目")


class Board(models.Model):
    """A tenant: one special board or local programme. Its differences live in ``config``."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=BoardKind.choices)
    operator = models.CharField(_("运营机构"), max_length=200)
    region = models.CharField(_("地区"), max_length=60)
    filing_prefix = models.CharField(
        _("报备编号前缀"), max_length=20, help_text=_("例如 NMG-KCB，报备编号为 NMG-KCB-2026-0001")
    )
    regulators = models.JSONField(
        _("报备监管机构"), default=list, blank=True,
        help_text=_('[{"code": "kjt", "name": "科技厅"}, ...]'),
    )
    config = models.JSONField(_("配置"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("专板/项目")
        verbose_name_plural = _("专板/项目")
        ordering = ["id"]

    def __str__(self):
        return self.name_zh

    def save(self, *args, **kwargs):
        self.config = validate_board_config(self.config)
        super().save(*args, **kwargs)

    def clean(self):
        self.config = validate_board_config(self.config)

    def setting(self, dotted, default=None):
        """Read a configuration value by dotted path, e.g. ``deadlines.funder_answer_workdays``."""
        node = self.config
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def regulator_name(self, code):
        for regulator in self.regulators:
            if regulator.get("code") == code:
                return regulator.get("name", code)
        return code


class TenantModel(models.Model):
    """Base of every tenant-owned model."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, verbose_name=_("专板/项目"))

    objects = ScopedManager(board="board")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    EXCHANGE_STAFF = "exchange_staff", _("交易中心工作人员")
    LOCAL_BUREAU = "local_bureau", _("地方主管部门")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    EXPERT = "expert", _("专家")
    INSTITUTION_USER = "institution_user", _("机构用户")
    CREDIT_ENHANCER = "credit_enhancer", _("增信机构")
    REGULATOR = "regulator", _("监管机构")
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("银行")
    MICROLOAN = "microloan", _("小额贷款公司")
    GUARANTEE = "guarantee", _("融资担保公司")
    REGUARANTEE = "reguarantee", _("再担保公司")
    INSURANCE = "insurance", _("保险公司")
    FUND = "fund", _("基金/私募管理人")
    SUPPLY_CHAIN = "supply_chain", _("供应链金融")
    LEASING = "leasing", _("融资租赁")
    SECURITIES = "securities", _("证券公司")
    ACCOUNTING = "accounting", _("会计师事务所")
    LAW = "law", _("律师事务所")
    VALUATION = "valuation", _("资产评估机构")
    CONSULTING = "consulting", _("咨询机构")
    AMC = "amc", _("资产管理公司")
    ARBITRATION = "arbitration", _("金融仲裁")
    COURT = "court", _("金融法庭")
    PRODUCTIVITY_CENTRE = "productivity_centre", _("生产力促进中心")
    EXCHANGE = "exchange", _("股权交易中心")
    GOVERNMENT = "government", _("政府部门")
    OTHER = "other", _("其他")


class Institution(models.Model):
    """A legal organisation (bank, fund, firm, bureau). Not tenant-owned: it can serve several
    boards; what it may see on a board follows from its per-board memberships."""

    code = models.CharField(_("机构代码"), max_length=40, unique=True)
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=30, choices=InstitutionKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]

    def __str__(self):
        return self.name


class BoardMembership(models.Model):
    """Grants a user one role on one board. Access data, read before any scope is open,
    so it is deliberately not scoped; every check filters it by user and board."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_memberships",
        verbose_name=_("用户"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("专板/项目")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("所属机构"),
        help_text=_("机构用户、增信机构、专家所属机构"),
    )
    prefecture = models.CharField(
        _("所辖地州市"), max_length=60, blank=True, help_text=_("地方主管部门用户的辖区")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专板成员")
        verbose_name_plural = _("专板成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "board", "role"], name="uniq_membership_role")
        ]
        indexes = [models.Index(fields=["user", "board", "is_active"])]

    def __str__(self):
        return f"{self.user} @ {self.board.slug}: {self.get_role_display()}"


# --- Working-day calendar --------------------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose holiday schedule staff entered by hand (the package does not know it)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    is_complete = models.BooleanField(
        _("已录入完整"), default=False,
        help_text=_("录入该年全部法定节假日和调休工作日后勾选；此后该年期限不再标记为暂定"),
    )
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("国务院办公厅通知文号"))

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class HolidayOverride(models.Model):
    """A day whose status staff set: a statutory holiday, or an adjusted working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"), help_text=_("调休上班日勾选；法定节假日不勾选"))
    name = models.CharField(_("名称"), max_length=60, help_text=_("例如 春节、国庆节调休"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


# --- Evidence log ------------------------------------------------------------------------------


class EvidenceEntry(TenantModel):
    """Append-only, hash-chained per board (区块链存证). Never updated or deleted."""

    seq = models.PositiveBigIntegerField(_("序号"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人标识"), max_length=200, blank=True)
    action = models.CharField(_("动作"), max_length=120, help_text=_("例如 reviews.case.decided"))
    subject_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("存证记录")
        verbose_name_plural = _("存证记录")
        ordering = ["board", "seq"]
        constraints = [models.UniqueConstraint(fields=["board", "seq"], name="uniq_evidence_seq")]
        indexes = [models.Index(fields=["board", "subject_type", "subject_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IntegrityError("存证记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IntegrityError("存证记录只能追加，不能删除。")


class EvidenceHead(TenantModel):
    """The last sequence and hash of a board's chain; locked to append in order."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("存证链头")
        verbose_name_plural = _("存证链头")
        constraints = [models.UniqueConstraint(fields=["board"], name="uniq_evidence_head")]


# --- Deadlines and notifications ---------------------------------------------------------------


class DayBasis(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    PAUSED = "paused", _("暂停")
    MET = "met", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class DeadlineStage(models.IntegerChoices):
    NONE = 0, _("未提醒")
    REMINDED = 1, _("已提前提醒")
    DUE = 2, _("到期提醒")
    ESCALATED = 3, _("已逾期上报")


class Deadline(ConcurrentTransitionMixin, TenantModel):
    """One clock on one subject. ``due_at`` already includes every completed pause.

    ``next_action_at`` is when the sweep must act next (reminder, due notice, escalation);
    it is NULL once nothing more is to be sent, so the sweep's partial index only holds
    rows with something pending. Transitions only change the row; boards.deadlines computes
    dates and the schedule around them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("期限类型"), max_length=80, help_text=_("例如 reviews.expert_opinion"))
    title = models.CharField(_("标题"), max_length=200)
    basis = models.CharField(_("计算方式"), max_length=10, choices=DayBasis.choices)
    amount = models.PositiveIntegerField(_("天数"))
    starts_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("截止时间"))
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("跨入尚无节假日数据的年份，仅按周末计算")
    )
    state = FSMField(_("状态"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN,
                     protected=True)
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("累计暂停秒数"), default=0)
    paused_workdays = models.PositiveIntegerField(
        _("累计暂停工作日"), default=0, help_text=_("工作日期限顺延的天数，恢复计时时确定")
    )
    remind_before = models.DurationField(_("提前提醒"), null=True, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("提醒阶段"), choices=DeadlineStage.choices, default=DeadlineStage.NONE
    )
    next_action_at = models.DateTimeField(_("下次处理时间"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("责任人"),
    )
    assignee_role = models.CharField(
        _("责任角色"), max_length=30, choices=Role.choices, blank=True,
        help_text=_("无责任人时提醒该角色的全部成员"),
    )
    url = models.CharField(_("处理链接"), max_length=300, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        indexes = [
            models.Index(
                fields=["next_action_at"], name="deadline_pending_idx",
                condition=models.Q(next_action_at__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
        ]

    def __str__(self):
        return self.title

    @django_fsm.transition(field=state, source=DeadlineState.OPEN, target=DeadlineState.PAUSED)
    def pause(self, at):
        self.paused_at = at
        self.next_action_at = None

    @django_fsm.transition(field=state, source=DeadlineState.PAUSED, target=DeadlineState.OPEN)
    def resume(self):
        self.paused_at = None

    @django_fsm.transition(field=state, source=[DeadlineState.OPEN, DeadlineState.PAUSED],
                           target=DeadlineState.MET)
    def meet(self, at):
        self.met_at = at
        self.paused_at = None
        self.next_action_at = None

    @django_fsm.transition(field=state, source=[DeadlineState.OPEN, DeadlineState.PAUSED],
                           target=DeadlineState.CANCELLED)
    def cancel(self):
        self.paused_at = None
        self.next_action_at = None


class Notification(TenantModel):
    """An in-app notice; ``email_sent_at`` is claimed with a conditional UPDATE."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("接收人"),
    )
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("期限"),
    )
    stage = models.PositiveSmallIntegerField(_("提醒阶段"), null=True, blank=True)
    verb = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [
            # One notice per recipient per deadline stage: the database keeps reminders single.
            models.UniqueConstraint(
                fields=["deadline", "stage", "user"], name="uniq_deadline_stage_user",
                condition=models.Q(deadline__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


# --- Files and filings -----------------------------------------------------------------------------


def stored_file_path(instance, filename):
    return f"{instance.board_id}/{instance.purpose}/{timezone.now():%Y/%m}/{instance.sha256[:16]}-{filename}"


class StoredFile(TenantModel):
    """An upload checked by content and size. Served only through rights-checking views."""

    purpose = models.CharField(_("用途"), max_length=60)
    file = models.FileField(_("文件"), upload_to=stored_file_path, max_length=400)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")

    def __str__(self):
        return self.original_name


class FilingState(models.TextChoices):
    QUEUED = "queued", _("排队生成")
    RENDERED = "rendered", _("已生成")
    FAILED = "failed", _("生成失败")


class FilingCounter(TenantModel):
    """Gapless numbering per board and year: incremented in the filing's own transaction."""

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="uniq_filing_counter")
        ]


class Filing(TenantModel):
    """A document filed with a regulator: an HTML template rendered to PDF by WeasyPrint."""

    number = models.CharField(_("报备编号"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("年度序号"))
    addressee = models.CharField(_("报送单位"), max_length=60, help_text=_("监管机构代码，如 kjt"))
    subject = models.CharField(_("标题"), max_length=300)
    template_name = models.CharField(_("模板"), max_length=200)
    context = models.JSONField(_("内容数据"), default=dict)
    kind = models.CharField(_("报备类型"), max_length=80, help_text=_("例如 reviews.feedback"))
    subject_type = models.CharField(_("关联对象类型"), max_length=100, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=FilingState.choices, default="queued")
    file = models.FileField(_("PDF"), upload_to="filings/", max_length=400, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报备文件")
        verbose_name_plural = _("报备文件")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year", "sequence"], name="uniq_filing_seq"),
            models.UniqueConstraint(fields=["board", "number"], name="uniq_filing_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def addressee_name(self):
        return self.board.regulator_name(self.addressee)


# --- API keys ------------------------------------------------------------------------------------


class ApiKey(models.Model):
    """An institution's key on one board. Only a SHA-256 of the secret is stored.
    Like BoardMembership this is access data, read before a scope is open: not scoped."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, verbose_name=_("专板/项目"))
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("机构")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("代表用户"), help_text=_("密钥调用时以该机构用户身份执行"),
    )
    label = models.CharField(_("用途说明"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    key_hash = models.CharField(_("密钥哈希"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")

    def __str__(self):
        return f"{self.prefix}… ({self.institution})"


# =====================================================================================
# Enterprises, admission, tiers, custody, disclosure, consent (issue 3)
# =====================================================================================


class QualificationKind(models.TextChoices):
    INNOVATIVE_SME = "innovative_sme", _("创新型中小企业")
    SPECIALIZED_SME = "specialized_sme", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _('专精特新"小巨人"')
    HIGH_TECH = "high_tech", _("高新技术企业")
    TECH_SME = "tech_sme", _("科技型中小企业")
    TECH_BENCHMARK = "tech_benchmark", _("科技标杆企业")
    LISTING_RESERVE = "listing_reserve", _("上市后备企业资源库")
    GOV_FUND_INVESTMENT = "gov_fund_investment", _("政府投资基金投资")
    PEVC_INVESTMENT = "pevc_investment", _("私募股权/创业投资基金投资")
    IPO_TUTORING = "ipo_tutoring", _("已进行上市辅导备案")
    NEEQ_DELISTED_IPO = "neeq_delisted_ipo", _("新三板摘牌拟IPO企业")
    INNOVATIVE_ENTERPRISE = "innovative_enterprise", _("创新型企业（专家评审认定）")


class FinancingRound(models.TextChoices):
    SEED = "seed", _("种子轮")
    ANGEL = "angel", _("天使轮")
    PRE_A = "pre_a", _("Pre-A轮")
    A = "A", _("A轮")
    B = "B", _("B轮")
    C = "C", _("C轮")
    D = "D", _("D轮及以后")
    PRE_IPO = "pre_ipo", _("Pre-IPO")


# Order used by "round A or later" criteria.
ROUND_ORDER = [r.value for r in FinancingRound]


class EnterpriseStatus(models.TextChoices):
    PROSPECT = "prospect", _("储备/线索")
    APPLYING = "applying", _("申报中")
    ADMITTED = "admitted", _("已入板")
    REMOVED = "removed", _("已清退")


class Enterprise(TenantModel):
    """An enterprise known to a board: prospect, applicant or admitted member.

    ``tier`` is a tier code of the board's configured tier scheme ('' until admitted);
    every change of tier goes through ``services.move_tier`` which writes TierChange history.
    """

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    prefecture = models.CharField(_("所在地州市"), max_length=60)
    industry = models.CharField(_("所属行业"), max_length=100)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(_("注册资本（元）"), max_digits=18, decimal_places=2,
                                             null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    main_business = models.CharField(_("主营业务"), max_length=300, blank=True)
    going_concern = models.BooleanField(_("具有持续经营能力"), default=True)
    listing_plan = models.BooleanField(_("具备上市潜力或明确上市规划"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.PROSPECT)
    tier = models.CharField(_("所在层级"), max_length=30, blank=True)
    admitted_on = models.DateField(_("入板日期"), null=True, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="enterprises",
                                   verbose_name=_("企业用户"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "credit_code"], name="uniq_enterprise_code")
        ]
        indexes = [
            models.Index(fields=["board", "tier"]),
            models.Index(fields=["board", "prefecture"]),
            models.Index(fields=["board", "industry"]),
            models.Index(fields=["board", "status"]),
            # The institution list pages through a board's enterprises in this order.
            models.Index(fields=["board", "name", "id"], name="enterprise_board_name_id"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.credit_code = validate_uscc(self.credit_code)
        except ValidationError as error:
            raise ValidationError({"credit_code": error}) from None


class Qualification(TenantModel):
    """A recognition, investment or status the enterprise holds, with its evidence."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("资质类型"), max_length=30, choices=QualificationKind.choices)
    issuer = models.CharField(_("认定/出具单位"), max_length=120, blank=True)
    issued_on = models.DateField(_("取得日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    financing_round = models.CharField(_("融资轮次"), max_length=10, choices=FinancingRound.choices,
                                       blank=True)
    evidence = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("证明材料"))
    source = models.CharField(_("来源"), max_length=40, blank=True,
                              help_text=_("例如 reviews.case:12 表示由专家评审认定"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        indexes = [models.Index(fields=["board", "kind"])]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}"

    def is_valid_on(self, day):
        return (self.issued_on is None or self.issued_on <= day) and (
            self.valid_until is None or day <= self.valid_until)


class FinancialYear(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="financials",
                                   verbose_name=_("企业"))
    year = models.PositiveIntegerField(_("年度"))
    revenue = models.DecimalField(_("营业收入（元）"), max_digits=18, decimal_places=2)
    net_profit = models.DecimalField(_("净利润（元）"), max_digits=18, decimal_places=2)
    rd_expense = models.DecimalField(_("研发费用（元）"), max_digits=18, decimal_places=2, default=0)
    total_assets = models.DecimalField(_("总资产（元）"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("年度财务数据")
        verbose_name_plural = _("年度财务数据")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_financial_year")
        ]


class FinancingKind(models.TextChoices):
    EQUITY = "equity", _("股权融资")
    DEBT = "debt", _("债权融资")


class FinancingEvent(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="financings",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("融资类型"), max_length=10, choices=FinancingKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2)
    investor_name = models.CharField(_("投资方/出资方"), max_length=200)
    investor = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("投资机构"))
    financing_round = models.CharField(_("轮次"), max_length=10, choices=FinancingRound.choices,
                                       blank=True)
    occurred_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("融资事件")
        verbose_name_plural = _("融资事件")
        ordering = ["-occurred_on"]


class ServiceRecordKind(models.TextChoices):
    VISIT = "visit", _("走访")
    SERVICE = "service", _("服务")


class ServiceRecord(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="service_records",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("类型"), max_length=10, choices=ServiceRecordKind.choices)
    occurred_on = models.DateField(_("日期"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("工作人员"))
    summary = models.TextField(_("内容"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("服务机构"),
                                    help_text=_("由服务机构提供的服务"))

    class Meta:
        verbose_name = _("走访/服务记录")
        verbose_name_plural = _("走访/服务记录")
        ordering = ["-occurred_on"]


class TierChangeKind(models.TextChoices):
    ADMISSION = "admission", _("入板")
    PROMOTION = "promotion", _("升层")
    DEMOTION = "demotion", _("降层")
    REMOVAL = "removal", _("清退")
    CONFIRMED = "confirmed", _("年度复核维持")


class TierChange(TenantModel):
    """Append-only history of an enterprise's tier."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tier_changes",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("变动类型"), max_length=12, choices=TierChangeKind.choices)
    from_tier = models.CharField(_("原层级"), max_length=30, blank=True)
    to_tier = models.CharField(_("新层级"), max_length=30, blank=True)
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))
    changed_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("层级变动")
        verbose_name_plural = _("层级变动")
        ordering = ["-changed_at"]


class TierEntryPermit(TenantModel):
    """A passed review that allows entry to a tier whose config requires one (e.g. 优选层)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tier_permits",
                                   verbose_name=_("企业"))
    tier = models.CharField(_("层级"), max_length=30)
    review_kind = models.CharField(_("评审类型"), max_length=40)
    source = models.CharField(_("来源"), max_length=60, help_text=_("例如 reviews.case:12"))
    granted_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("层级准入许可")
        verbose_name_plural = _("层级准入许可")


# --- Admission (入板申报) ------------------------------------------------------------------


class Campaign(TenantModel):
    """An admission round with its dates (e.g. Xinjiang: bureaus by 2024-01-15, check by 2024-01-26)."""

    name = models.CharField(_("名称"), max_length=200)
    opens_on = models.DateField(_("开始日期"))
    bureau_deadline = models.DateField(_("地方主管部门报送截止"))
    check_deadline = models.DateField(_("交易中心初核截止"))
    is_open = models.BooleanField(_("受理中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入板申报批次")
        verbose_name_plural = _("入板申报批次")
        ordering = ["-opens_on"]

    def __str__(self):
        return self.name


class FiledBy(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业自行申报")
    BUREAU = "bureau", _("地方主管部门申报")
    INSTITUTION = "institution", _("服务机构申报")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交地方主管部门")
    FORWARDED = "forwarded", _("已报送交易中心")
    UNDER_CHECK = "under_check", _("交易中心初核中")
    RETURNED = "returned", _("退回补充材料")
    ELIGIBLE = "eligible", _("符合条件")
    INELIGIBLE = "ineligible", _("不符合条件")
    IN_PLAN = "in_plan", _("已纳入分层方案")
    APPROVED = "approved", _("方案已审定")
    IN_PUBLICITY = "in_publicity", _("公示中")
    ADMITTED = "admitted", _("已入板")
    HELD_BACK = "held_back", _("异议成立暂缓入板")


class TierPlanState(models.TextChoices):
    DRAFT = "draft", _("拟订中")
    SUBMITTED = "submitted", _("报审中")
    APPROVED = "approved", _("已审定")
    IN_PUBLICITY = "in_publicity", _("公示中")
    CLOSED = "closed", _("公示结束")


class TierPlan(TenantModel):
    """The exchange's tier plan for a campaign, approved by every body the board config names."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="plans",
                                 verbose_name=_("申报批次"))
    title = models.CharField(_("方案名称"), max_length=200)
    state = FSMField(_("状态"), default=TierPlanState.DRAFT, choices=TierPlanState.choices,
                     protected=True)
    submitted_at = models.DateTimeField(_("报审时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    publicity_provisional = models.BooleanField(_("公示截止暂定"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分层方案")
        verbose_name_plural = _("分层方案")

    def __str__(self):
        return self.title

    # Transitions change state only; boards.admission does the writes around them.
    @django_fsm.transition(field=state, source=TierPlanState.DRAFT, target=TierPlanState.SUBMITTED)
    def submit(self):
        """Filed with every approving body named in the board's ``admission`` config."""

    @django_fsm.transition(field=state, source=TierPlanState.SUBMITTED, target=TierPlanState.APPROVED)
    def approve(self):
        """Fired once every approving body has approved."""

    @django_fsm.transition(field=state, source=TierPlanState.SUBMITTED, target=TierPlanState.DRAFT)
    def reject(self):
        """One body's rejection sends the plan back to the exchange to redraft."""

    @django_fsm.transition(field=state, source=TierPlanState.APPROVED, target=TierPlanState.IN_PUBLICITY)
    def start_publicity(self):
        pass

    @django_fsm.transition(field=state, source=TierPlanState.IN_PUBLICITY, target=TierPlanState.CLOSED)
    def close(self):
        pass


class Application(ConcurrentTransitionMixin, TenantModel):
    """An admission application. See services for who may fire each transition."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("申报批次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="applications",
                                   verbose_name=_("企业"))
    filed_by = models.CharField(_("申报方式"), max_length=12, choices=FiledBy.choices,
                                default=FiledBy.ENTERPRISE)
    filing_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("申报服务机构"))
    due_diligence = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("尽调材料"))
    state = FSMField(_("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices,
                     protected=True)
    requested_tier = models.CharField(_("申请层级"), max_length=30, blank=True)
    proposed_tier = models.CharField(_("拟定层级"), max_length=30, blank=True)
    check_result = models.JSONField(_("初核结论"), default=dict, blank=True,
                                    help_text=_("逐项条件是否满足及理由"))
    supplement_request = models.TextField(_("补充材料要求"), blank=True)
    supplement_rounds = models.PositiveIntegerField(_("补充次数"), default=0)
    plan = models.ForeignKey(TierPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="applications", verbose_name=_("分层方案"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入板申请")
        verbose_name_plural = _("入板申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["board", "state"])]

    def __str__(self):
        return f"{self.enterprise} · {self.campaign}"

    # Transitions change state only; boards.admission does the writes around them.
    def _not_by_institution(self):
        return self.filed_by != FiledBy.INSTITUTION

    def _by_institution(self):
        return self.filed_by == FiledBy.INSTITUTION

    @django_fsm.transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.SUBMITTED,
                           conditions=[_not_by_institution])
    def submit(self):
        """To the prefecture bureau (the enterprise's own filing, or the bureau's)."""

    @django_fsm.transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.FORWARDED,
                           conditions=[_by_institution])
    def file_with_exchange(self):
        """A serving institution's filing goes straight to the exchange."""

    @django_fsm.transition(field=state, source=ApplicationState.SUBMITTED,
                           target=ApplicationState.FORWARDED)
    def forward(self):
        """Part of the bureau's batch to the exchange."""

    @django_fsm.transition(field=state, source=ApplicationState.FORWARDED,
                           target=ApplicationState.UNDER_CHECK)
    def start_check(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.RETURNED)
    def request_supplement(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.RETURNED,
                           target=ApplicationState.UNDER_CHECK)
    def resubmit(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.ELIGIBLE)
    def mark_eligible(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.INELIGIBLE)
    def mark_ineligible(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.ELIGIBLE, target=ApplicationState.IN_PLAN)
    def include_in_plan(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PLAN, target=ApplicationState.ELIGIBLE)
    def exclude_from_plan(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PLAN, target=ApplicationState.APPROVED)
    def approve(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.APPROVED,
                           target=ApplicationState.IN_PUBLICITY)
    def start_publicity(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PUBLICITY,
                           target=ApplicationState.ADMITTED)
    def admit(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PUBLICITY,
                           target=ApplicationState.HELD_BACK)
    def hold_back(self):
        """An objection was upheld."""


class ApplicationMaterial(TenantModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials",
                                    verbose_name=_("申请"))
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("文件"))
    round = models.PositiveIntegerField(_("补充轮次"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")


class PlanApproval(TenantModel):
    """One approving body's decision on a tier plan (工信厅, 地方金融监管局, 证监局 ...)."""

    plan = models.ForeignKey(TierPlan, on_delete=models.CASCADE, related_name="approvals",
                             verbose_name=_("分层方案"))
    body = models.CharField(_("审定单位代码"), max_length=30)
    approved = models.BooleanField(_("同意"))
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审定人"))
    decided_at = models.DateTimeField(_("审定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("方案审定意见")
        verbose_name_plural = _("方案审定意见")
        constraints = [models.UniqueConstraint(fields=["plan", "body"], name="uniq_plan_body")]

    def __str__(self):
        from boards.admission import body_name  # admission imports these models

        return f"{body_name(self.board, self.body) or self.body}：{'同意' if self.approved else '不同意'}"


class Objection(TenantModel):
    """An objection raised during publicity (公示异议)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections",
                                    verbose_name=_("申请"))
    raised_by = models.CharField(_("异议人"), max_length=100)
    text = models.TextField(_("异议内容"))
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("处理人"))

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")


# --- Annual re-tiering ---------------------------------------------------------------------


class RetierRun(TenantModel):
    year = models.PositiveIntegerField(_("年度"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度分层复核")
        verbose_name_plural = _("年度分层复核")
        constraints = [models.UniqueConstraint(fields=["board", "year"], name="uniq_retier_year")]


class RetierProposal(TenantModel):
    run = models.ForeignKey(RetierRun, on_delete=models.CASCADE, related_name="proposals",
                            verbose_name=_("复核批次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    current_tier = models.CharField(_("现层级"), max_length=30, blank=True)
    proposed_tier = models.CharField(_("建议层级"), max_length=30, blank=True,
                                     help_text=_("空表示建议清退"))
    criteria = models.JSONField(_("逐项评估"), default=list)
    final_tier = models.CharField(_("确认层级"), max_length=30, blank=True)
    decision_reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分层复核建议")
        verbose_name_plural = _("分层复核建议")
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_retier_enterprise")
        ]


# --- Equity custody (登记托管) -----------------------------------------------------------------


class ShareRegister(TenantModel):
    """The share register of an admitted enterprise; totals are derived from holdings."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="share_register",
                                      verbose_name=_("企业"))
    total_shares = models.DecimalField(_("股份（股权）总数"), max_digits=20, decimal_places=2)
    custody_responsible_party = models.CharField(_("托管账户责任主体"), max_length=200, blank=True)
    opened_on = models.DateField(_("建立日期"))

    class Meta:
        verbose_name = _("股东名册")
        verbose_name_plural = _("股东名册")


class Shareholding(TenantModel):
    register = models.ForeignKey(ShareRegister, on_delete=models.CASCADE, related_name="holdings",
                                 verbose_name=_("股东名册"))
    holder_name = models.CharField(_("股东名称"), max_length=200)
    holder_id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    shares = models.DecimalField(_("持股数"), max_digits=20, decimal_places=2)
    confirmed = models.BooleanField(_("已确权"), default=False)
    confirmed_on = models.DateField(_("确权日期"), null=True, blank=True)
    in_custody_account = models.BooleanField(_("托管专户"), default=False,
                                             help_text=_("未确权部分设立的托管账户"))

    class Meta:
        verbose_name = _("持股")
        verbose_name_plural = _("持股")


class ShareChange(TenantModel):
    """Append-only record of every change of holding."""

    register = models.ForeignKey(ShareRegister, on_delete=models.CASCADE, related_name="changes",
                                 verbose_name=_("股东名册"))
    holding = models.ForeignKey(Shareholding, on_delete=models.PROTECT, related_name="changes",
                                verbose_name=_("持股"))
    kind = models.CharField(_("变动类型"), max_length=30,
                            help_text=_("opening/transfer_in/transfer_out/confirmation/custody"))
    delta = models.DecimalField(_("变动股数"), max_digits=20, decimal_places=2)
    balance_after = models.DecimalField(_("变动后持股"), max_digits=20, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    evidence = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("凭证"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("股权变动")
        verbose_name_plural = _("股权变动")
        ordering = ["occurred_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Conflict("股权变动记录只能追加，不能修改。", code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("股权变动记录只能追加，不能删除。", code="append_only")


# --- Disclosure (信息披露) ---------------------------------------------------------------------


class DisclosureAudience(models.TextChoices):
    PUBLIC = "public", _("公开")
    INVESTORS = "investors", _("定向：投资人")
    REGULATORS = "regulators", _("定向：监管机构")


class Disclosure(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="disclosures",
                                   verbose_name=_("企业"))
    title = models.CharField(_("标题"), max_length=200)
    period = models.CharField(_("报告期"), max_length=20, blank=True, help_text=_("例如 2026H1"))
    body = models.TextField(_("内容"), blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("附件"))
    audience = models.CharField(_("披露对象"), max_length=12, choices=DisclosureAudience.choices)
    is_periodic = models.BooleanField(_("定期披露"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("信息披露")
        verbose_name_plural = _("信息披露")
        ordering = ["-published_at"]


# --- Consent (数据授权) -------------------------------------------------------------------------


class DataCategory(models.TextChoices):
    BASIC = "basic", _("基本信息")
    QUALIFICATIONS = "qualifications", _("资质")
    FINANCIALS = "financials", _("财务数据")
    FINANCING = "financing", _("融资记录")
    DISCLOSURES = "disclosures", _("披露信息")
    SERVICE_RECORDS = "service_records", _("走访服务记录")
    PROFILE_SCORE = "profile_score", _("画像评分")


class DataConsent(TenantModel):
    """An enterprise's grant to share data categories with one institution (or all alliance
    members when ``institution`` is NULL) until ``expires_at``; revocable at any time."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="consents",
                                   verbose_name=_("企业"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+", verbose_name=_("授权机构"),
                                    help_text=_("为空表示授权全体联盟成员"))
    categories = models.JSONField(_("授权数据类别"), default=list)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("授权人"))
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据授权")
        verbose_name_plural = _("数据授权")
        indexes = [models.Index(fields=["board", "institution", "expires_at"])]
