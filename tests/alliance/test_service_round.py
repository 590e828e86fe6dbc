"""晋中 selection round from the notice to the appointment: self-assessed applications, eligibility
on the closing day (3 years as a legal entity, no blacklist record), expert scores with site visits,
the decision, publicity of 5 working days (Chinese calendar, 调休 included), filing, appointment."""

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from alliance import service_institutions as si
from alliance.models import Appointment, BlacklistRecord, RoundState, ServiceApplication
from boards.kernel.calendar import SHANGHAI
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Filing, Notification
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc
from tests.support.alliance import SERVICE_ASSESSMENT, api_key, member


def at(*day):
    return time_machine.travel(dt.datetime(*day, 10, 0, tzinfo=SHANGHAI), tick=False)


def _candidate(board, code, established):
    candidate = member(board, code, kind="consulting", state=None)
    candidate.institution.established_on = established
    candidate.institution.credit_code = make_uscc(random.Random(code), "140702")
    candidate.institution.save()
    return candidate


@pytest.fixture
def candidates(board):
    return {
        "veteran": _candidate(board, "JCKJ", dt.date(2018, 6, 1)),
        "exactly3": _candidate(board, "THREE", dt.date(2023, 3, 31)),  # 3 years on the closing day
        "young": _candidate(board, "YOUNG", dt.date(2023, 4, 1)),  # one day short
        "listed": _candidate(board, "BLACK", dt.date(2015, 9, 1)),
        "unknown": _candidate(board, "NODATE", None),
    }


@pytest.fixture
def selection(board, staff_user):
    with board_scope(board), at(2026, 3, 1):
        created = si.create_round(board, title="2026年晋中市科技金融服务机构遴选", notice="现开展遴选工作。",
                                  review_mode="meeting_site_visit", opens_on=dt.date(2026, 3, 2),
                                  closes_on=dt.date(2026, 3, 31), actor=staff_user)
        return si.publish_round(created, actor=staff_user)


def _apply(board, selection, candidate):
    with board_scope(board), at(2026, 3, 10):
        return si.apply_to_round(selection, institution=candidate.institution,
                                 self_assessment=SERVICE_ASSESSMENT,
                                 actor=candidate.user)


def _reload(board, obj):
    with board_scope(board):
        return type(obj).objects.get(pk=obj.pk)


