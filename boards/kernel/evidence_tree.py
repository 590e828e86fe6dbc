"""The evidence log as a transparency log (RFC 9162): sequencing, the board's Merkle tree, signed
checkpoints and proofs.

Invariants:
- ``evidence.record`` inserts one queued entry (``seq`` NULL) and locks nothing shared;
- ``sequence_board`` alone extends a board's tree: under the board's EvidenceHead lock it takes the
  queued entries oldest first, gives each ``seq`` = index + 1 and the chain fields (``prev_hash``,
  ``hash``: the entry content and its canonical JSON are as before), stores the leaf
  ``H(0x00 || canonical JSON)`` and every perfect subtree completed (EvidenceNode), and signs a
  checkpoint of the new tree head; entries, nodes and checkpoints are append-only in the database;
- a proof is read from at most O(log² n) stored nodes, never by rehashing the log.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from boards.kernel import datause, evidence, merkle, signing, witness
from boards.kernel.models import Board, EvidenceCheckpoint, EvidenceEntry, EvidenceHead, EvidenceNode
from boards.kernel.scoping import board_scope

CHECKPOINT_FORMAT = "zhuanban-checkpoint/1"


def tree_hash() -> merkle.Hash:
    return merkle.hash_function(settings.EVIDENCE_HASH)


@functools.cache
def _signer(algorithm: str, key: str, path: str, generate: bool) -> signing.Signer:
    if not key:
        file = Path(path)
        if generate and not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            try:  # O_EXCL: two processes generating at once keep the first key
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as out:
                    out.write(signing.generate_private_hex() + "\n")
            except FileExistsError:
                pass
        try:
            key = file.read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"no evidence signing key: set EVIDENCE_SIGNING_KEY or EVIDENCE_SIGNING_KEY_FILE ({exc})"
            ) from exc
    return signing.Signer(algorithm, key)


def signer() -> signing.Signer:
    """The deployment's checkpoint signer (settings EVIDENCE_SIGNATURE and EVIDENCE_SIGNING_KEY*)."""
    return _signer(settings.EVIDENCE_SIGNATURE, settings.EVIDENCE_SIGNING_KEY,
                   settings.EVIDENCE_SIGNING_KEY_FILE, settings.EVIDENCE_SIGNING_KEY_GENERATE)


def leaf_data(entry: EvidenceEntry) -> bytes:
    return evidence.canonical_json(evidence.entry_content(entry)).encode()


def _edge(board: Board, size: int) -> dict[int, bytes]:
    keys = merkle.Frontier.edge_nodes(size)
    found = fetch_nodes(board, keys)
    return {level: found[(level, index)] for level, index in keys}


