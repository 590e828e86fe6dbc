"""Data-use receipts (数据使用回执): which evidence entries used a data subject's data, indexed per
subject, with each use's inclusion proof against the board's latest signed checkpoint.

Apps declare the evidence actions that use an enterprise's data (``register_data_use``) with a
function reading, from the entry's payload, whose data it used, by which institution and which
categories. The sequencer calls ``index_sequenced`` for each batch it sequences, inside its own
transaction: a read still costs its one INSERT, and a use is listed only once it is in the tree, so
every listed use can be proven.

Invariants:
- one ``EvidenceDataUse`` row per (entry, subject); rows are append-only (rls.APPEND_ONLY_TABLES);
- ``seq`` of a row is its entry's ``seq``, so its leaf index is ``seq - 1``.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import HTML, Attachment

from boards.kernel import evidence_tree, merkle, witness
from boards.kernel.models import Board, EvidenceCheckpoint, EvidenceDataUse, EvidenceEntry


@dataclass(frozen=True)
class Use:
    """One subject's data used by one entry: ``subject_id`` (the enterprise), the institution that
    received it (None for the board's own staff) and the categories it received."""

    subject_id: int
    institution_id: int | None
    categories: tuple[str, ...]


@dataclass(frozen=True)
class DataUseKind:
    action: str
    label: str  # what the enterprise reads, e.g. 机构查询企业数据
    extract: Callable[[dict], Iterable[Use]]


_KINDS: dict[str, DataUseKind] = {}


def register_data_use(action: str, label: str, extract: Callable[[dict], Iterable[Use]]) -> None:
    """Declare that entries of ``action`` use data subjects' data (call in ``AppConfig.ready``)."""
    _KINDS[action] = DataUseKind(action, label, extract)


def actions() -> list[str]:
    return list(_KINDS)


def kind(action: str) -> DataUseKind | None:
    return _KINDS.get(action)


def _sequenced(entry: EvidenceEntry) -> int:
    if entry.seq is None:
        raise ValueError(f"evidence entry {entry.pk} is not sequenced yet")
    return entry.seq


def index_sequenced(board: Board, entries: Sequence[EvidenceEntry]) -> int:
    """Index the data uses of ``entries`` (just sequenced, ``seq`` set) in one INSERT; returns the count.

    On PostgreSQL the rows go in as unnested arrays: a read of a 50-row page is 50 rows here, and
    building a model instance for each cost the sequencer more than the reads themselves did."""
    rows = [
        (entry.pk, _sequenced(entry), use.subject_id, use.institution_id, json.dumps(sorted(use.categories)))
        for entry in entries if entry.action in _KINDS
        for use in _KINDS[entry.action].extract(entry.payload)
    ]
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        EvidenceDataUse.objects.bulk_create(
            EvidenceDataUse(board=board, entry_id=entry_id, seq=seq, subject_id=subject_id,
                            institution_id=institution_id, categories=json.loads(categories))
            for entry_id, seq, subject_id, institution_id, categories in rows)
        return len(rows)
    connection.ensure_connection()
    # Parameters bound on the server and sent binary: quoting tens of thousands of array elements
    # client-side (Django's default cursor) was the larger half of this statement's cost.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"INSERT INTO {EvidenceDataUse._meta.db_table} "
            "(board_id, entry_id, seq, subject_id, institution_id, categories) "
            "SELECT %s, v.entry_id, v.seq, v.subject_id, v.institution_id, v.categories::jsonb FROM "
            "unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[]) "
            "AS v(entry_id, seq, subject_id, institution_id, categories)",
            [board.pk, *(list(column) for column in zip(*rows, strict=True))], prepare=False, binary=True)
    return len(rows)


def uses_of(board: Board, subject_id: int) -> QuerySet[EvidenceDataUse]:
    """The uses of ``subject_id``'s data on ``board``, newest first, with entry and institution."""
    return (EvidenceDataUse.objects.filter(board=board, subject_id=subject_id)
            .select_related("entry", "institution").order_by("-seq"))


@dataclass(frozen=True)
class Proven:
    """A use's entry with its inclusion proof in ``checkpoint``'s tree, checked against its root."""

    use: EvidenceDataUse
    proof: dict[str, Any] | None
    verified: bool
    pending: bool = False  # the entry came after the latest checkpoint: proven at the next one


