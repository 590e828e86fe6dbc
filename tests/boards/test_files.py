"""Uploads: type by content, size limit, sanitised names, nothing left behind when refused."""

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from boards.kernel.errors import DomainError
from boards.kernel.files import ORPHAN_GRACE, sanitize_name, serve_file, store_upload, sweep_orphan_files
from boards.kernel.models import StoredFile
from tests.support import owner_connection


def pdf_bytes():
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def docx_bytes():
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("专家评审表")
    document.save(out)
    return out.getvalue()


def xlsx_bytes():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def stored_files_on_disk(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_pdf_is_stored_with_hash_and_clean_name(in_board, staff_user, settings):
    content = pdf_bytes()
    stored = store_upload(in_board, upload("../../材料/营业执照（副本）.pdf", content),
                          purpose="reviews.material", user=staff_user)
    stored.refresh_from_db()
    assert (stored.original_name, stored.content_type) == ("营业执照（副本）.pdf", "application/pdf")
    assert (stored.size, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert stored.uploaded_by == staff_user and stored.purpose == "reviews.material"
    assert stored.file.name.startswith(f"{in_board.pk}/reviews.material/")
    with stored.file.open("rb") as f:
        assert f.read() == content
    assert len(stored_files_on_disk(settings)) == 1


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("评审表.docx", docx_bytes(), ("评审表.docx", "wordprocessingml")),
    ("台账.xlsx", xlsx_bytes(), ("台账.xlsx", "spreadsheetml")),
    ("台账.docx", xlsx_bytes(), ("台账.xlsx", "spreadsheetml")),  # the content decides
    ("现场照片.JPG.exe", png_bytes(), ("现场照片.JPG.png", "image/png")),
])
def test_office_files_and_images_are_recognised_by_content(in_board, staff_user, name, content, expected):
    stored = store_upload(in_board, upload(name, content), purpose="evidence.scan", user=staff_user)
    assert stored.original_name == expected[0] and expected[1] in stored.content_type


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\Users\\张三\\申请材料（终稿）.PDF", "申请材料（终稿）.pdf"),
    ("报告\x00\x1f\u202egpj.pdf", "报告gpj.pdf"),
    ("a/b/..", "文件.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ('a<b>:c*d?"e|.pdf', "a_b__c_d__e.pdf"),
    ("  .隐藏文件.pdf", "隐藏文件.pdf"),
])
def test_sanitize_name(raw, clean):
    assert sanitize_name(raw, "pdf") == clean


def test_sanitize_name_keeps_a_sane_length():
    name = sanitize_name("内蒙古" * 200 + ".pdf", "pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 154 and name.startswith("内蒙古内")


def _zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "code", "says"), [
    ("申请书.pdf", b"MZ\x90\x00" + b"\x00" * 200, "file_type", "实际内容是 EXE 文件"),
    ("申请书.pdf", "这其实是一个文本文件".encode() * 20, "file_type", "无法从内容识别"),
    ("申请书.pdf", png_bytes(), "file_type", "实际内容是 PNG 图片"),
    ("申请书.docx", _zip_bytes(), "file_type", "实际内容是 ZIP 文件"),
    ("申请书.pdf", pdf_bytes()[:-40], "file_damaged", "被截断"),
    ("申请书.pdf", pdf_bytes()[: len(pdf_bytes()) // 2], "file_damaged", "被截断"),
    ("申请书.pdf", b"", "file_empty", "空文件"),
    ("申请书.pdf", pdf_bytes() + b"\x00" * 2048, "file_too_large", "超过上限"),
])
def test_refused_uploads_leave_nothing(in_board, staff_user, settings, name, content, code, says):
    settings.UPLOAD_MAX_BYTES = 2048
    with pytest.raises(DomainError) as refused:
        store_upload(in_board, upload(name, content), purpose="reviews.material", user=staff_user,
                     allowed=("pdf",))
    assert refused.value.code == code and says in refused.value.message
    if code == "file_type":
        assert "允许的类型：PDF" in refused.value.message
    assert StoredFile.objects.count() == 0
    assert stored_files_on_disk(settings) == []


@pytest.fixture
def refused_inserts(django_db_setup, django_db_blocker):
    """On PostgreSQL a trigger refusing every insert into boards_storedfile: added by the owner
    role (the runtime role may not) before the test's transaction, dropped after it."""
    if connection.vendor != "postgresql":
        yield
        return
    create = ("CREATE TRIGGER refuse_all BEFORE INSERT ON boards_storedfile"
              " FOR EACH ROW EXECUTE FUNCTION zb_refuse_change()")
    with django_db_blocker.unblock(), owner_connection() as owner:
        owner.execute(create)
        try:
            yield
        finally:
            owner.execute("DROP TRIGGER refuse_all ON boards_storedfile")


def test_a_failed_insert_removes_the_written_file(refused_inserts, in_board, staff_user, settings):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the test transaction rolls this trigger back
            cursor.execute("CREATE TRIGGER refuse_all BEFORE INSERT ON boards_storedfile"
                           " BEGIN SELECT RAISE(ABORT, 'insert refused'); END")
    with pytest.raises(DatabaseError, match="refused"):
        store_upload(in_board, upload("营业执照.pdf", pdf_bytes()), purpose="reviews.material",
                     user=staff_user)
    assert StoredFile.objects.count() == 0
    assert stored_files_on_disk(settings) == []


def test_the_sweep_removes_files_whose_row_rolled_back(in_board, staff_user, settings):
    kept = store_upload(in_board, upload("章程.pdf", pdf_bytes()), purpose="reviews.material",
                        user=staff_user)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():  # the caller's transaction fails later
        store_upload(in_board, upload("营业执照.pdf", pdf_bytes() + b"%orphan"),
                     purpose="reviews.material", user=staff_user)
        raise Abandon
    assert len(stored_files_on_disk(settings)) == 2  # the orphan is on disk, its row is gone
    assert sweep_orphan_files(in_board) == []  # still within the grace period
    with time_machine.travel(timezone.now() + ORPHAN_GRACE + dt.timedelta(minutes=1)):
        deleted = sweep_orphan_files(in_board)
    assert len(deleted) == 1 and deleted[0] != kept.file.name
    assert [p.name for p in stored_files_on_disk(settings)] == [Path(kept.file.name).name]


def test_serve_file_streams_with_a_chinese_download_name(in_board, staff_user, rf):
    content = pdf_bytes()
    stored = store_upload(in_board, upload("评审意见.pdf", content), purpose="reviews.opinion",
                          user=staff_user)
    response = serve_file(rf.get("/"), stored)
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%AF%84%E5%AE%A1%E6%84%8F%E8%A7%81.pdf")


def test_serve_file_hands_over_to_nginx_when_configured(in_board, staff_user, rf, settings):
    settings.PROTECTED_FILES_ACCEL_PREFIX = "/protected/"
    stored = store_upload(in_board, upload("现场照片.png", png_bytes()), purpose="evidence.scan",
                          user=staff_user)
    response = serve_file(rf.get("/"), stored, as_attachment=False)
    assert response["X-Accel-Redirect"].startswith(f"/protected/{in_board.pk}/evidence.scan/")
    assert response["X-Accel-Redirect"].endswith(".png") and "%E7%8E%B0" in response["X-Accel-Redirect"]
    assert response["Content-Type"] == "image/png" and response.content == b""
    assert response["Content-Disposition"].startswith("inline;")
