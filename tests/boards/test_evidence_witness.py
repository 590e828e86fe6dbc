"""Regulators as witnesses: every filing PDF prints and embeds the signed checkpoint it was built under
and its own entry's inclusion proof; scripts/verify_filing.py checks it offline; the proof API; and the
attacks of a database administrator, each caught against a kept filing and invisible without one."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pypdf import PdfReader

from boards.kernel import evidence, evidence_tree
from boards.kernel import witness as verify_filing
from boards.kernel.filings import create_filing, render_filing_now
from boards.kernel.models import EvidenceEntry, Role
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _filing(board, actor=None):
    filing = create_filing(
        board,
        kind="tests.witness",
        addressee="kjt",
        subject="关于存证见证的报备",
        template_name="boards/filings/generic.html",
        actor=actor,
        context={"paragraphs": ["本报备用于核验存证日志。"], "rows": []},
    )
    return render_filing_now(filing.pk)


def _pdf(filing):
    with filing.file.open("rb") as f:
        return f.read()


def _public_key():
    return evidence_tree.signer().public_key()


def test_the_filing_pdf_prints_and_embeds_its_checkpoint(in_board, staff_user):
    for i in range(5):
        evidence.record(in_board, "tests.item.recorded", payload={"i": i})
    filing = _filing(in_board, staff_user)
    reader = PdfReader(io.BytesIO(_pdf(filing)))
    witness = json.loads(reader.attachments[evidence_tree.WITNESS_FILENAME][0])
    checkpoint = json.loads(witness["checkpoint"])
    entry = json.loads(witness["entry"])
    assert (entry["action"], entry["payload"]["number"], entry["seq"]) == (
        "boards.filing.created",
        filing.number,
        6,
    )
    assert checkpoint["size"] == 6 and checkpoint["board"] == in_board.slug
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "存证核验" in text and f"树大小 {checkpoint['size']}" in text and checkpoint["key_id"] in text
    assert checkpoint["root"][:32] in text
    assert "<svg" not in text  # the QR code is drawn, not printed as markup
    assert verify_filing.verify(_pdf(filing), _public_key())[0].startswith(f"报备 {filing.number}")


def _flip_in_proof(pdf):
    """The PDF with one hex digit of the inclusion proof changed (the attachment is re-embedded)."""
    from pypdf import PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    witness = json.loads(reader.attachments[evidence_tree.WITNESS_FILENAME][0])
    first = witness["inclusion"]["path"][0]
    witness["inclusion"]["path"][0] = ("0" if first[0] != "0" else "1") + first[1:]
    writer = PdfWriter()
    writer.append(reader)  # the pages only: the original attachment is left behind
    writer.add_attachment(evidence_tree.WITNESS_FILENAME, json.dumps(witness).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_standalone_verifier_accepts_a_real_filing_and_rejects_a_flipped_proof(in_board, tmp_path):
    for i in range(3):
        evidence.record(in_board, "tests.item.recorded", payload={"i": i})
    filing = _filing(in_board)
    (tmp_path / "good.pdf").write_bytes(_pdf(filing))
    (tmp_path / "bad.pdf").write_bytes(_flip_in_proof(_pdf(filing)))
    (tmp_path / "key.json").write_text(json.dumps(_public_key()))
    # As a clerk runs it: its own process, no Django settings, no database.
    env = {"PATH": "/usr/bin:/bin"}
    good = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/verify_filing.py"),
            str(tmp_path / "good.pdf"),
            "--public-key",
            str(tmp_path / "key.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert good.returncode == 0, good.stderr
    assert f"通过：报备 {filing.number}" in good.stdout
    bad = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/verify_filing.py"),
            str(tmp_path / "bad.pdf"),
            "--public-key",
            str(tmp_path / "key.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1 and "包含证明不成立" in bad.stderr
    other_key = {"algorithm": "ed25519", "public_key": "11" * 32}
    with pytest.raises(verify_filing.Failed, match="签名"):
        verify_filing.verify(_pdf(filing), other_key)


def test_the_filing_verifies_against_a_later_checkpoint(in_board, capsys):
    filing = _filing(in_board)
    size = json.loads(
        json.loads(PdfReader(io.BytesIO(_pdf(filing))).attachments[evidence_tree.WITNESS_FILENAME][0])[
            "checkpoint"
        ]
    )["size"]
    for i in range(9):
        evidence.record(in_board, "tests.item.recorded", payload={"i": i})
    call_command("evidence_checkpoint", "--board", in_board.slug)
    later = json.loads(capsys.readouterr().out)
    later_size = json.loads(later["checkpoint"])["size"]
    assert later_size == size + 1 + 9  # the rendered entry, then nine more
    proof = evidence_tree.consistency_proof(in_board, size, later_size)
    lines = verify_filing.verify(_pdf(filing), _public_key(), later, proof)
    assert "是报备时日志的延续" in lines[1]


# --- The proof API ---------------------------------------------------------------------------------


@pytest.fixture
def proof_log(board):
    with board_scope(board):
        for i in range(12):
            evidence.record(board, "tests.item.recorded", payload={"i": i})
        evidence_tree.sequence_all(board)
    return board


def _member(board, role):
    user = UserFactory()
    MembershipFactory(user=user, board=board, role=role)
    return user


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.INSTITUTION_USER, Role.EXCHANGE_STAFF])
def test_the_proof_api_answers_institutions_and_regulators(
    client, proof_log, role, django_assert_max_num_queries
):
    client.force_login(_member(proof_log, role))
    base = f"/api/v1/{proof_log.slug}/evidence"
    with django_assert_max_num_queries(8):
        checkpoint = client.get(f"{base}/checkpoint/")
    assert checkpoint.status_code == 200
    body = json.loads(checkpoint.json()["checkpoint"])
    with django_assert_max_num_queries(8):
        inclusion = client.get(f"{base}/entries/5/inclusion/?tree_size=12")
    assert inclusion.status_code == 200
    from boards.kernel import merkle

    h = merkle.hash_function("sha256")
    proof = inclusion.json()
    merkle.verify_inclusion(
        h,
        4,
        12,
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(p) for p in proof["path"]],
        bytes.fromhex(body["root"]),
    )
    consistency = client.get(f"{base}/consistency/?first=7&second=12")
    assert consistency.status_code == 200 and consistency.json()["first"] == 7
    with board_scope(proof_log):
        root7 = evidence_tree.root_at(proof_log, 7)
    merkle.verify_consistency(
        h, 7, 12, root7, bytes.fromhex(body["root"]), [bytes.fromhex(p) for p in consistency.json()["path"]]
    )


@pytest.mark.parametrize("query", ["?first=0", "?first=13", "?first=abc", "?first=3&second=2", ""])
def test_bad_tree_sizes_are_a_400_in_chinese(client, proof_log, query):
    client.force_login(_member(proof_log, Role.REGULATOR))
    response = client.get(f"/api/v1/{proof_log.slug}/evidence/consistency/{query}")
    assert response.status_code == 400
    assert (
        response.json()["error"]["code"] == "invalid_tree_size"
        and "树大小" in response.json()["error"]["message"]
    )
    missing = client.get(f"/api/v1/{proof_log.slug}/evidence/entries/13/inclusion/")
    assert missing.status_code == 404


def test_the_proof_api_refuses_other_boards_and_other_roles(client, proof_log, other_board):
    client.force_login(_member(other_board, Role.REGULATOR))  # a regulator, of another board
    for url in ("checkpoint/", "entries/1/inclusion/", "consistency/?first=1"):
        assert client.get(f"/api/v1/{proof_log.slug}/evidence/{url}").status_code == 404
    client.force_login(_member(proof_log, Role.ENTERPRISE_USER))  # on the board, without the role
    assert client.get(f"/api/v1/{proof_log.slug}/evidence/checkpoint/").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/{proof_log.slug}/evidence/checkpoint/").status_code in (401, 403)


# --- Attacks by whoever runs the database -----------------------------------------------------------


def _as_owner(board, *statements):
    """Statements as the table owner with the append-only triggers off (what a DBA can do)."""
    from tests.support import owner_connection

    with owner_connection() as owner:
        owner.execute("SELECT set_config('app.board_ids', %s, false)", [str(board.pk)])
        tables = (
            "boards_evidenceentry",
            "boards_evidencenode",
            "boards_evidencecheckpoint",
            "boards_evidencehead",
        )
        for table in tables:
            owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            for sql, params in statements:
                owner.execute(sql, params)
        finally:
            for table in tables:
                owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _rebuild_everything(board):
    """The strongest rewrite: recompute every chain hash, every tree node and re-sign a checkpoint
    with the deployment's own key (a DBA who also holds the signing key)."""
    from boards.kernel import merkle

    with board_scope(board):
        entries = list(EvidenceEntry.objects.filter(board=board).order_by("seq"))
    statements, prev, h = [], evidence.GENESIS_HASH, evidence_tree.tree_hash()
    frontier, nodes = merkle.Frontier(h), []
    for seq, entry in enumerate(entries, start=1):
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = evidence.compute_hash(entry)
        statements.append(
            (
                "UPDATE boards_evidenceentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [seq, entry.prev_hash, entry.hash, entry.pk],
            )
        )
        nodes += frontier.append(merkle.leaf_hash(h, evidence_tree.leaf_data(entry)))
    statements.append(("DELETE FROM boards_evidencenode WHERE board_id = %s", [board.pk]))
    statements += [
        (
            'INSERT INTO boards_evidencenode (board_id, level, "index", hash) VALUES (%s, %s, %s, %s)',
            [board.pk, level, index, value],
        )
        for level, index, value in nodes
    ]
    statements.append(("DELETE FROM boards_evidencecheckpoint WHERE board_id = %s", [board.pk]))
    statements.append(
        (
            "UPDATE boards_evidencehead SET last_seq = %s, last_hash = %s WHERE board_id = %s",
            [len(entries), prev, board.pk],
        )
    )
    _as_owner(board, *statements)
    with board_scope(board):
        evidence_tree.sequence_board(board)  # signs the forged tree head with the real key


