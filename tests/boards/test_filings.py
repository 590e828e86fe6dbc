"""Filings: gapless numbers, real WeasyPrint PDFs read back with pypdf, evidence, and who may
list and download them (pages and API)."""

import datetime as dt
import hashlib
import io
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from pypdf import PdfReader

from boards.kernel import evidence
from boards.kernel.api import urls as api_urls
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.errors import DomainError
from boards.kernel.filings import create_filing, render_filing_now
from boards.kernel.models import EvidenceEntry, Filing
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TITLE = "关于内蒙古科创板优选层评审结果的报备"


def _create(board, actor, subject=TITLE, **kwargs):
    return create_filing(
        board, kind="reviews.feedback", addressee="kjt", subject=subject,
        template_name="boards/filings/generic.html", actor=actor,
        context={"paragraphs": ["经专家委员会评审，以下企业通过优选层评审。"],
                 "rows": [["企业名称", "内蒙古某某科技有限公司"], ["评审费用（元）", "3000.00"]]},
        **kwargs,
    )


def _pdf(filing):
    with filing.file.open("rb") as f:
        return f.read()


def _font_names(reader):
    return [str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"]["/Font"].values()]


def _assert_chinese_pdf(filing):
    pdf = _pdf(filing)
    assert filing.sha256 == hashlib.sha256(pdf).hexdigest()
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert TITLE in text and "内蒙古某某科技有限公司" in text and filing.number in text and "科技厅" in text
    assert "第 1 页 / 共 1 页" in text
    fonts = _font_names(reader)
    # The Simplified Chinese face, not the Japanese one the .ttc would give by path.
    assert fonts and all(re.search(r"Noto-?Sans-?CJK-?(SC|sc)", name) for name in fonts), fonts


# --- Numbering ------------------------------------------------------------------------------


def test_numbers_are_gapless_per_board_and_year(board, other_board, staff_user):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        with board_scope(board):
            numbers = [_create(board, staff_user).number for _ in range(2)]
        with board_scope(other_board):
            other = _create(other_board, None).number
    assert numbers == ["NMG-KCB-2026-0001", "NMG-KCB-2026-0002"] and other == "XJ-ZJTX-2026-0001"
    with board_scope(board):
        with time_machine.travel(dt.datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI), tick=False):
            assert _create(board, staff_user).number == "NMG-KCB-2026-0003"
        # New Year in Shanghai, still 31 December in UTC: the Shanghai year counts.
        with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
            filing = _create(board, staff_user)
        assert (filing.number, filing.year, filing.sequence) == ("NMG-KCB-2027-0001", 2027, 1)


def test_a_rolled_back_filing_gives_its_number_back(in_board, staff_user):
    _create(in_board, staff_user)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _create(in_board, staff_user).number.endswith("-0002")
        raise RuntimeError("the caller's transaction fails")
    assert _create(in_board, staff_user).number.endswith("-0002")
    assert list(Filing.objects.values_list("sequence", flat=True)) == [2, 1]


