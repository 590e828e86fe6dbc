"""Uploaded files: checked by content and size, stored through Django's default storage,
served only by views that checked the caller's rights.

Invariants: a refused upload writes nothing (checks run before the file is written, and a
failed row insert deletes the written file); ``original_name`` is sanitised and its extension
is the type found in the content. Django has no on-rollback hook: if the caller's transaction
rolls back after ``store_upload`` returned, the file stays in storage with no row pointing at
it (unreachable, never served), so call it after the caller's own checks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from pypdf import PdfReader

from boards.kernel.errors import DomainError
from boards.kernel.models import Board, StoredFile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Files younger than this may still be waiting for their row's commit.
ORPHAN_GRACE = timedelta(hours=6)

MIME_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LABELS = {"pdf": "PDF", "jpg": "JPG 图片", "png": "PNG 图片", "docx": "Word 文档 (DOCX)",
          "xlsx": "Excel 表格 (XLSX)"}
# The main part's content type in [Content_Types].xml tells a docx from an xlsx.
OFFICE_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
NAME_MAX_BYTES = 150  # UTF-8 bytes of the stem: Chinese names stay well under filesystem limits
PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,59}$")
UNSAFE_NAME_CHARS = re.compile(r"[^\w\-.()（）【】\[\] ]")


def _office_kind(upload: File[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            content_types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return next((kind for kind, part in OFFICE_MAIN_PARTS.items() if part in content_types), None)


def _pdf_readable(upload: File[bytes]) -> bool:
    try:
        return len(PdfReader(upload).pages) > 0
    except Exception:  # pypdf raises many kinds of errors on damaged files; all mean "refuse"
        return False


def detect_kind(upload: File[bytes]) -> str | None:
    """The file's type from its content, as an extension ("pdf", "docx", "exe" ...), or None."""
    upload.seek(0)
    guess = filetype.guess(upload.read(8192))
    upload.seek(0)
    kind = guess.extension if guess else None
    if kind in ("zip", "docx", "xlsx"):
        kind = _office_kind(upload) or "zip"
    return kind


def sanitize_name(name: object, kind: str) -> str:
    """A display and download name: no path, no control characters, a sane length,
    Chinese kept, the extension of the real type."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    stem = UNSAFE_NAME_CHARS.sub("_", PurePath(name).stem).strip(" ._")
    stem = stem.encode()[:NAME_MAX_BYTES].decode("utf-8", "ignore").strip(" ._") or "文件"
    return f"{stem}.{kind}"


def _allowed_text(allowed: Iterable[str]) -> str:
    return "、".join(LABELS[kind] for kind in allowed)


def _check(upload: File[bytes], allowed: Collection[str]) -> str:
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise DomainError(
            f"文件「{upload.name}」大小为 {upload.size / 1048576:.1f} MB，超过上限 {limit / 1048576:.1f} MB。"
            "请压缩或拆分后重新上传。", code="file_too_large",
            details={"size": upload.size, "max_bytes": limit})
    if upload.size == 0:
        raise DomainError(f"文件「{upload.name}」是空文件，请重新选择。", code="file_empty")
    kind = detect_kind(upload)
    if kind is None or kind not in allowed:
        found = (f"实际内容是 {LABELS.get(kind) or kind.upper() + ' 文件'}" if kind
                 else "无法从内容识别文件类型（可能是改了后缀名的其他文件）")
        raise DomainError(f"文件「{upload.name}」{found}，不能上传。允许的类型：{_allowed_text(allowed)}。",
                          code="file_type", details={"allowed": list(allowed), "found": kind})
    if kind in OFFICE_MAIN_PARTS:
        _check_inflation(upload)
    if kind == "pdf" and not _pdf_readable(upload):
        raise DomainError(f"文件「{upload.name}」不是完整可读的 PDF（可能已损坏、被截断或加密），"
                          "请重新导出后上传。", code="file_damaged")
    return kind


def _check_inflation(upload: File[bytes]) -> None:
    """An Office file (a zip archive) is refused when its parts inflate past the limit or are too
    many. The sizes are the archive's declared ones: Python's zipfile, which every reader here
    uses, never inflates a part past its declared size."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, RuntimeError):
        entries = None
    upload.seek(0)
    if entries is None:
        raise DomainError(f"文件「{upload.name}」无法读取（压缩结构已损坏），请重新导出后上传。",
                          code="file_damaged")
    inflated, limit = sum(entry.file_size for entry in entries), settings.OOXML_MAX_INFLATED_BYTES
    if inflated > limit or len(entries) > settings.OOXML_MAX_ENTRIES:
        raise DomainError(
            f"文件「{upload.name}」解压后为 {inflated / 1048576:.0f} MB、{len(entries)} 个部件，超过上限"
            f"（{limit / 1048576:.0f} MB、{settings.OOXML_MAX_ENTRIES} 个部件），疑似压缩炸弹，不能上传。"
            "请拆分文件或删除多余内容后重新上传。", code="file_inflates",
            details={"inflated_bytes": inflated, "entries": len(entries), "max_inflated_bytes": limit,
                     "max_entries": settings.OOXML_MAX_ENTRIES})