def test_the_round_from_notice_to_appointment(client, board, staff_user, candidates, selection):
    with board_scope(board):
        assert Notification.objects.filter(user=candidates["veteran"].user,
                                           verb="alliance.service_round.published").exists()
    headers = api_key(board, candidates["veteran"].institution, candidates["veteran"].user)
    with at(2026, 3, 10):
        rounds = client.get(f"/api/v1/{board.slug}/alliance/service/rounds/", **headers).json()["results"]
        assert [r["state"] for r in rounds] == ["open"]
        applied = client.post(f"/api/v1/{board.slug}/alliance/service/applications/",
                              {"round": selection.pk, "self_assessment": SERVICE_ASSESSMENT},
                              content_type="application/json", **headers)
    assert applied.status_code == 201 and applied.json()["state"] == "submitted"
    with board_scope(board):
        BlacklistRecord.objects.create(board=board, institution=candidates["listed"].institution,
                                       source="信用中国", listed_on=dt.date(2025, 11, 3))
    apps = {key: _apply(board, selection, c) for key, c in candidates.items() if key != "veteran"}
    with board_scope(board):
        apps["veteran"] = ServiceApplication.objects.get(institution=candidates["veteran"].institution)
        with at(2026, 3, 31), pytest.raises(Conflict, match="申报截止日 2026-03-31 之后才能结束申报"):
            si.close_applications(selection, actor=staff_user)
        with at(2026, 4, 1):
            si.close_applications(selection, actor=staff_user)
    apps = {key: _reload(board, a) for key, a in apps.items()}
    assert {key: a.state for key, a in apps.items()} == {
        "veteran": "eligible", "exactly3": "eligible", "young": "ineligible", "listed": "ineligible",
        "unknown": "ineligible"}
    reasons = {key: {row["rule"]: row["reason"] for row in a.eligibility} for key, a in apps.items()}
    assert (
        reasons["young"]["established"]
        == "成立于 2023-04-01，至 2026-03-31 未满 3 年（满 3 年之日为 2026-04-01）"
    )
    assert reasons["exactly3"]["established"].startswith("成立于 2023-03-31，至 2026-03-31 已满 3 年")
    assert reasons["listed"]["blacklist"] == "信用中国自 2025-11-03 起列入失信/黑名单"
    assert reasons["unknown"]["established"] == "未登记成立日期，无法核验是否依法成立 3 年以上"

    with board_scope(board), at(2026, 4, 20):
        for key in ("veteran", "exactly3"):
            for i, expert in enumerate(("郭振华", "何雪莲", "林文博")):
                si.record_score(apps[key], expert_name=expert,
                                score=Decimal(90 - i - (10 if key == "exactly3" else 0)), actor=staff_user)
        with pytest.raises(Conflict, match="JCKJ机构 尚未现场考察；THREE机构 尚未现场考察"):
            si.decide_round(selection, selected=[apps["veteran"].pk], note="党组会研究议定", actor=staff_user)
        for key in ("veteran", "exactly3"):
            si.record_site_visit(apps[key], visited_on=dt.date(2026, 4, 22), notes="场所团队齐备",
                                 actor=staff_user)
        with pytest.raises(DomainError, match="只能从资格审查通过的申报中"):
            si.decide_round(selection, selected=[apps["young"].pk], note="议定", actor=staff_user)
    with board_scope(board), at(2026, 4, 28):
        si.decide_round(selection, selected=[apps["veteran"].pk], note="党组会研究议定", actor=staff_user)
        decided = EvidenceEntry.objects.get(action="alliance.service_round.decided")
    assert decided.payload["scores"] == {str(apps["veteran"].pk): "89.00", str(apps["exactly3"].pk): "79.00"}

    with board_scope(board), at(2026, 5, 6):
        selection = si.start_publicity(selection, starts_on=dt.date(2026, 5, 7), actor=staff_user)
    # 7, 8, Saturday 9 May (a 调休 working day after Labour Day), 11, 12 May.
    assert (selection.publicity_ends_on, selection.publicity_provisional) == (dt.date(2026, 5, 12), False)
    with at(2026, 5, 8):
        page = client.get(f"/{board.slug}/service-institutions/").content.decode()
    assert "公示期 2026年5月7日 至 2026年5月12日" in page and "JCKJ机构" in page and "THREE机构" not in page
    with board_scope(board):
        with at(2026, 5, 12), pytest.raises(Conflict, match="公示期至 2026-05-12 结束"):
            si.file_round(selection, actor=staff_user)
        with at(2026, 5, 13):
            selection = si.file_round(selection, actor=staff_user)
        filing = Filing.objects.get(pk=selection.filing_id)
        assert (filing.kind, filing.addressee, filing.number) == ("alliance.service_round", "kjt",
                                                                  f"{board.filing_prefix}-2026-0001")
        assert [row["institution"] for row in filing.context["selected"]] == ["JCKJ机构"]
        with at(2026, 5, 14):
            selection = si.appoint_round(selection, actor=staff_user)
        appointment = Appointment.objects.get()
    assert selection.state == RoundState.APPOINTED
    assert (appointment.institution, appointment.appointed_on) == (candidates["veteran"].institution,
                                                                   dt.date(2026, 5, 14))
    assert _reload(board, apps["veteran"]).state == "appointed" and _reload(board,
                   apps["exactly3"]).state == "not_selected"


@pytest.mark.parametrize(("starts_on", "ends_on"), [
    (dt.date(2026, 4, 29), dt.date(2026, 5, 8)),  # 29, 30 April; Labour Day 1–5 May off; 6, 7, 8 May
    (dt.date(2026, 5, 7), dt.date(2026, 5, 12)),  # Saturday 9 May is a working day
    (dt.date(2026, 3, 2), dt.date(2026, 3, 6)),  # an ordinary week
])
def test_publicity_lasts_five_working_days(board, starts_on, ends_on):
    import chinese_calendar

    counted = [starts_on + dt.timedelta(days=i) for i in range((ends_on - starts_on).days + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in counted) == 5 and chinese_calendar.is_workday(ends_on)
    assert si.publicity_end(board, starts_on).date == ends_on


def test_applications_outside_the_window_or_incomplete_are_refused(client, board, selection, candidates):
    with board_scope(board):
        with at(2026, 4, 1), pytest.raises(Conflict, match="当前不在申报期内"):
            si.apply_to_round(selection, institution=candidates["veteran"].institution,
                              self_assessment=SERVICE_ASSESSMENT, actor=None)
        with at(2026, 3, 10), pytest.raises(DomainError, match="缺少.*晋创谷"):
            si.apply_to_round(selection, institution=candidates["veteran"].institution,
                              self_assessment={**SERVICE_ASSESSMENT, "jcg": " "}, actor=None)
    _apply(board, selection, candidates["veteran"])
    with pytest.raises(Conflict, match="已申报本次遴选"):
        _apply(board, selection, candidates["veteran"])
