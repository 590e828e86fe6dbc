"""The matchmaking funnel through the API: each step with its reasons, 409 with the allowed steps
for an illegal one, the preliminary value report, financing and the case collection."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from alliance import services
from alliance.models import Matchmaking
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from tests.support.alliance import api_key, grant


def _pdf():
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(buffer)
    return SimpleUploadedFile("初步价值报告.pdf", buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def matchmaking(board, bank, enterprise):
    grant(enterprise, bank.institution)
    with board_scope(board):
        return Matchmaking.objects.create(
            board=board,
            institution=bank.institution,
            enterprise=enterprise,
            match_reasons=[{"criterion": "industry", "met": True, "reason": "行业匹配"}],
        )


def _url(board, matchmaking, step=""):
    return f"/api/v1/{board.slug}/alliance/matchmakings/{matchmaking.pk}/" + (f"{step}/" if step else "")


def _post(client, headers, url, data=None):
    return client.post(url, data or {}, content_type="application/json", **headers)


def test_funnel_to_financing_and_the_case(client, board, bank, staff_user, matchmaking,
                                          django_assert_max_num_queries):
    headers = api_key(board, bank.institution, bank.user)
    assert _post(client, headers, _url(board, matchmaking, "interest")).json()["allowed_steps"] == ["engage",
                 "fail"]
    assert _post(client, headers, _url(board, matchmaking, "engage")).json()["state"] == "deep_engagement"
    assert _post(client, headers,
                 _url(board, matchmaking, "request_value_report")).json()["value_report_requested_at"]
    assert client.get(_url(board, matchmaking, "value-report"), **headers).status_code == 404
    with board_scope(board):
        services.deliver_value_report(matchmaking, upload=_pdf(), actor=staff_user)
        assert Notification.objects.filter(user=bank.user,
                                           verb="alliance.matchmaking.value_report_delivered").exists()
    report = client.get(_url(board, matchmaking, "value-report"), **headers)
    assert report.status_code == 200 and b"".join(report.streaming_content).startswith(b"%PDF")
    _post(client, headers, _url(board, matchmaking, "due_diligence"))
    bad = _post(client, headers, _url(board, matchmaking, "finance"), {"amount": "-1", "instrument": "x"})
    assert bad.status_code == 400 and set(bad.json()["error"]["details"]) == {"amount", "instrument",
                                          "financed_on"}
    future = _post(client, headers, _url(board, matchmaking, "finance"), {
        "amount": "5000000", "instrument": "ip_pledge_loan", "financed_on": "2999-01-01"})
    assert future.status_code == 400 and "不能晚于今天" in future.json()["error"]["message"]
    with django_assert_max_num_queries(30):
        financed = _post(client, headers, _url(board, matchmaking, "finance"), {
            "amount": "5000000.00", "instrument": "ip_pledge_loan", "financed_on": "2026-01-15"})
    body = financed.json()
    assert (body["state"], body["financed_amount"], body["financed_instrument"], body["financed_on"]) == (
        "financed", "5000000.00", "ip_pledge_loan", "2026-01-15")
    with board_scope(board):
        case = services.mark_case(matchmaking, title="知识产权质押助力量产",
                                  summary="发明专利质押贷款 500 万元。", actor=staff_user)
        steps = list(EvidenceEntry.objects.filter(subject_type="alliance.matchmaking").order_by("id")
                     .values_list("action", flat=True))
    assert case.is_case and case.financed_tier == "standard"
    assert steps == ["alliance.matchmaking.interested", "alliance.matchmaking.deep_engagement",
                     "alliance.matchmaking.value_report_requested",
                     "alliance.matchmaking.value_report_delivered", "alliance.matchmaking.due_diligence",
                     "alliance.matchmaking.financed", "alliance.matchmaking.case_marked"]
    assert client.get(f"/api/v1/{board.slug}/alliance/matchmakings/?is_case=true",
                      **headers).json()["count"] == 1


def test_not_interested_needs_a_reason_category_and_text(client, board, bank, matchmaking):
    headers = api_key(board, bank.institution, bank.user)
    missing = _post(client, headers, _url(board, matchmaking, "decline"), {"reason_category": "risk"})
    assert missing.status_code == 400 and "reason_text" in missing.json()["error"]["details"]
    declined = _post(client, headers, _url(board, matchmaking, "decline"),
                     {"reason_category": "out_of_scope", "reason_text": "不在本年度授信投向内"})
    assert (declined.json()["state"], declined.json()["reason_category"]) == ("not_interested",
            "out_of_scope")
    with board_scope(board):
        entry = EvidenceEntry.objects.get(action="alliance.matchmaking.not_interested")
    assert entry.payload == {"step": "decline", "reason_category": "out_of_scope",
                             "reason_text": "不在本年度授信投向内"}


def test_an_illegal_step_is_409_with_the_allowed_steps(client, board, bank, matchmaking):
    headers = api_key(board, bank.institution, bank.user)
    response = _post(client, headers, _url(board, matchmaking, "finance"),
                     {"amount": "1", "instrument": "credit_loan", "financed_on": "2026-01-15"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition" and error["details"]["allowed"] == ["decline", "interest"]
    report = _post(client, headers, _url(board, matchmaking, "request_value_report"))
    assert report.status_code == 409
    assert report.json()["error"]["details"]["allowed"] == ["decline", "interest"]


def test_failure_records_the_stage_it_failed_from(client, board, bank, matchmaking):
    headers = api_key(board, bank.institution, bank.user)
    for step in ("interest", "engage", "due_diligence"):
        _post(client, headers, _url(board, matchmaking, step))
    failed = _post(client, headers, _url(board, matchmaking, "fail"),
                   {"reason_category": "collateral", "reason_text": "缺少可质押资产"}).json()
    assert (failed["state"], failed["failed_from"], failed["allowed_steps"]) == ("failed", "due_diligence",
            [])


def test_list_filters_and_orders(client, board, bank, matchmaking, enterprise, django_assert_max_num_queries):
    headers = api_key(board, bank.institution, bank.user)
    with board_scope(board):
        Matchmaking.objects.filter(pk=matchmaking.pk).update(
            pushed_at=matchmaking.pushed_at - dt.timedelta(days=1)
        )
        for _ in range(5):
            Matchmaking.objects.create(board=board, institution=bank.institution, enterprise=enterprise,
                                       state="failed", reason_category="risk", reason_text="风险")
    url = f"/api/v1/{board.slug}/alliance/matchmakings/"
    with django_assert_max_num_queries(12):
        listing = client.get(f"{url}?page_size=3", **headers).json()
    assert listing["count"] == 6 and len(listing["results"]) == 3 and listing["next"]
    pushed = client.get(f"{url}?state=pushed", **headers).json()["results"]
    assert [m["id"] for m in pushed] == [matchmaking.pk]
    ordered = client.get(f"{url}?ordering=pushed_at", **headers).json()["results"]
    assert ordered[0]["id"] == matchmaking.pk
    assert client.get(f"{url}?state=nonsense", **headers).status_code == 400