def _digest(upload: File[bytes]) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size


def check_upload(uploaded_file: File[bytes], allowed: Collection[str] = ("pdf", "jpg", "png", "docx", "xlsx")
                 ) -> str:
    """The checks of ``store_upload`` without storing (for a form's field validation): the kind
    found, or DomainError saying what is wrong and what is allowed."""
    return _check(uploaded_file, allowed)


def store_upload(board: Board, uploaded_file: File[bytes], *, purpose: str, user: User | None,
                 allowed: Collection[str] = ("pdf", "jpg", "png", "docx", "xlsx")) -> StoredFile:
    """Check ``uploaded_file`` and store it for ``board`` (inside its scope). Raises DomainError
    with what is wrong and what is allowed; a refused or failed upload leaves no file and no row."""
    if not PURPOSE_RE.match(purpose):
        raise ValueError(f"purpose {purpose!r} must be a short lowercase code like reviews.material")
    if not set(allowed) <= MIME_TYPES.keys():
        raise ValueError(f"allowed types must be among {sorted(MIME_TYPES)}")
    kind = _check(uploaded_file, allowed)
    sha256, size = _digest(uploaded_file)
    stored = StoredFile(
        board=board, purpose=purpose, original_name=sanitize_name(uploaded_file.name, kind),
        content_type=MIME_TYPES[kind], size=size, sha256=sha256, uploaded_by=user,
    )
    stored.file.save(stored.original_name, uploaded_file, save=False)
    with removed_on_error(stored.file), transaction.atomic():
        stored.save()
    return stored


@contextmanager
def removed_on_error(field_file: FieldFile) -> Iterator[None]:
    """Delete ``field_file`` from storage when the block raises: a failed write leaves no orphan."""
    try:
        yield
    except BaseException:
        field_file.delete(save=False)
        raise


def serve_field_file(field_file: FieldFile, *, filename: str, content_type: str,
                     as_attachment: bool = True) -> HttpResponse | FileResponse:
    """Answer with a stored file: through nginx (X-Accel-Redirect) when
    PROTECTED_FILES_ACCEL_PREFIX is set, else streamed by Django. Callers check rights first."""
    prefix = settings.PROTECTED_FILES_ACCEL_PREFIX
    if prefix:
        assert field_file.name, "a stored file has a name"
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(field_file.name)}"
        disposition = content_disposition_header(as_attachment, filename)
        if disposition:  # None only for an inline file without a name: no header, not "None"
            response["Content-Disposition"] = disposition
        return response
    return FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=filename,
                        content_type=content_type)


def serve_file(request: HttpRequest, stored_file: StoredFile, *,
               as_attachment: bool = True) -> HttpResponse | FileResponse:
    """Serve a StoredFile; the calling view has already checked ``request.user``'s rights."""
    return serve_field_file(stored_file.file, filename=stored_file.original_name,
                            content_type=stored_file.content_type, as_attachment=as_attachment)


def _walk(storage: Storage, top: str) -> Iterator[str]:
    dirs, files = storage.listdir(top)
    for name in files:
        yield f"{top}/{name}"
    for sub in dirs:
        yield from _walk(storage, f"{top}/{sub}")


def sweep_orphan_files(board: Board, *, older_than: timedelta = ORPHAN_GRACE) -> list[str]:
    """Delete files under ``board``'s upload folder that no StoredFile row names. A file is
    written before its row commits, so an outer transaction that rolls back later leaves one
    behind; the grace period keeps files whose row is still being written. Runs inside the
    board's scope. Returns the names deleted."""
    from django.core.files.storage import default_storage

    top = str(board.pk)
    if not default_storage.exists(top):
        return []
    known = set(StoredFile.objects.filter(board=board).values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    deleted: list[str] = []
    for name in _walk(default_storage, top):
        if name not in known and default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            deleted.append(name)
    return deleted

