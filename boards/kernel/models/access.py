"""Roles, institutions, board memberships and API keys: who acts on which board, for whom."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import Board


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
        # API callers name institutions by code in any case: "BOC" and "boc" are one institution.
        constraints = [models.UniqueConstraint(Lower("code"), name="uniq_institution_code_ci",
                                               violation_error_message=_("已有相同代码的机构（不区分大小写）。"))]

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return f"{self.user} @ {self.board.slug}: {self.get_role_display()}"


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
    # Not a column: the institution roles its user holds on its board, set on a key that has just
    # authenticated a request (boards.kernel.api.authentication); absent on any other instance.
    roles: frozenset[str]

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.institution})"


# --- Invitations ---------------------------------------------------------------------------------


class InvitationState(models.TextChoices):
    PENDING = "pending", _("待答复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")


class BoardInvitation(models.Model):
    """A board's offer of a role to an account that does not take part in it yet. The staff
    type the account's username (nothing tells them whether it exists); the account's owner
    accepts or declines on their invitations page. Access data like BoardMembership: not scoped."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="invitations",
                              verbose_name=_("专板/项目"))
    username = models.CharField(_("受邀账户用户名"), max_length=150)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    prefecture = models.CharField(_("所辖地州市"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=InvitationState.choices,
                             default=InvitationState.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("邀请人"))
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专板角色邀请")
        verbose_name_plural = _("专板角色邀请")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["username", "state"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.board.slug}: {self.get_role_display()}"
