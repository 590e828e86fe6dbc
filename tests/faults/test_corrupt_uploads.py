"""Corrupt uploads through the real endpoints (an HTML page with a session, a page of the admission
flow, an API call with an API key): each is refused with a 4xx that says what is wrong and what
to do, and leaves nothing half-stored: no StoredFile row, no domain row, no evidence entry, no
file under MEDIA_ROOT. ``tests/boards/test_files.py`` covers ``store_upload`` itself; this checks
that every endpoint keeps those guarantees end to end (form, view, service, transaction)."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from alliance import service_institutions as si
from alliance.models import ProgressReport
from boards.enterprises.models import Disclosure
from boards.enterprises.services import admission
from boards.kernel.models import EvidenceEntry, StoredFile
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.admission import at, world
from tests.support.alliance import api_key, appoint_firm
from tests.support.faults import inflating_docx

LIMIT = 4096


def _pdf():
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(buffer)
    return buffer.getvalue()




CORRUPT = {
    # name: (file name, content, what the message must say)
    "wrong_type": ("年报.pdf", b"MZ\x90\x00" + b"\x00" * 300, "允许的类型"),
    "too_large": ("年报.pdf", _pdf() + b"\x00" * LIMIT, "超过上限"),
    "truncated_pdf": ("年报.pdf", _pdf()[: len(_pdf()) // 2], "不是完整可读的 PDF"),
    # 3 MiB inflated against the 1 MiB limit below; a couple of KiB on the wire.
    "zip_bomb": ("年报.docx", inflating_docx(3 * 1024 * 1024), "疑似压缩炸弹"),
}


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.UPLOAD_MAX_BYTES = LIMIT
    settings.OOXML_MAX_INFLATED_BYTES = 1024 * 1024


def _files_on_disk(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _nothing_stored(board, settings, evidence_before):
    with board_scope(board):
        assert StoredFile.objects.count() == 0
        assert EvidenceEntry.objects.filter(board=board).count() == evidence_before
    assert _files_on_disk(settings) == []


def _evidence(board):
    with board_scope(board):
        return EvidenceEntry.objects.filter(board=board).count()


@pytest.mark.parametrize("corruption", CORRUPT)
def test_disclosure_page(client, board, settings, corruption):
    name, content, says = CORRUPT[corruption]
    owner = UserFactory(username="owner")
    MembershipFactory(user=owner, board=board, role="enterprise_user")
    with board_scope(board):
        EnterpriseFactory(board=board).users.add(owner)
    before = _evidence(board)
    client.force_login(owner)
    response = client.post(f"/{board.slug}/my/disclosures/", {
        "title": "2025年度报告", "audience": "public", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert says in response.content.decode()
    with board_scope(board):
        assert not Disclosure.objects.exists()
    _nothing_stored(board, settings, before)


@pytest.mark.parametrize("corruption", CORRUPT)
def test_admission_material_page(db, settings, corruption):
    name, content, says = CORRUPT[corruption]
    w = world()
    with at(2026, 9, 2, 10, 0), board_scope(w.board):
        draft = admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user)
    before = _evidence(w.board)
    client = Client()
    client.force_login(w.enterprise_user)
    with at(2026, 9, 2, 11, 0):
        response = client.post(f"/{w.board.slug}/my/applications/{draft.pk}/materials/",
                               {"title": "审计报告", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert says in response.content.decode()
    with board_scope(w.board):
        assert not draft.materials.exists()
    _nothing_stored(w.board, settings, before)


@pytest.fixture
def appointed(board):
    return appoint_firm(board)


@pytest.mark.parametrize("corruption", CORRUPT)
def test_progress_report_api(client, board, appointed, settings, corruption):
    name, content, says = CORRUPT[corruption]
    with board_scope(board), at(2026, 7, 1, 9):
        si.open_obligations(board)
        report = ProgressReport.objects.get()
    before = _evidence(board)
    headers = api_key(board, appointed.institution, appointed.user)
    response = client.post(f"/api/v1/{board.slug}/alliance/service/progress-reports/{report.pk}/submit/",
                           {"summary": "上半年服务企业 38 家", "evidence": SimpleUploadedFile(name, content)},
                           **headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert says in error["message"]
    assert error["code"] in ("file_type", "file_too_large", "file_damaged", "file_inflates")
    with board_scope(board):
        report.refresh_from_db()
        assert report.evidence_id is None and report.submitted_at is None
    _nothing_stored(board, settings, before)