ATTACKS = {
    "change a payload": lambda board, ids: _as_owner(
        board, ("UPDATE boards_evidenceentry SET payload = '{\"i\": 999}' WHERE id = %s", [ids[2]])
    ),
    # the last eight: back to before the filing was created (the filing witnessed seven entries)
    "delete the tail": lambda board, ids: _as_owner(
        board, ("DELETE FROM boards_evidenceentry WHERE id = ANY(%s)", [ids[-8:]])
    ),
    "replace every entry": lambda board, ids: _as_owner(
        board, ("UPDATE boards_evidenceentry SET actor_label = 'forged' WHERE id = ANY(%s)", [ids])
    ),
    "reorder two entries": lambda board, ids: _as_owner(
        board,
        ("UPDATE boards_evidenceentry SET seq = seq + 1000000 WHERE id = ANY(%s)", [ids[1:3]]),
        (
            "UPDATE boards_evidenceentry SET seq = CASE WHEN id = %s THEN %s ELSE %s END WHERE id = ANY(%s)",
            [ids[1], 3, 2, ids[1:3]],
        ),
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_attack_is_caught_by_a_kept_filing_and_invisible_without_one(
    committed_db, board, attack, tmp_path, capsys
):
    with board_scope(board):
        for i in range(6):
            evidence.record(board, "tests.item.recorded", payload={"i": i})
        filing = _filing(board)
        for i in range(4):
            evidence.record(board, "tests.item.later", payload={"i": i})
        evidence_tree.sequence_all(board)
        ids = list(EvidenceEntry.objects.filter(board=board).order_by("seq").values_list("id", flat=True))
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(_pdf(filing))

    ATTACKS[attack](board, ids)
    _rebuild_everything(board)  # and then every hash, node and head made consistent again

    # Without a witness the rewritten log is self-consistent: chain, tree and newest checkpoint agree.
    call_command("verify_evidence", "--board", board.slug)
    assert "OK" in capsys.readouterr().out
    # With the kept filing it is caught.
    with pytest.raises(CommandError):
        call_command("verify_evidence", "--board", board.slug, "--against", str(kept))
    err = capsys.readouterr().err
    assert "不一致" in err or "截断" in err, err
    connection.close()
