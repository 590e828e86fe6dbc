"""The evidence log's bench phase (issue 14), run by scripts/bench/run.py:

- appends per second, many writers on one board: ``evidence.record`` (one queued INSERT) against the
  append it replaced (lock the board's head FOR UPDATE, chain the hash, insert, update the head),
  reimplemented here on a board of its own;
- the enterprise list (every read logs one entry) at 64 connections against its floor without
  evidence, with a sequencer running every few seconds as beat would;
- the sequencer's leaves per second, taking a queue of ``leaves`` entries into the tree.
"""

import statistics
import threading
import time

from django.db import connection, transaction
from django.utils import timezone

from boards.kernel import evidence, evidence_tree
from boards.kernel.models import EvidenceEntry, EvidenceHead
from boards.kernel.scoping import board_scope
from scripts.bench import generate


def _locking_record(board, action, payload):
    """The append before the transparency log: every writer of the board queues on its head row."""
    with transaction.atomic():
        head = evidence.locked_row(EvidenceHead, board=board)
        entry = EvidenceEntry(board=board, seq=head.last_seq + 1, created_at=timezone.now(), actor=None,
                              actor_label=evidence.SYSTEM_ACTOR, action=action, payload=payload,
                              prev_hash=head.last_hash)
        entry.hash = evidence.compute_hash(entry)
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])


def _queued_record(board, action, payload):
    with transaction.atomic():
        evidence.record(board, action, payload=payload)


def _rate(board, append, writers, per_writer):
    start = threading.Barrier(writers + 1)
    errors = []

    def writer(w):
        try:
            with board_scope(board):
                start.wait()
                for i in range(per_writer):
                    append(board, "bench.evidence.appended", {"w": w, "i": i})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return writers * per_writer / elapsed


def appends(writers=16, per_writer=150, repeats=3):
    """Median appends/s of each way over ``repeats`` runs, each way on a board of its own."""
    boards = {name: generate.make_board(f"bench-ev-{name}") for name in ("queued", "locking")}
    ways = {"queued": _queued_record, "locking": _locking_record}
    rates = {name: [] for name in ways}
    for _ in range(repeats):
        for name, append in ways.items():
            rates[name].append(_rate(boards[name], append, writers, per_writer))
    return {name: statistics.median(values) for name, values in rates.items()} | {
        "writers": writers, "per_writer": per_writer, "board": boards["queued"]}


class Sequencer(threading.Thread):
    """What beat does in production: sequence every ``every`` seconds until stopped."""

    def __init__(self, board, every=5.0):
        super().__init__(daemon=True)
        self.board, self.every, self.stop, self.leaves = board, every, threading.Event(), 0

    def run(self):
        try:
            while not self.stop.wait(self.every):
                self.leaves += evidence_tree.sequence_all(self.board)
        finally:
            connection.close()


def sequencer(board, leaves):
    """Leaves per second taking ``leaves`` queued entries into ``board``'s tree (already holding the
    appends above). The queue is written with one INSERT … SELECT, as ``record`` would write them."""
    with board_scope(board), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EvidenceEntry._meta.db_table} (board_id, created_at, actor_label, action, "
            "subject_type, subject_id, payload, prev_hash, hash) "
            "SELECT %s, now(), 'system', 'bench.evidence.queued', '', '', jsonb_build_object('i', i), '', '' "
            "FROM generate_series(1, %s) AS i", [board.pk, leaves])
    with board_scope(board):
        before = EvidenceHead.objects.filter(board=board).values_list("last_seq", flat=True).first() or 0
    began = time.perf_counter()
    done = evidence_tree.sequence_all(board)
    elapsed = time.perf_counter() - began
    return {"leaves": done, "tree_before": before, "seconds": elapsed, "rate": done / elapsed}
