"""Data-use receipts (数据使用回执): an enterprise sees every use of its data by an institution (who,
when, which categories, under which consent), each proven included in the board's signed tree; the
PDF receipt checks offline; another board, another enterprise and another role see nothing; a use
changed in the database by its administrator shows as failed."""

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from boards.enterprises.services.consent import grant_consent, record_institution_read
from boards.kernel import datause, evidence_tree, witness
from boards.kernel.models import EvidenceDataUse
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _member(board, role, institution=None, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user


@pytest.fixture
def people(board):
    bank = InstitutionFactory(code="BANKDU", name="包商测试银行")
    fund = InstitutionFactory(code="FUNDDU", name="草原测试基金", kind="fund")
    banker = _member(board, "institution_user", bank, username="banker-du")
    _member(board, "credit_enhancer", fund, username="fund-du")
    owner = _member(board, "enterprise_user", username="owner-du")
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="呼和浩特数据科技有限公司")
        enterprise.users.add(owner)
        neighbour = EnterpriseFactory(board=board, name="包头邻居科技有限公司")
        consent = grant_consent(enterprise, categories=["basic", "financials"], institution=bank,
                                expires_at=timezone.now() + dt.timedelta(days=30), actor=owner)
        grant_consent(neighbour, categories=["basic"], institution=None,
                      expires_at=timezone.now() + dt.timedelta(days=30), actor=owner)
    return {"bank": bank, "banker": banker, "owner": owner, "enterprise": enterprise,
            "neighbour": neighbour, "consent": consent}


def _page(board):
    return reverse("my-data-uses", args=[board.slug])


def _receipt(board):
    return reverse("my-data-use-receipt", args=[board.slug])


def _read_through_api(client, board, people):
    client.force_login(people["banker"])
    listing = client.get(f"/api/v1/{board.slug}/enterprises/")
    detail = client.get(f"/api/v1/{board.slug}/enterprises/{people['enterprise'].pk}/")
    assert (listing.status_code, detail.status_code) == (200, 200)
    evidence_tree.sequence_all(board)
    client.logout()


def test_each_read_is_listed_with_its_institution_categories_consent_and_proof(client, board, people):
    _read_through_api(client, board, people)
    with board_scope(board):
        uses = list(EvidenceDataUse.objects.filter(subject_id=people["enterprise"].pk).order_by("seq"))
        neighbour_uses = EvidenceDataUse.objects.filter(subject_id=people["neighbour"].pk).count()
    # the list read both enterprises, the detail only one: two uses of ours, one of the neighbour's
    expected = (people["bank"].pk, ["basic", "financials"])
    assert [(u.institution_id, u.categories) for u in uses] == [expected] * 2
    assert neighbour_uses == 1

    client.force_login(people["owner"])
    response = client.get(_page(board))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('<td>包商测试银行<br><span class="muted">banker-du</span></td>') == 2
    assert "基本信息、财务数据" in text and f"（授权编号 {people['consent'].pk}）" in text
    assert text.count("已验证包含") == 2 and "验证未通过" not in text
    assert "包头邻居科技有限公司" not in text


def test_a_use_is_indexed_when_the_sequencer_takes_its_entry(board, people):
    """Apps declare their data-use actions (the enterprise read, alliance's push); the index follows the
    sequencer, so a queued use is not listed until it has its place in the tree."""
    with board_scope(board):
        record_institution_read(board, institution=people["bank"], actor=people["banker"],
                                consents={people["enterprise"].pk: frozenset({"basic"})}, view="list")
        assert not datause.uses_of(board, people["enterprise"].pk).exists()
        evidence_tree.sequence_all(board)
        [use] = datause.uses_of(board, people["enterprise"].pk)
    assert (use.institution_id, use.categories, use.entry.action) == (
        people["bank"].pk, ["basic"], "boards.enterprise.read_by_institution")
    assert datause.kind("alliance.matchmaking.pushed").label == "对接推送"


def test_uses_after_the_latest_checkpoint_wait_for_the_next(client, board, people):
    with board_scope(board):
        record_institution_read(board, institution=people["bank"], actor=people["banker"],
                                consents={people["enterprise"].pk: frozenset({"basic"})}, view="list")
        evidence_tree.sequence_all(board)
        [use] = datause.uses_of(board, people["enterprise"].pk)
        checkpoint = evidence_tree.latest_checkpoint(board)
        [proven] = datause.prove(board, [use], None)
        assert (proven.pending, proven.verified) == (True, False)
        [proven] = datause.prove(board, [use], checkpoint)
        assert (proven.pending, proven.verified, proven.proof["tree_size"]) == (False, True, checkpoint.size)


