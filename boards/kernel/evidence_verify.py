"""``verify_evidence``: the whole log of a board checked against itself and against its witnesses.

- the chain (``evidence.verify_chain``: the first changed entry, a gap, a missing tail);
- the tree recomputed from the entries equals the stored nodes, and every stored checkpoint's root
  at its size, each signature checked with the deployment's key;
- every witness given (a checkpoint document, or a filing PDF carrying one, boards.kernel.witness):
  its signature, and the log recomputed to its size must give its root; a filing's own entry must
  still be the one it embeds. A log truncated, rewritten, reordered or replaced since fails here even
  when every hash, node, head and checkpoint was recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from boards.kernel import evidence, evidence_tree, merkle, witness
from boards.kernel.models import Board, EvidenceCheckpoint, EvidenceEntry
from boards.kernel.scoping import board_scope


def load_witness(path: str | Path) -> witness.Document:
    """A checkpoint document from a file: a filing PDF or the JSON of ``evidence_checkpoint``."""
    with open(path, "rb") as file:
        data = file.read()
    if data.startswith(b"%PDF"):
        return witness.witness_from_pdf(data)
    document: witness.Document = json.loads(data)
    return document


def verify_board(board: Board, witnesses: Iterable[witness.Document] = ()) -> tuple[list[str], str]:
    """Returns ``(problems, summary)``; ``problems`` is empty when the log holds."""
    public_key = evidence_tree.signer().public_key()
    problems: list[str] = []
    ok, _, message = evidence.verify_chain(board)
    if not ok:
        problems.append(message)
    with board_scope(board):
        stored = {c.size: c for c in EvidenceCheckpoint.objects.filter(board=board)}
        entries = EvidenceEntry.objects.filter(board=board, seq__isnull=False).order_by("seq")
        bodies: list[tuple[witness.Document, witness.Document]] = []
        for document in witnesses:
            try:
                bodies.append((witness.checked_checkpoint(document, public_key), document))
            except witness.Failed as exc:
                problems.append(f"见证检查点：{exc}")
        wanted = set(stored) | {body["size"] for body, _ in bodies}
        h = evidence_tree.tree_hash()
        roots: dict[int, bytes] = {}
        at_seq: dict[int, str] = {}
        frontier = merkle.Frontier(h)
        witnessed_seqs = {json.loads(d["entry"])["seq"] for _, d in bodies if "entry" in d}
        for entry in entries.iterator(chunk_size=2000):
            frontier.append(merkle.leaf_hash(h, evidence_tree.leaf_data(entry)))
            if entry.seq is not None and entry.seq in witnessed_seqs:
                at_seq[entry.seq] = evidence_tree.leaf_data(entry).decode()
            if frontier.size in wanted:
                roots[frontier.size] = frontier.root()
        size = frontier.size
        if size:
            try:
                if evidence_tree.root_at(board, size) != frontier.root():
                    problems.append("存储的存证树与记录重算的树不同")
            except merkle.ProofError as exc:
                problems.append(str(exc))
    for checkpoint_size, checkpoint in sorted(stored.items()):
        try:
            body = witness.checked_checkpoint(evidence_tree.checkpoint_document(checkpoint), public_key)
        except witness.Failed as exc:
            problems.append(f"检查点（树大小 {checkpoint_size}）：{exc}")
            continue
        if body["size"] != checkpoint_size or body["root"] != checkpoint.root:
            problems.append(f"检查点（树大小 {checkpoint_size}）的签名内容与记录不符")
        elif checkpoint_size > size:
            problems.append(f"检查点记录了 {checkpoint_size} 条，日志只有 {size} 条（末尾记录被删除）")
        elif roots.get(checkpoint_size, b"").hex() != checkpoint.root:
            problems.append(f"日志与已签名的检查点（树大小 {checkpoint_size}）不一致：记录被改写或重排")
    for body, document in bodies:
        problems += _against_witness(board, body, document, roots, at_seq, size)
    summary = f"OK，共 {size} 条记录，{len(stored)} 个检查点，{len(bodies)} 个见证一致"
    return problems, summary


def _against_witness(board: Board, body: witness.Document, document: witness.Document,
                     roots: dict[int, bytes], at_seq: dict[int, str], size: int) -> list[str]:
    where = f"见证检查点（树大小 {body['size']}，树根 {body['root'][:16]}…）"
    if body["board"] != board.slug:
        return [f"{where}属于专板 {body['board']}"]
    if body["size"] > size:
        return [f"日志被截断：{where}时已有 {body['size']} 条，现在只有 {size} 条"]
    if roots[body["size"]].hex() == body["root"]:
        return []
    found = [f"日志与{where}不一致：日志在该检查点之后被改写、重排或替换"]
    if "entry" in document:
        seq = json.loads(document["entry"])["seq"]
        if at_seq.get(seq) != document["entry"]:
            found.append(f"第一条可指认的被改动记录：seq={seq}（报备文件所嵌记录与日志中现存的不同）")
    return found

