"""The enterprise registry: enterprises with their qualifications, financials, financing and
service records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.access import Institution
from boards.kernel.models.files import StoredFile
from boards.kernel.models.tenant import TenantModel
from boards.kernel.uscc import validate_uscc

# =====================================================================================
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

    def __str__(self):
        return f"{self.enterprise} {self.year} 年财务数据"


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

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}（{self.occurred_on}）"


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

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}（{self.occurred_on}）"
