"""Equity custody (登记托管): share registers, holdings and the append-only change journal."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.enterprises.models.registry import Enterprise
from boards.kernel.errors import Conflict
from boards.kernel.models.files import StoredFile
from boards.kernel.models.tenant import TenantModel

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

    def __str__(self):
        return f"{self.enterprise} 股东名册"


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

    def __str__(self):
        return f"{self.holder_name} 持股 {self.shares:,.2f} 股"


class ShareChangeKind(models.TextChoices):
    OPENING = "opening", _("建立名册记入托管专户")
    CUSTODY = "custody", _("自托管专户转出")
    CONFIRMATION = "confirmation", _("确权登记")
    TRANSFER_IN = "transfer_in", _("受让")
    TRANSFER_OUT = "transfer_out", _("转让")
    INCENTIVE_OUT = "incentive_out", _("股权激励转出")
    INCENTIVE_IN = "incentive_in", _("股权激励授予/行权")


class ShareChange(TenantModel):
    """Append-only record of every change of holding."""

    register = models.ForeignKey(ShareRegister, on_delete=models.CASCADE, related_name="changes",
                                 verbose_name=_("股东名册"))
    holding = models.ForeignKey(Shareholding, on_delete=models.PROTECT, related_name="changes",
                                verbose_name=_("持股"))
    kind = models.CharField(_("变动类型"), max_length=30, choices=ShareChangeKind.choices)
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

    def __str__(self):
        return f"{self.holding.holder_name} {self.get_kind_display()} {self.delta:+,.2f} 股"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Conflict("股权变动记录只能追加，不能修改。", code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("股权变动记录只能追加，不能删除。", code="append_only")