def prove(board: Board, uses: Sequence[EvidenceDataUse],
          checkpoint: EvidenceCheckpoint | None) -> list[Proven]:
    """Inclusion proofs of ``uses`` in ``checkpoint``'s tree, all nodes fetched in one query, each
    proof checked against the signed root here (what the receipt's reader can redo offline)."""
    if checkpoint is None:
        return [Proven(use, None, False, pending=True) for use in uses]
    h, size, root = evidence_tree.tree_hash(), checkpoint.size, bytes.fromhex(checkpoint.root)
    provable = [use for use in uses if use.seq <= size]
    plans = {use.pk: merkle.inclusion_ranges(use.seq - 1, size) for use in provable}
    keys = {key for use in provable for key in (*merkle.nodes_needed(plans[use.pk]), (0, use.seq - 1))}
    try:
        found = evidence_tree.fetch_nodes(board, keys)
    except merkle.ProofError:  # nodes missing: the tree was tampered with; nothing is proven
        return [Proven(use, None, False) for use in uses]
    result = []
    for use in uses:
        if use.seq > size:
            result.append(Proven(use, None, False, pending=True))
            continue
        leaf = found[(0, use.seq - 1)]
        path = merkle.proof_hashes(h, plans[use.pk], lambda *key: found[key])
        try:
            merkle.verify_inclusion(h, use.seq - 1, size, leaf, path, root)
            # the stored leaf must also be the entry as it reads now
            verified = leaf == merkle.leaf_hash(h, evidence_tree.leaf_data(use.entry))
        except merkle.ProofError:
            verified = False
        proof = {"index": use.seq - 1, "tree_size": size, "leaf_hash": leaf.hex(),
                 "path": [value.hex() for value in path]}
        result.append(Proven(use, proof, verified))
    return result


RECEIPT_FILENAME = "data-use-receipt.json"
RECEIPT_LIMIT = 2000  # newest uses in one receipt; older ones stay on the pages


def receipt_document(board: Board, subject_id: int, subject_label: str, proven: Sequence[Proven],
                     checkpoint: EvidenceCheckpoint) -> witness.Document:
    """What the receipt embeds, enough to check it offline (scripts/verify_filing.py --receipt):
    the signed checkpoint and each proven use's entry (canonical JSON) with its inclusion proof."""
    key = evidence_tree.signer()
    return {
        "format": witness.RECEIPT_FORMAT,
        "subject_id": subject_id,
        "subject": subject_label,
        "checkpoint": checkpoint.body,
        "signature": checkpoint.signature,
        "public_key": key.public_key() if key.key_id == checkpoint.key_id else None,
        "uses": [{"entry": evidence_tree.leaf_data(item.use.entry).decode(), "inclusion": item.proof}
                 for item in proven if item.proof is not None],
    }


def receipt_pdf(board: Board, *, subject_id: int, subject_label: str, rows: Sequence[dict[str, Any]],
                proven: Sequence[Proven], checkpoint: EvidenceCheckpoint | None, truncated: bool) -> bytes:
    """The receipt as a PDF: ``rows`` (the app's table, one per use, same order as ``proven``) printed,
    the checkpoint printed with its QR code, and the receipt document attached as JSON."""
    document = receipt_document(board, subject_id, subject_label, proven, checkpoint) if checkpoint else None
    qr = None
    if document and document["uses"]:
        first = document["uses"][0]["inclusion"]
        qr = mark_safe(evidence_tree.witness_qr_svg({**document, "inclusion": first}))  # noqa: S308
    html = render_to_string("kernel/data_use_receipt.html", {
        "board": board, "subject_label": subject_label, "rows": rows, "truncated": truncated,
        "limit": RECEIPT_LIMIT, "checkpoint": json.loads(checkpoint.body) if checkpoint else None,
        "qr_svg": qr, "font_family": settings.FILING_FONT_FAMILY, "now": timezone.now(),
    })
    attachments = [Attachment(string=json.dumps(document, ensure_ascii=False, indent=1).encode(),
                              name=RECEIPT_FILENAME, description="存证检查点与每条数据使用记录的包含证明")
                   ] if document else []
    return HTML(string=html).write_pdf(attachments=attachments)