def fetch_nodes(board: Board | int, keys: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """{(level, index): hash} of the stored perfect subtrees ``keys`` (one query)."""
    keys = set(keys)
    if not keys:
        return {}
    with connection.cursor() as cursor:
        placeholders = ",".join(["(%s, %s)"] * len(keys))
        cursor.execute(
            f'SELECT level, "index", hash FROM {EvidenceNode._meta.db_table} WHERE board_id = %s AND '
            f'(level, "index") IN (VALUES {placeholders})',
            [board.pk if hasattr(board, "pk") else board, *(v for key in keys for v in key)])
        found = {(level, index): bytes(value) for level, index, value in cursor.fetchall()}
    missing = keys - found.keys()
    if missing:
        raise merkle.ProofError(f"树节点缺失：{sorted(missing)[:3]}…（存证树被改动）")
    return found


def sequence_board(board: Board | int, batch: int | None = None) -> int:
    """Sequence ``board``'s queued entries (one batch) and sign the new tree head. Returns the number
    of entries sequenced. Any number of sequencers may run: they serialise on the board's head."""
    board = board if isinstance(board, Board) else Board.objects.get(pk=board)
    batch = batch or settings.EVIDENCE_SEQUENCE_BATCH
    h = tree_hash()
    with board_scope(board), transaction.atomic():
        head = evidence.locked_row(EvidenceHead, board=board)
        queued = list(EvidenceEntry.objects.filter(board=board, seq__isnull=True).order_by("id")[:batch])
        if not queued:  # a chain migrated into the tree gets its first checkpoint here
            size = head.last_seq
            if size and not EvidenceCheckpoint.objects.filter(board=board, size=size).exists():
                sign_checkpoint(board, size, merkle.Frontier(h, size, _edge(board, size)).root())
            return 0
        frontier = merkle.Frontier(h, head.last_seq, _edge(board, head.last_seq))
        nodes: list[tuple[int, int, bytes]] = []
        rows: list[tuple[int, int, str, str]] = []
        prev = head.last_hash
        for entry in queued:
            entry.seq, entry.prev_hash = frontier.size + 1, prev
            data = leaf_data(entry)  # the canonical JSON: its SHA-256 is the chain hash, as before
            entry.hash = prev = hashlib.sha256(data).hexdigest()
            rows.append((entry.pk, entry.seq, entry.prev_hash, entry.hash))
            nodes += frontier.append(merkle.leaf_hash(h, data))
        _write(board, rows, nodes)
        datause.index_sequenced(board, queued)
        head.last_seq, head.last_hash = frontier.size, prev
        head.save(update_fields=["last_seq", "last_hash"])
        sign_checkpoint(board, frontier.size, frontier.root())
    return len(queued)


def _write(board: Board, rows: Sequence[tuple[int, int, str, str]],
           nodes: Sequence[tuple[int, int, bytes]]) -> None:
    """Sequence ``rows`` (id, seq, prev_hash, hash) and insert ``nodes`` (level, index, hash): one
    statement each on PostgreSQL (arrays unnested), row by row on SQLite."""
    entries, table = EvidenceEntry._meta.db_table, EvidenceNode._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {entries} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash FROM "
                "unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev_hash, hash) "
                "WHERE e.id = v.id", [list(column) for column in zip(*rows, strict=True)])
            cursor.execute(
                f'INSERT INTO {table} (board_id, level, "index", hash) SELECT %s, * FROM '
                "unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
                [board.pk, *(list(column) for column in zip(*nodes, strict=True))])
            return
        cursor.executemany(f"UPDATE {entries} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [(seq, prev, value, pk) for pk, seq, prev, value in rows])
        cursor.executemany(f'INSERT INTO {table} (board_id, level, "index", hash) VALUES (%s, %s, %s, %s)',
                           [(board.pk, *node) for node in nodes])


def sequence_all(board: Board | int) -> int:
    """Sequence until ``board``'s queue is empty (before a filing is built, before verifying)."""
    total = 0
    while True:
        done = sequence_board(board)
        total += done
        if done < settings.EVIDENCE_SEQUENCE_BATCH:
            return total


def sign_checkpoint(board: Board, size: int, root: bytes) -> EvidenceCheckpoint:
    key, now = signer(), timezone.now().replace(microsecond=0)
    body = evidence.canonical_json({
        "format": CHECKPOINT_FORMAT, "board": board.slug, "size": size, "root": root.hex(),
        "time": now, "hash": settings.EVIDENCE_HASH,
        "signature_algorithm": key.algorithm, "key_id": key.key_id,
    })
    return EvidenceCheckpoint.objects.create(
        board=board, size=size, root=root.hex(), signed_at=now, key_id=key.key_id,
        body=body, signature=key.sign(body.encode()))


def checkpoint_document(checkpoint: EvidenceCheckpoint) -> dict[str, str]:
    """What a witness keeps: the signed body, the signature and the signer's public key id."""
    return {"checkpoint": checkpoint.body, "signature": checkpoint.signature}


def latest_checkpoint(board: Board) -> EvidenceCheckpoint | None:
    return EvidenceCheckpoint.objects.filter(board=board).order_by("-size").first()


def inclusion_proof(board: Board, index: int, size: int) -> dict[str, Any]:
    """The RFC 9162 inclusion proof (hex hashes) of leaf ``index`` in the tree of ``size`` leaves."""
    ranges = merkle.inclusion_ranges(index, size)
    found = fetch_nodes(board, [*merkle.nodes_needed(ranges), (0, index)])
    path = merkle.proof_hashes(tree_hash(), ranges, lambda *key: found[key])
    return {"index": index, "tree_size": size, "leaf_hash": found[(0, index)].hex(),
            "path": [value.hex() for value in path]}


def consistency_proof(board: Board, first: int, second: int) -> dict[str, Any]:
    ranges = merkle.consistency_ranges(first, second)
    found = fetch_nodes(board, merkle.nodes_needed(ranges))
    path = merkle.proof_hashes(tree_hash(), ranges, lambda *key: found[key])
    return {"first": first, "second": second, "path": [value.hex() for value in path]}


def root_at(board: Board, size: int) -> bytes:
    """The root of the first ``size`` leaves, from stored nodes."""
    if not size:
        return tree_hash()(b"")
    keys = merkle.perfect_nodes(0, size)
    found = fetch_nodes(board, keys)
    return merkle.fold(tree_hash(), [found[key] for key in keys])


WITNESS_FILENAME = "evidence-witness.json"


def witness_for(board: Board, subject: models.Model, action: str) -> witness.Document | None:
    """What a document about ``subject`` carries so that whoever keeps it witnesses the log: the
    latest signed checkpoint, the entry ``action`` of ``subject`` (its canonical JSON) and that
    entry's inclusion proof in the checkpoint's tree. None while the entry is not sequenced."""
    entry = (EvidenceEntry.objects.filter(board=board, action=action, subject_type=subject._meta.label_lower,
                                          subject_id=str(subject.pk), seq__isnull=False)
             .order_by("seq").first())
    checkpoint = latest_checkpoint(board)
    if entry is None or entry.seq is None or checkpoint is None or checkpoint.size < entry.seq:
        return None
    return {
        "format": witness.WITNESS_FORMAT,
        "checkpoint": checkpoint.body,
        "signature": checkpoint.signature,
        "public_key": signer().public_key() if signer().key_id == checkpoint.key_id else None,
        "entry": leaf_data(entry).decode(),
        "inclusion": inclusion_proof(board, entry.seq - 1, checkpoint.size),
    }


def witness_qr_svg(document: witness.Document) -> str:
    """A QR code (inline SVG) of the checkpoint the document was built under: board, size, root,
    key id and the entry's index, enough to ask the log for a consistency proof later."""
    import qrcode
    import qrcode.image.svg

    body = json.loads(document["checkpoint"])
    text = (f"ZB-EVIDENCE board={body['board']} size={body['size']} root={body['root']} "
            f"key={body['key_id']} entry={document['inclusion']['index'] + 1}")
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    return image.to_string(encoding="unicode")
