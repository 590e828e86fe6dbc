"""The evidence tree (RFC 9162): hashing and proofs against an independent implementation (pymerkle)
and the RFC's recursive definitions, the stored tree, the migration of old chains, signed checkpoints,
SM3/SM2 against the standards' published vectors."""

import json
import types

import pytest
from django.db import connection, transaction
from pymerkle import InmemoryTree

from boards.kernel import evidence, evidence_tree, merkle, signing
from boards.kernel.models import EvidenceCheckpoint, EvidenceNode
from tests.support import owner_connection

SHA256 = merkle.hash_function("sha256")


def _mth(h, leaves):
    """MTH of §2.1.1, written as the RFC writes it (the reference the stored tree must equal)."""
    if not leaves:
        return h(b"")
    if len(leaves) == 1:
        return merkle.leaf_hash(h, leaves[0])
    k = merkle.split(len(leaves))
    return merkle.node_hash(h, _mth(h, leaves[:k]), _mth(h, leaves[k:]))


def _pymerkle_root(leaves):
    tree = InmemoryTree(algorithm="sha256")
    for data in leaves:
        tree.append_entry(data)
    return tree.get_root(tree.get_size())


def test_roots_and_proofs_agree_with_pymerkle_and_the_rfc():
    leaves = [f"leaf {i}".encode() for i in range(70)]
    frontier, nodes = merkle.Frontier(SHA256), {}
    for i, data in enumerate(leaves):
        nodes.update({(level, index): value for level, index, value
                      in frontier.append(merkle.leaf_hash(SHA256, data))})
        assert frontier.root() == _mth(SHA256, leaves[: i + 1])
    for size in (1, 2, 3, 7, 8, 9, 31, 32, 33, 64, 70):
        root = _mth(SHA256, leaves[:size])
        assert root == _pymerkle_root(leaves[:size])
        for index in range(size):
            path = merkle.proof_hashes(SHA256, merkle.inclusion_ranges(index, size), lambda *k: nodes[k])
            merkle.verify_inclusion(SHA256, index, size, merkle.leaf_hash(SHA256, leaves[index]), path, root)
            if path:  # a flipped byte anywhere in the proof is refused
                bad = [path[0][:-1] + bytes([path[0][-1] ^ 1]), *path[1:]]
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(SHA256, index, size, merkle.leaf_hash(SHA256, leaves[index]),
                                            bad, root)
        for first in range(1, size):
            path = merkle.proof_hashes(SHA256, merkle.consistency_ranges(first, size), lambda *k: nodes[k])
            merkle.verify_consistency(SHA256, first, size, _mth(SHA256, leaves[:first]), root, path)
            forked = _mth(SHA256, [*leaves[: first - 1], b"forged", *leaves[first:size]])
            with pytest.raises(merkle.ProofError):
                merkle.verify_consistency(SHA256, first, size, _mth(SHA256, leaves[:first]), forked, path)


def test_pymerkle_inclusion_proofs_verify_with_the_rfc_algorithm():
    """pymerkle's own proofs (its path starts with the leaf, then the RFC's siblings) pass our
    §2.1.3.2 verifier: two implementations agree on the proof, not only on the root."""
    leaves = [f"x{i}".encode() for i in range(23)]
    tree = InmemoryTree(algorithm="sha256")
    for data in leaves:
        tree.append_entry(data)
    root = tree.get_root(23)
    for index in range(23):
        proof = tree.prove_inclusion(index + 1, 23).serialize()
        path = [bytes.fromhex(value) for value in proof["path"]]
        assert path[0] == merkle.leaf_hash(SHA256, leaves[index])
        merkle.verify_inclusion(SHA256, index, 23, path[0], path[1:], root)


