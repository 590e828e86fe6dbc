"""The product catalogue (金融超市)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from boards.kernel.models import Institution, TenantModel

# --- 金融超市 -------------------------------------------------------------------------------


class ProductType(models.TextChoices):
    CREDIT_LOAN = "credit_loan", _("信用贷款")
    IP_PLEDGE_LOAN = "ip_pledge_loan", _("知识产权质押贷款")
    TALENT_LOAN = "talent_loan", _("人才贷")
    GUARANTEE = "guarantee", _("融资担保")
    TALENT_GUARANTEE = "talent_guarantee", _("人才保")
    INSURANCE = "insurance", _("科技保险")
    TALENT_INSURANCE = "talent_insurance", _("人才险")
    EQUITY_FUND = "equity_fund", _("股权投资基金")
    TALENT_INVESTMENT = "talent_investment", _("人才投")
    BOND = "bond", _("债券融资")
    LEASING = "leasing", _("融资租赁")
    SUPPLY_CHAIN = "supply_chain", _("供应链金融")


class Product(TenantModel):
    """A member's financial product in the board's catalogue. Money in yuan, rates in % a year."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="alliance_products",
                                    verbose_name=_("机构"))
    name = models.CharField(_("产品名称"), max_length=120)
    product_type = models.CharField(_("产品类型"), max_length=20, choices=ProductType.choices)
    description = models.TextField(_("产品说明"), blank=True)
    amount_min = models.DecimalField(_("最低额度（元）"), max_digits=16, decimal_places=2)
    amount_max = models.DecimalField(_("最高额度（元）"), max_digits=16, decimal_places=2)
    rate_min = models.DecimalField(_("最低年化利率/费率（%）"), max_digits=6, decimal_places=3, null=True,
                                   blank=True)
    rate_max = models.DecimalField(_("最高年化利率/费率（%）"), max_digits=6, decimal_places=3, null=True,
                                   blank=True)
    term_min_months = models.PositiveIntegerField(_("最短期限（月）"))
    term_max_months = models.PositiveIntegerField(_("最长期限（月）"))
    approval_days = models.PositiveIntegerField(_("审批时限（工作日）"))
    target_tiers = models.JSONField(_("适用层级"), default=list, blank=True, help_text=_("为空表示不限"))
    required_qualifications = models.JSONField(_("资质要求（任一）"), default=list, blank=True,
                                               help_text=_("为空表示不限"))
    for_tech_enterprises = models.BooleanField(_("专为科技型企业设计"), default=False)
    board_preference = models.TextField(_("对专板企业的优惠"), blank=True)
    is_published = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_min__lte=F("amount_max")), name="product_amount_range"),
            models.CheckConstraint(
                condition=Q(term_min_months__lte=F("term_max_months")), name="product_term_range"
            ),
            models.CheckConstraint(
                condition=Q(rate_min__lte=F("rate_max")) | Q(rate_min=None) | Q(rate_max=None),
                name="product_rate_range",
            ),
        ]
        indexes = [models.Index(fields=["board", "product_type"])]

    def __str__(self):
        return self.name
