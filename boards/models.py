"""Kernel models: the Board tenant, memberships, calendar, evidence, deadlines, files, filings.

Every tenant-owned model derives from ``TenantModel``: it carries ``board`` and its default
manager is scoped, so a query outside ``board_scope`` raises ScopeError. On PostgreSQL the
same tables are fenced by row-level security (see boards/rls.py).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from boards.config import validate_board_config


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

    def clean(self):
        self.config = validate_board_config(self.config)

    def save(self, *args, **kwargs):
        self.config = validate_board_config(self.config)
        super().save(*args, **kwargs)

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


class Deadline(TenantModel):
    """One clock on one subject. ``due_at`` already includes every completed pause.

    ``next_action_at`` is when the sweep must act next (reminder, due notice, escalation);
    it is NULL once nothing more is to be sent, so the sweep's partial index only holds
    rows with something pending.
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
    state = models.CharField(_("状态"), max_length=10, choices=DeadlineState.choices, default="open")
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("累计暂停秒数"), default=0)
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
