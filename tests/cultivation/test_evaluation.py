"""The tracking evaluation (840号 (二十三)): the five indicators per quarter with their charts, and
the satisfaction survey after each service or concluded matchmaking that feeds the satisfaction
indicator. Other boards, other enterprises and roles without the page get 404."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance.models import Matchmaking
from alliance.services.matchmaking import move_matchmaking
from boards.enterprises.models import FinancialYear, Qualification
from boards.enterprises.services.registry import record_service
from boards.kernel.calendar import SHANGHAI
from boards.kernel.errors import Conflict
from boards.kernel.models import Notification
from boards.kernel.scoping import board_scope
from cultivation.evaluation import completeness, indicators, satisfaction
from cultivation.models import SatisfactionSurvey
from cultivation.services import surveys
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _at(day):
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def test_a_recorded_service_and_a_concluded_matchmaking_each_open_one_survey(world,
                                                                            django_capture_on_commit_callbacks):
    w = world
    with board_scope(w.board):
        with django_capture_on_commit_callbacks(execute=True):
            record = record_service(w.enterprise, kind="service", occurred_on=D(2026, 9, 3), actor=w.staff,
                                    summary="组织参加北交所上市培训", institution=w.firm)
        survey = SatisfactionSurvey.objects.get()
        assert (survey.source, survey.label, survey.institution) == (
            f"boards.servicerecord:{record.pk}", "服务：组织参加北交所上市培训", w.firm)
        notice = Notification.objects.get(user=w.enterprise_user)
        assert notice.title == "请评价：服务：组织参加北交所上市培训"
        surveys.on_service_delivered(None, board_id=w.board.pk, enterprise_id=w.enterprise.pk,
                                     source=survey.source, label="again", occurred_on=D(2026, 9, 3))
        assert SatisfactionSurvey.objects.count() == 1  # the same service once
        match = Matchmaking.objects.create(board=w.board, institution=w.bank, enterprise=w.enterprise,
                                           state="due_diligence")
        with django_capture_on_commit_callbacks(execute=True):
            move_matchmaking(match, "finance", actor=w.staff, amount=Decimal("3000000"),
                             instrument="credit_loan", financed_on=D(2026, 9, 20))
        assert SatisfactionSurvey.objects.get(source=f"alliance.matchmaking:{match.pk}").label == \
            "融资对接（内蒙古银行股份有限公司）：已融资"


def test_no_survey_where_the_board_does_not_run_the_evaluation(world, django_capture_on_commit_callbacks):
    w = world
    w.board.config = {**w.board.config, "modules": [m for m in w.board.config["modules"]
                                                    if m != "tracking_evaluation"]}
    w.board.save()
    with board_scope(w.board), django_capture_on_commit_callbacks(execute=True):
        record_service(w.enterprise, kind="visit", occurred_on=D(2026, 9, 3), actor=w.staff, summary="走访")
    with board_scope(w.board):
        assert not SatisfactionSurvey.objects.exists()


def test_worked_satisfaction_scores_5_4_3_of_four_surveys(world):
    """Four services delivered in 2026Q3, three rated 5, 4 and 3: average 4.00, 80.0 %; 75.0 % answered."""
    w = world
    with board_scope(w.board):
        opened = [surveys.open_survey(w.board, enterprise=w.enterprise, source=f"test:{i}", label=f"服务{i}",
                                      delivered_on=D(2026, 7, 10 + i)) for i in range(4)]
        for survey, score in zip(opened, (5, 4, 3), strict=False):
            surveys.answer_survey(survey, actor=w.enterprise_user, score=score, at=_at(D(2026, 8, 1)))
        with pytest.raises(Conflict):
            surveys.answer_survey(opened[0], actor=w.enterprise_user, score=1)
        result = satisfaction(w.board, D(2026, 7, 1), D(2026, 9, 30))
        assert result == {"answered": 3, "average": Decimal("4.00"), "pct": Decimal("80.0"), "sent": 4,
                          "response_pct": Decimal("75.0")}
        assert satisfaction(w.board, D(2026, 10, 1), D(2026, 12, 31))["pct"] is None


def test_worked_database_completeness_15_of_22_items(world):
    """A complete enterprise (11 of 11 items) and one with name, code, place, industry and business only
    (4 of 11): 15 of 22 = 68.2 %."""
    w = world
    board = w.other
    with board_scope(board):
        full = EnterpriseFactory(board=board, founded_on=D(2015, 3, 1),
                                 registered_capital=Decimal("5000000"), legal_representative="王建国",
                                 contact_name="李海燕", contact_phone="0991-1234567")
        FinancialYear.objects.create(board=board, enterprise=full, year=2025, revenue=Decimal("80000000"),
                                     net_profit=Decimal("9000000"))
        Qualification.objects.create(board=board, enterprise=full, kind="specialized_sme")
        EnterpriseFactory(board=board, name="新疆天池节水灌溉科技有限公司", founded_on=None,
                          registered_capital=None, legal_representative="", contact_name="", contact_phone="")
        w.xj_enterprise.status = "pending"
        w.xj_enterprise.save()
        assert completeness(board, D(2026, 9, 30)) == {"enterprises": 2, "pct": Decimal("68.2")}


def test_the_evaluation_page_with_its_charts(client, world, django_assert_max_num_queries):
    w = world
    with board_scope(w.board):
        record_service(w.enterprise, kind="visit", occurred_on=D(2026, 8, 3), actor=w.staff, summary="走访")
        survey = surveys.open_survey(w.board, enterprise=w.enterprise, source="t:1", label="走访",
                                     delivered_on=D(2026, 8, 3))
        surveys.answer_survey(survey, actor=w.enterprise_user, score=4, at=_at(D(2026, 8, 5)))
        row = indicators(w.board, D(2026, 7, 1), D(2026, 9, 30), D(2026, 12, 6))
        assert row["basic"] == {"count": 1, "enterprises": 1, "coverage_pct": Decimal("50.0")}  # 1 of 2
        assert row["satisfaction"]["pct"] == Decimal("80.0")
    url = f"/{w.board.slug}/cultivation/evaluation/?year=2026"
    for reader in (w.staff, w.regulator, w.bureau):
        client.force_login(reader)
        # Four quarters, each a fixed number of aggregate queries whatever the data.
        with django_assert_max_num_queries(72):
            page = client.get(url)
        text = page.content.decode()
        assert page.status_code == 200 and text.count("<svg data-chart=") == 5
        assert "平均 4.00 分（80.0%）" in text and "2026Q3" in text
    assert client.get(f"/{w.board.slug}/cultivation/evaluation/?year=abc").status_code == 400
    for outsider in (w.other_staff, w.enterprise_user, w.firm_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_enterprise_answers_its_survey_on_its_page(client, world):
    w = world
    with board_scope(w.board):
        survey = surveys.open_survey(w.board, enterprise=w.enterprise, source="t:1", label="组织参加上市培训",
                                     delivered_on=D(2026, 8, 3))
    url = f"/{w.board.slug}/cultivation/surveys/{survey.pk}/"
    client.force_login(w.enterprise_user)
    assert "组织参加上市培训" in client.get(f"/{w.board.slug}/cultivation/surveys/").content.decode()
    bad = client.post(url, {"comment": "培训很实用"})
    assert bad.status_code == 400 and "培训很实用" in bad.content.decode()
    assert client.post(url, {"score": "5", "comment": "培训很实用"}).status_code == 302
    with board_scope(w.board):
        survey.refresh_from_db()
        assert (survey.state, survey.score, survey.answered_by) == ("answered", 5, w.enterprise_user)
    assert client.post(url, {"score": "1"}).status_code == 409
    for outsider in (w.staff, w.firm_user, w.other_staff):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
