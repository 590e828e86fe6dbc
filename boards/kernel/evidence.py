"""The evidence log (区块链存证): append-only, sequenced into a Merkle tree per board.

Invariants:
- ``record`` inserts one queued entry and locks no shared row; the sequencer
  (boards.kernel.evidence_tree) numbers queued entries 1, 2, 3 ... without gaps, in its own
  transaction under the board's EvidenceHead lock, and adds them to the board's tree;
- ``action`` is declared: each app enumerates its actions once (an ``EvidenceAction`` per app,
  declared in its ``AppConfig.ready``); ``record`` refuses any other, so no action is built at
  run time and none is misspelt into the log;
- ``prev_hash`` is the previous entry's hash (64 zeros for the first entry);
- ``hash`` is SHA-256 over the canonical JSON of the entry's content (``entry_content``), so a
  changed field, a removed entry or a reordering is found by ``verify_chain``; the tree and its
  signed checkpoints find them even when every hash was recomputed (evidence_verify).
"""

import datetime
import decimal
import hashlib
import json
import re
import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django_scopes import ScopeError, get_scope

from boards.kernel.models import Board, EvidenceEntry, EvidenceHead
from boards.kernel.scoping import board_scope

GENESIS_HASH = "0" * 64
# app.subject.verb, e.g. reviews.case.decided
ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")
SYSTEM_ACTOR = "system"
M = TypeVar("M", bound=models.Model)


class EvidenceAction(models.TextChoices):
    """Base of an app's enumerated evidence actions: a member's value is the stored action
    (``app.subject.verb``, covered by the entry's hash, so never renamed), its label the Chinese
    name pages show. Subclass it per app and pass the class to ``declare_actions``."""


class UndeclaredActionError(ValueError):
    """``record`` was given an action no app declared."""


_DECLARED: dict[str, type[EvidenceAction]] = {}


def declare_actions(*enums: type[EvidenceAction]) -> None:
    """Declare every member of ``enums`` as an evidence action (call in ``AppConfig.ready``) and
    register its label for ``labels.code_label``. One action belongs to one enum."""
    from boards.kernel.labels import register_labels  # labels is a leaf module; kept lazy for clarity

    for enum in enums:
        for member in enum:
            if not ACTION_RE.match(member.value):
                raise ValueError(f"evidence action {member.value!r} must read app.subject.verb")
            owner = _DECLARED.setdefault(member.value, enum)
            if owner is not enum:
                raise ValueError(f"evidence action {member.value!r} is declared by {owner.__name__} "
                                 f"and {enum.__name__}")
        register_labels({member.value: str(member.label) for member in enum})


def declared_actions() -> dict[str, type[EvidenceAction]]:
    """Every declared action with the enum declaring it."""
    return dict(_DECLARED)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types, the same for equal inputs: Decimal as its fixed-point
    string, aware datetimes as UTC ISO, dates ISO, UUIDs as str. Floats are refused because
    they do not round-trip exactly through PostgreSQL jsonb. NUL, which jsonb cannot hold
    (a request's query string may carry one), becomes U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise TypeError(f"naive datetime {value!r} in evidence: use an aware datetime")
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("evidence payload keys must be strings")
        return {jsonable(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    raise TypeError(f"{type(value).__name__} is not allowed in evidence (use Decimal, not float)")


def canonical_json(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_content(entry: EvidenceEntry) -> dict[str, Any]:
    """Everything the hash covers."""
    return {
        "board": entry.board_id,
        "seq": entry.seq,
        "created_at": entry.created_at,
        "actor": {"id": entry.actor_id, "label": entry.actor_label},
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "payload": entry.payload,
        "prev_hash": entry.prev_hash,
    }


def compute_hash(entry: EvidenceEntry) -> str:
    return hashlib.sha256(canonical_json(entry_content(entry)).encode()).hexdigest()


def locked_row(model: type[M], **lookup: Any) -> M:
    """The row of ``model`` matching ``lookup`` (a unique key), locked FOR UPDATE and created
    first if missing. Race-safe: a concurrent creator loses on the unique constraint inside
    get_or_create's savepoint and then waits on the winner's lock."""
    row = model._default_manager.select_for_update().filter(**lookup).first()
    if row is None:
        model._default_manager.get_or_create(**lookup)
        row = model._default_manager.select_for_update().get(**lookup)
    return row


def _require_scope(board_id: int) -> None:
    scope = get_scope()
    if scope.get("_enabled", True) and board_id not in (scope.get("board") or ()):
        raise ScopeError(f"evidence for board {board_id} must be recorded inside its board_scope")


def record(board: Board, action: str, *, actor: Any = None, subject: models.Model | None = None,
           payload: dict[str, Any] | None = None) -> EvidenceEntry:
    """Queue one entry for ``board``'s log (one INSERT, no lock); call inside ``board_scope(board)``.
    It gets its ``seq`` and hashes when the sequencer takes it (evidence_tree.sequence_board).

    ``action`` is a member of a declared ``EvidenceAction`` (an undeclared one raises
    ``UndeclaredActionError``), ``actor`` a user or None (system work), ``subject`` a model
    instance or None, ``payload`` a JSON-able dict (see ``jsonable``)."""
    if action not in _DECLARED:
        raise UndeclaredActionError(f"evidence action {action!r} is not declared: add it to its app's "
                                    "EvidenceAction enum (declare_actions in AppConfig.ready)")
    action = str(action)  # the plain value is stored and hashed
    _require_scope(board.pk)
    entry = EvidenceEntry.objects.create(
        board=board,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else SYSTEM_ACTOR,
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        payload=jsonable(payload or {}),
    )
    if settings.EVIDENCE_SEQUENCE_AFTER_COMMIT:  # no broker (the demo): no periodic sequencer either
        from boards.kernel import anchoring  # imports this module

        transaction.on_commit(lambda: anchoring.sequence_and_anchor(board))
    return entry


def _problem(entry: EvidenceEntry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.seq != expected_seq:
        return f"序号应为 {expected_seq}，实为 {entry.seq}（有记录缺失或被插入）"
    if entry.prev_hash != prev_hash:
        return f"prev_hash 与上一条记录的哈希不符（应为 {prev_hash[:16]}…，实为 {entry.prev_hash[:16]}…）"
    recomputed = compute_hash(entry)
    if recomputed != entry.hash:
        return f"内容与哈希不符，记录已被改动（存储 {entry.hash[:16]}…，重算 {recomputed[:16]}…）"
    return None


def verify_chain(board: Board) -> tuple[bool, EvidenceEntry | None, str]:
    """Recompute ``board``'s chain of sequenced entries.
    Returns ``(ok, first_bad_entry_or_None, message)``."""
    with board_scope(board):
        expected_seq, prev_hash = 1, GENESIS_HASH
        sequenced = EvidenceEntry.objects.filter(board=board, seq__isnull=False).order_by("seq")
        for entry in sequenced.iterator(chunk_size=2000):
            problem = _problem(entry, expected_seq, prev_hash)
            if problem:
                where = f"seq={entry.seq} id={entry.pk} {entry.action}"
                return False, entry, f"第一条有问题的记录 {where}：{problem}"
            expected_seq, prev_hash = expected_seq + 1, entry.hash  # entry.seq == expected_seq here
        count = expected_seq - 1
        head = EvidenceHead.objects.filter(board=board).first()
        if head is not None and (head.last_seq, head.last_hash) != (count, prev_hash):
            return False, None, (f"链头记录最后一条为 seq={head.last_seq}，实际最后一条为 seq={count}"
                                 "（末尾记录被删除）")
        return True, None, f"OK，共 {count} 条记录"
