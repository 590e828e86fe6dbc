"""The anchoring adapter: every signed checkpoint is handed to each configured publisher
(``settings.EVIDENCE_ANCHOR_PUBLISHERS``), so that it also lives outside the platform's database,
e.g. on the market's own business chain (地方业务链) under the CSRC's supervision chain.

Invariants:
- the outbox of a publisher is the board's checkpoints without an EvidenceAnchor row for it; the
  checkpoints are written in the sequencer's transaction, so none is lost and none is published
  before it commits;
- ``anchor_pending`` publishes them oldest first and records the publisher's receipt; a publisher
  that fails stops for this run and is retried from the same checkpoint on the next one.

A publisher is a class with a ``name`` (≤ 60 characters) and ``publish(document) -> str``, where
``document`` is ``{"checkpoint": signed body, "signature": hex}`` and the string is a receipt (a
file position, a transaction id). It must be idempotent for the same checkpoint: a crash between
publishing and recording the receipt publishes that checkpoint again. The default, FilePublisher,
appends one JSON line per checkpoint to ``settings.EVIDENCE_ANCHOR_FILE`` and makes no network call.
"""

import json
import logging
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from boards.kernel import evidence_tree
from boards.kernel.models import Board, EvidenceAnchor, EvidenceCheckpoint
from boards.kernel.scoping import board_scope

log = logging.getLogger(__name__)


class Publisher(Protocol):
    name: str

    def publish(self, document: dict[str, Any]) -> object: ...


class FilePublisher:
    name = "file"

    def publish(self, document: dict[str, Any]) -> str:
        path = Path(settings.EVIDENCE_ANCHOR_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with open(path, "ab") as out:
            offset = out.tell()
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
        return f"{path}@{offset}"


def publishers() -> list[Publisher]:
    return [import_string(path)() for path in settings.EVIDENCE_ANCHOR_PUBLISHERS]


def anchor_pending(board: Board, limit: int = 500) -> int:
    """Hand ``board``'s unpublished checkpoints to every publisher; returns how many were published."""
    done = 0
    with board_scope(board):
        for publisher in publishers():
            pending = (EvidenceCheckpoint.objects.filter(board=board)
                       .exclude(anchors__publisher=publisher.name).order_by("size")[:limit])
            for checkpoint in pending:
                try:
                    receipt = publisher.publish(evidence_tree.checkpoint_document(checkpoint))
                except Exception:  # a publisher's outage must not stop sequencing: retried next run
                    log.exception("evidence anchor publisher %s failed at checkpoint %s of board %s",
                                  publisher.name, checkpoint.size, board)
                    break
                EvidenceAnchor.objects.create(board=board, checkpoint=checkpoint, publisher=publisher.name,
                                              receipt=str(receipt))
                done += 1
    return done


def sequence_and_anchor(board: Board) -> int:
    """What beat runs per board, and the SQLite demo after each recording transaction."""
    sequenced = evidence_tree.sequence_all(board)
    anchor_pending(board)
    return sequenced
