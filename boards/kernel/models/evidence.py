"""The evidence log (区块链存证): append-only entries per board and the board's head."""

from django.conf import settings
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import TenantModel

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