def test_sm3_and_sm2_published_vectors():
    # GB/T 32905-2016 example 1: SM3("abc").
    assert merkle.hash_function("sm3")(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    # GM/T 0003.5-2012 (SM2 recommended curve): key, k and message give the published (r, s).
    signer = signing.Signer("sm2", "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    k = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21"
    r_s = signer._key.sign_with_sm3(b"message digest", k)
    assert r_s == ("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
                   "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa")
    signing.verify(signer.public_key(), b"message digest", r_s)
    # Round trip with a random k, and a changed message refused.
    signature = signer.sign(b"checkpoint")
    signing.verify(signer.public_key(), b"checkpoint", signature)
    with pytest.raises(signing.SignatureError):
        signing.verify(signer.public_key(), b"checkpoinT", signature)


def _record(board, n):
    for i in range(n):
        evidence.record(board, "tests.item.recorded", payload={"i": i})


def _leaves(board):
    from boards.kernel.models import EvidenceEntry

    return [evidence_tree.leaf_data(e) for e in EvidenceEntry.objects.filter(board=board).order_by("seq")]


def test_the_stored_tree_is_the_rfc_tree_of_the_entries(in_board, settings):
    settings.EVIDENCE_SEQUENCE_BATCH = 4  # several batches, several checkpoints
    _record(in_board, 11)
    assert evidence_tree.sequence_all(in_board) == 11
    leaves = _leaves(in_board)
    for size in range(1, 12):
        assert evidence_tree.root_at(in_board, size) == _pymerkle_root(leaves[:size])
    assert [c.size for c in EvidenceCheckpoint.objects.order_by("size")] == [4, 8, 11]
    latest = evidence_tree.latest_checkpoint(in_board)
    assert latest.root == _mth(SHA256, leaves).hex()
    proof = evidence_tree.inclusion_proof(in_board, 5, 11)
    merkle.verify_inclusion(SHA256, 5, 11, bytes.fromhex(proof["leaf_hash"]),
                            [bytes.fromhex(p) for p in proof["path"]], bytes.fromhex(latest.root))
    consistency = evidence_tree.consistency_proof(in_board, 4, 11)
    first = EvidenceCheckpoint.objects.get(size=4)
    merkle.verify_consistency(SHA256, 4, 11, bytes.fromhex(first.root), bytes.fromhex(latest.root),
                              [bytes.fromhex(p) for p in consistency["path"]])


def test_checkpoints_are_signed_by_the_published_key(in_board):
    _record(in_board, 3)
    evidence_tree.sequence_all(in_board)
    checkpoint = evidence_tree.latest_checkpoint(in_board)
    body = json.loads(checkpoint.body)
    key = evidence_tree.signer().public_key()
    assert body["board"] == in_board.slug and body["size"] == 3 and body["root"] == checkpoint.root
    assert (body["hash"], body["signature_algorithm"], body["key_id"]) == ("sha256", "ed25519", key["key_id"])
    signing.verify(key, checkpoint.body.encode(), checkpoint.signature)
    with pytest.raises(signing.SignatureError):
        signing.verify(key, checkpoint.body.replace('"size":3', '"size":2').encode(), checkpoint.signature)


def test_a_guomi_deployment_hashes_with_sm3_and_signs_with_sm2(in_board, settings):
    settings.EVIDENCE_HASH, settings.EVIDENCE_SIGNATURE = "sm3", "sm2"
    _record(in_board, 5)
    evidence_tree.sequence_all(in_board)
    sm3 = merkle.hash_function("sm3")
    checkpoint = evidence_tree.latest_checkpoint(in_board)
    assert checkpoint.root == _mth(sm3, _leaves(in_board)).hex()
    body = json.loads(checkpoint.body)
    assert (body["hash"], body["signature_algorithm"]) == ("sm3", "sm2")
    signing.verify(evidence_tree.signer().public_key(), checkpoint.body.encode(), checkpoint.signature)


@pytest.mark.postgres
def test_the_migration_builds_the_tree_of_an_old_chain(committed_db, board, settings):
    """A chain from before the tree (entries with seq and hashes, no nodes) gets the same tree the
    sequencer builds, in seq order; the sequencer then signs its first checkpoint."""
    import importlib

    from boards.kernel.scoping import board_scope

    migration = importlib.import_module("boards.migrations.0005_evidence_tree_from_chains")
    with board_scope(board):
        _record(board, 6)
        evidence_tree.sequence_all(board)
        expected = {(n.level, n.index): bytes(n.hash) for n in EvidenceNode.objects.all()}
        root = evidence_tree.latest_checkpoint(board).root
    with owner_connection() as owner:  # as before the tree: no nodes, no checkpoints
        owner.execute("SELECT set_config('app.board_ids', %s, false)", [str(board.pk)])
        for table in ("boards_evidencenode", "boards_evidencecheckpoint"):
            owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            owner.execute(f"DELETE FROM {table}")
            owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with transaction.atomic():
        migration.forwards(None, types.SimpleNamespace(connection=connection))
    with board_scope(board):
        assert {(n.level, n.index): bytes(n.hash) for n in EvidenceNode.objects.all()} == expected
        assert evidence_tree.sequence_board(board) == 0
        assert evidence_tree.latest_checkpoint(board).root == root


def test_the_public_key_is_published(client, db, django_assert_num_queries):
    # No query: a request without a board sets no RLS setting (it is transaction-local) and reads
    # only the key file.
    with django_assert_num_queries(0):
        response = client.get("/evidence/public-key/")
    assert response.status_code == 200
    assert response.json() == evidence_tree.signer().public_key()
    assert client.post("/evidence/public-key/").status_code == 405


class _FlakyPublisher:
    """A market's own publisher, down for the first call of each test."""

    name = "market-chain"
    calls = []
    down = True

    def publish(self, document):
        _FlakyPublisher.calls.append(json.loads(document["checkpoint"])["size"])
        if _FlakyPublisher.down:
            raise ConnectionError("business chain unreachable")
        return f"tx-{len(_FlakyPublisher.calls)}"


def test_checkpoints_go_to_every_publisher_and_a_failed_one_is_retried(in_board, settings, tmp_path):
    from boards.kernel import anchoring, tasks
    from boards.kernel.models import EvidenceAnchor

    settings.EVIDENCE_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    settings.EVIDENCE_ANCHOR_PUBLISHERS = ["boards.kernel.anchoring.FilePublisher",
                                           f"{__name__}._FlakyPublisher"]
    settings.EVIDENCE_SEQUENCE_BATCH = 2
    _FlakyPublisher.calls, _FlakyPublisher.down = [], True
    _record(in_board, 3)
    assert tasks.sequence_evidence() == 3  # beat's task: sequence, sign, anchor
    lines = [json.loads(line) for line in (tmp_path / "anchors.jsonl").read_text().splitlines()]
    stored = [evidence_tree.checkpoint_document(c) for c in EvidenceCheckpoint.objects.order_by("size")]
    assert lines == stored and len(stored) == 2  # sizes 2 and 3
    assert _FlakyPublisher.calls == [2]  # it failed at the first one and stopped
    assert list(EvidenceAnchor.objects.values_list("publisher", flat=True)) == ["file", "file"]
    _FlakyPublisher.down = False
    assert anchoring.anchor_pending(in_board) == 2
    assert _FlakyPublisher.calls == [2, 2, 3]
    receipts = EvidenceAnchor.objects.filter(publisher="market-chain").values_list("receipt", flat=True)
    assert sorted(receipts) == ["tx-2", "tx-3"]
    assert anchoring.anchor_pending(in_board) == 0