def test_the_pdf_receipt_lists_the_uses_and_checks_offline(client, board, people, tmp_path):
    _read_through_api(client, board, people)
    client.force_login(people["owner"])
    response = client.get(_receipt(board))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "数据使用回执" in text and "呼和浩特数据科技有限公司" in text and "包商测试银行" in text
    receipt = json.loads(reader.attachments[datause.RECEIPT_FILENAME][0])
    assert receipt["subject_id"] == people["enterprise"].pk and len(receipt["uses"]) == 2

    public_key = evidence_tree.signer().public_key()
    [line] = witness.verify_receipt(pdf, public_key)
    assert "2 条使用记录均包含" in line

    (tmp_path / "key.json").write_text(json.dumps(public_key))
    good = tmp_path / "receipt.pdf"
    good.write_bytes(pdf)
    ok = subprocess.run([sys.executable, str(ROOT / "scripts/verify_filing.py"), str(good), "--public-key",
                         str(tmp_path / "key.json")], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "数据使用回执" in ok.stdout

    # one hash of one proof changed, the attachment re-embedded: the standalone check fails
    first = receipt["uses"][0]["inclusion"]["path"][0]
    receipt["uses"][0]["inclusion"]["path"][0] = ("0" if first[0] != "0" else "1") + first[1:]
    writer = PdfWriter()
    writer.append(reader)  # the pages only: the original attachment is left behind
    writer.add_attachment(datause.RECEIPT_FILENAME, json.dumps(receipt).encode())
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as out:
        writer.write(out)
    with pytest.raises(witness.Failed, match="包含证明不成立"):
        witness.verify_receipt(forged.read_bytes(), public_key)
    bad = subprocess.run([sys.executable, str(ROOT / "scripts/verify_filing.py"), str(forged), "--public-key",
                          str(tmp_path / "key.json")], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "包含证明不成立" in bad.stderr


def test_another_board_another_enterprise_and_another_role_see_nothing(client, board, other_board, people):
    _read_through_api(client, board, people)
    stranger = _member(other_board, "enterprise_user", username="stranger-du")
    with board_scope(other_board):
        EnterpriseFactory(board=other_board, name="乌鲁木齐别家科技有限公司").users.add(stranger)
    client.force_login(stranger)
    assert client.get(_page(board)).status_code == 404
    own_board = client.get(reverse("my-data-uses", args=[other_board.slug])).content.decode()
    assert "尚无机构使用本企业数据的记录" in own_board
    # the owner asks for an enterprise that is not theirs: the same 404 as a missing one
    client.force_login(people["owner"])
    assert client.get(_page(board) + f"?enterprise={people['neighbour'].pk}").status_code == 404
    assert client.get(_page(board) + "?enterprise=999999").status_code == 404
    assert client.get(_receipt(board) + f"?enterprise={people['neighbour'].pk}").status_code == 404
    client.force_login(people["banker"])  # the institution reads data; it does not see the receipts
    assert client.get(_page(board)).status_code == 404
    assert client.get(_receipt(board)).status_code == 404


def test_the_page_costs_the_same_queries_for_two_uses_and_for_twenty(client, board, people):
    def count():
        client.force_login(people["owner"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(board)).status_code == 200
        return len(queries)

    _read_through_api(client, board, people)
    few = count()
    with board_scope(board):
        for _ in range(18):
            record_institution_read(board, institution=people["bank"], actor=people["banker"],
                                    consents={people["enterprise"].pk: frozenset({"basic"})}, view="list")
        evidence_tree.sequence_all(board)
    assert count() == few


@pytest.mark.postgres
def test_a_use_changed_by_the_database_administrator_shows_as_failed(client, committed_db, board, people):
    from tests.support import owner_connection

    _read_through_api(client, board, people)
    with board_scope(board):
        use = datause.uses_of(board, people["enterprise"].pk).first()
    with owner_connection() as owner:
        owner.execute("SELECT set_config('app.board_ids', %s, false)", [str(board.pk)])
        owner.execute("ALTER TABLE boards_evidenceentry DISABLE TRIGGER USER")
        try:  # the administrator hides which categories the bank received
            owner.execute("UPDATE boards_evidenceentry SET payload = jsonb_set(payload, '{view}', "
                          "'\"none\"') WHERE id = %s", [use.entry_id])
        finally:
            owner.execute("ALTER TABLE boards_evidenceentry ENABLE TRIGGER USER")
    client.force_login(people["owner"])
    text = client.get(_page(board)).content.decode()
    assert text.count("验证未通过") == 1 and text.count("已验证包含") == 1
