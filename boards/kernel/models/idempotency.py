"""Idempotency keys of API POSTs (boards.kernel.api.idempotency)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import TenantModel


class IdempotencyKey(TenantModel):
    """A POST's ``Idempotency-Key``: the caller, a hash of the request and the stored response.
    Unique per (board, caller, key); the row is written in the POST's own transaction."""

    key = models.CharField(_("幂等键"), max_length=100)
    caller = models.CharField(_("调用方"), max_length=60)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("响应状态"))
    response = models.JSONField(_("响应内容"), null=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["board", "caller", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"幂等键 {self.key[:12]}"