def test_creation_is_logged_and_rendering_queued_after_commit(in_board, staff_user,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        filing = _create(in_board, staff_user, subject_obj=staff_user)
    assert len(callbacks) == 1 and filing.state == "queued"
    assert (filing.subject_type, filing.subject_id) == ("auth.user", str(staff_user.pk))
    entry = EvidenceEntry.objects.get(action="boards.filing.created")
    assert entry.actor == staff_user and entry.payload["number"] == filing.number


def test_unknown_addressee_is_refused(in_board, staff_user):
    with pytest.raises(DomainError, match="可选：kjt（科技厅）、jrb（金融办）"):
        create_filing(in_board, kind="x", addressee="zjj", subject="s", template_name="t.html",
                      context={}, actor=staff_user)
    assert not Filing.objects.exists()


# --- Rendering -----------------------------------------------------------------------------


def test_render_writes_a_chinese_pdf_and_its_hash_to_the_evidence_log(in_board, staff_user):
    filing = render_filing_now(_create(in_board, staff_user).pk)
    filing.refresh_from_db()
    assert filing.state == "rendered" and filing.rendered_at is not None and filing.error == ""
    _assert_chinese_pdf(filing)
    entry = EvidenceEntry.objects.get(action="boards.filing.rendered")
    assert entry.payload == {"number": f"NMG-KCB-{filing.year}-0001", "sha256": filing.sha256}
    assert (entry.subject_type, entry.subject_id) == ("boards.filing", str(filing.pk))
    assert evidence.verify_chain(in_board)[0]
    # A retried task leaves the rendered filing alone.
    assert render_filing_now(filing.pk).sha256 == filing.sha256
    assert EvidenceEntry.objects.filter(action="boards.filing.rendered").count() == 1


def test_a_render_error_marks_the_filing_failed(in_board, staff_user, settings):
    filing = create_filing(in_board, kind="reviews.feedback", addressee="jrb", subject="测试",
                           template_name="boards/filings/no-such-template.html", context={}, actor=staff_user)
    render_filing_now(filing.pk)
    filing.refresh_from_db()
    assert filing.state == "failed" and "TemplateDoesNotExist" in filing.error and not filing.file
    entry = EvidenceEntry.objects.get(action="boards.filing.failed")
    assert entry.payload["number"] == filing.number and "no-such-template" in entry.payload["error"]


@pytest.mark.redis
def test_a_real_worker_renders_the_filing_after_commit(committed_db, board, staff_user, real_worker):
    with board_scope(board):
        filing = _create(board, staff_user)
    deadline = time.monotonic() + 60
    while filing.state == "queued":
        assert time.monotonic() < deadline, "the worker did not render the filing within 60 s"
        time.sleep(0.2)
        with board_scope(board):
            filing.refresh_from_db()
    assert filing.state == "rendered", filing.error
    with board_scope(board):
        _assert_chinese_pdf(filing)
        assert EvidenceEntry.objects.filter(action="boards.filing.rendered",
                                            payload__sha256=filing.sha256).exists()


# --- Who may list and download -----------------------------------------------------------------


@pytest.fixture
def regulator(board):
    user = UserFactory(username="kjt-regulator")
    MembershipFactory(user=user, board=board, role="regulator")
    return user


@pytest.fixture
def other_regulator(other_board):
    user = UserFactory(username="xj-regulator")
    MembershipFactory(user=user, board=other_board, role="regulator")
    return user


@pytest.fixture
def enterprise_user(board):
    user = UserFactory(username="enterprise")
    MembershipFactory(user=user, board=board, role="enterprise_user")
    return user


@pytest.fixture
def filings(board, staff_user):
    """A rendered filing and a queued one."""
    with board_scope(board):
        rendered = render_filing_now(_create(board, staff_user).pk)
        queued = _create(board, staff_user, subject="关于新疆专精特新专板入板企业名单的报备")
    return rendered, queued


def test_regulator_lists_the_boards_filings(client, board, regulator, filings, django_assert_max_num_queries):
    anonymous = client.get(f"/{board.slug}/filings/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(settings.LOGIN_URL)
    client.force_login(regulator)
    with django_assert_max_num_queries(8):
        response = client.get(f"/{board.slug}/filings/")
    assert response.status_code == 200
    page = response.content.decode()
    rendered, queued = filings
    assert rendered.number in page and queued.number in page and TITLE in page and "科技厅" in page
    assert page.count("下载 PDF") == 1 and f"/{board.slug}/filings/{rendered.pk}/download/" in page


def test_staff_and_regulator_download_the_pdf(client, board, staff_user, regulator, filings):
    rendered, queued = filings
    for user in (staff_user, regulator):
        client.force_login(user)
        response = client.get(f"/{board.slug}/filings/{rendered.pk}/download/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{rendered.number}.pdf"'
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == rendered.sha256
    assert client.get(f"/{board.slug}/filings/{queued.pk}/download/").status_code == 404


@pytest.mark.parametrize("who", ["other_regulator", "enterprise_user"])
def test_pages_answer_404_to_other_tenants_and_other_roles(client, board, filings, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/{board.slug}/filings/").status_code == 404
    assert client.get(f"/{board.slug}/filings/{filings[0].pk}/download/").status_code == 404


def test_another_boards_filing_is_404_on_this_board(client, board, other_board, filings, other_regulator):
    client.force_login(other_regulator)
    assert client.get(f"/{other_board.slug}/filings/").status_code == 200
    assert client.get(f"/{other_board.slug}/filings/{filings[0].pk}/download/").status_code == 404
    assert client.get(f"/api/v1/{other_board.slug}/filings/{filings[0].pk}/").status_code == 404


def test_api_lists_and_shows_filings(client, board, regulator, filings, django_assert_max_num_queries):
    rendered, queued = filings
    client.force_login(regulator)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{board.slug}/filings/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["number"] for r in results] == [queued.number, rendered.number]
    assert results[1]["addressee_name"] == "科技厅" and results[1]["sha256"] == rendered.sha256
    assert results[1]["download_url"] == f"/api/v1/{board.slug}/filings/{rendered.pk}/download/"
    assert results[0]["state"] == "queued" and results[0]["download_url"] is None

    with django_assert_max_num_queries(8):
        detail = client.get(f"/api/v1/{board.slug}/filings/{rendered.pk}/")
    assert detail.status_code == 200 and detail.json()["subject"] == TITLE


def test_api_download(client, board, regulator, filings, django_assert_max_num_queries):
    rendered, queued = filings
    client.force_login(regulator)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{board.slug}/filings/{rendered.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == rendered.sha256
    pending = client.get(f"/api/v1/{board.slug}/filings/{queued.pk}/download/")
    assert pending.status_code == 409 and pending.json()["error"]["details"] == {"state": "queued"}


@pytest.mark.parametrize("who", ["other_regulator", "enterprise_user"])
def test_api_answers_404_to_other_tenants_and_other_roles(client, board, filings, who, request):
    client.force_login(request.getfixturevalue(who))
    pk = filings[0].pk
    for url in (f"/api/v1/{board.slug}/filings/", f"/api/v1/{board.slug}/filings/{pk}/",
                f"/api/v1/{board.slug}/filings/{pk}/download/"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_filing_endpoints_have_a_clean_schema():
    patterns = [path("api/v1/", include([p for p in api_urls.urlpatterns if "filing" in (p.name or "")]))]
    GENERATOR_STATS.reset()
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert set(schema["paths"]) == {"/api/v1/{board}/filings/", "/api/v1/{board}/filings/{id}/",
                                    "/api/v1/{board}/filings/{id}/download/"}
    download = schema["paths"]["/api/v1/{board}/filings/{id}/download/"]["get"]["responses"]["200"]
    assert "application/pdf" in download["content"]
