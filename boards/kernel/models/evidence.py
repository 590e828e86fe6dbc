"""The evidence log (区块链存证): append-only entries per board and the board's head."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import Board, TenantModel

# --- Evidence log ------------------------------------------------------------------------------


class EvidenceEntry(TenantModel):
    """Append-only (区块链存证): recorded as a queued leaf (no ``seq``), then sequenced once by the
    sequencer, which fills ``seq``, ``prev_hash`` and ``hash``; nothing else ever changes."""

    # No index of its own: every index below leads with the board, and each one less is one write
    # less for every read an institution makes (and again when the sequencer fills ``seq``).
    board = models.ForeignKey(Board, on_delete=models.PROTECT, verbose_name=_("专板/项目"), db_index=False)
    seq = models.PositiveBigIntegerField(_("序号"), null=True, blank=True)
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
    prev_hash = models.CharField(_("前一哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("存证记录")
        verbose_name_plural = _("存证记录")
        ordering = ["board", "seq", "id"]  # queued entries (no seq yet) in the order recorded
        constraints = [models.UniqueConstraint(fields=["board", "seq"], name="uniq_evidence_seq")]
        indexes = [
            models.Index(fields=["board", "subject_type", "subject_id"]),
            # The sequencer's queue: the board's entries not yet in the tree, oldest first.
            models.Index(fields=["board", "id"], condition=models.Q(seq__isnull=True),
                         name="evidence_queued"),
        ]

    def __str__(self) -> str:
        from boards.kernel.labels import code_label  # labels are registered by the apps

        return f"存证 #{self.seq if self.seq is not None else '待排序'}：{code_label(self.action)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise IntegrityError("存证记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise IntegrityError("存证记录只能追加，不能删除。")


class EvidenceHead(TenantModel):
    """The board's tree size (``last_seq``) and last entry hash; only the sequencer locks it."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("存证链头")
        verbose_name_plural = _("存证链头")
        constraints = [models.UniqueConstraint(fields=["board"], name="uniq_evidence_head")]

    def __str__(self) -> str:
        return f"存证链头：第 {self.last_seq} 条"


class EvidenceNode(TenantModel):
    """A perfect subtree of the board's Merkle tree (RFC 9162): leaves
    ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the leaf hashes. Append-only."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("存证树节点")
        verbose_name_plural = _("存证树节点")
        constraints = [models.UniqueConstraint(fields=["board", "level", "index"], name="uniq_evidence_node")]

    def __str__(self) -> str:
        return f"存证树节点：第 {self.level} 层第 {self.index} 个"


class EvidenceCheckpoint(TenantModel):
    """A signed tree head: ``body`` (canonical JSON of board, size, root, time, algorithms, key id)
    and its signature. Filings carry one; anyone holding it can later check the log against it."""

    size = models.PositiveBigIntegerField(_("树大小"))
    root = models.CharField(_("树根"), max_length=64)
    signed_at = models.DateTimeField(_("签名时间"))
    key_id = models.CharField(_("密钥标识"), max_length=16)
    body = models.TextField(_("签名内容"))
    signature = models.TextField(_("签名"))

    class Meta:
        verbose_name = _("存证检查点")
        verbose_name_plural = _("存证检查点")
        ordering = ["board", "-size"]
        constraints = [models.UniqueConstraint(fields=["board", "size"], name="uniq_evidence_checkpoint")]

    def __str__(self) -> str:
        return f"{self.size} {self.root[:16]}"


class EvidenceAnchor(TenantModel):
    """A checkpoint handed to one publisher of the anchoring adapter (boards.kernel.anchoring), with
    the publisher's receipt. Checkpoints without a row for a publisher are its outbox. Append-only."""

    checkpoint = models.ForeignKey(EvidenceCheckpoint, on_delete=models.PROTECT, related_name="anchors")
    publisher = models.CharField(_("发布方"), max_length=60)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    receipt = models.TextField(_("回执"), blank=True)

    class Meta:
        verbose_name = _("检查点锚定")
        verbose_name_plural = _("检查点锚定")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "publisher"], name="uniq_evidence_anchor")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} 的锚定（{self.publisher}）"

class EvidenceDataUse(TenantModel):
    """One data subject's share of a sequenced evidence entry that used its data (boards.kernel.datause):
    written by the sequencer in the entry's own sequencing transaction, so the read path stays one
    INSERT and every indexed use already has its place in the tree. Append-only."""

    # Board and entry need no index of their own: the subject index leads with the board, the unique
    # constraint with the entry. A read of a 50-row page is 50 rows here, each index 50 writes.
    board = models.ForeignKey(Board, on_delete=models.PROTECT, verbose_name=_("专板/项目"), db_index=False)
    entry = models.ForeignKey(EvidenceEntry, on_delete=models.PROTECT, related_name="data_uses",
                              verbose_name=_("存证记录"), db_index=False)
    seq = models.PositiveBigIntegerField(_("序号"))
    subject_id = models.PositiveBigIntegerField(_("数据主体编号"), help_text=_("其数据被使用的企业"))
    institution = models.ForeignKey("boards.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("使用机构"))
    categories = models.JSONField(_("数据类别"), default=list)

    class Meta:
        verbose_name = _("数据使用记录")
        verbose_name_plural = _("数据使用记录")
        constraints = [models.UniqueConstraint(fields=["entry", "subject_id"], name="uniq_evidence_data_use")]
        indexes = [models.Index(fields=["board", "subject_id", "-seq"], name="evidence_data_use_subject")]

    def __str__(self) -> str:
        return f"存证 #{self.seq} 企业 {self.subject_id}"
