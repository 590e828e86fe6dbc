"""The explainable score: weights from board config, every component shown, parts add up."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from boards.enterprises.models import FinancialYear, FinancingEvent, Qualification, ServiceRecord
from boards.enterprises.scoring import DEFAULT_SCORING, score_enterprise
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, EnterpriseFactory, UserFactory

ON = datetime.date(2025, 6, 1)


def _rich_enterprise(board):
    enterprise = EnterpriseFactory(board=board)
    Qualification.objects.create(board=board, enterprise=enterprise, kind="high_tech",
                                 issued_on=datetime.date(2023, 1, 1), valid_until=datetime.date(2025, 12, 31))
    Qualification.objects.create(board=board, enterprise=enterprise, kind="little_giant",  # expired
                                 issued_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2024, 12, 31))
    FinancialYear.objects.create(board=board, enterprise=enterprise, year=2023, revenue=Decimal("80000000"),
                                 net_profit=Decimal("4000000"), rd_expense=Decimal("2000000"))
    FinancialYear.objects.create(board=board, enterprise=enterprise, year=2024, revenue=Decimal("92000000"),
                                 net_profit=Decimal("9200000"), rd_expense=Decimal("6440000"))
    FinancingEvent.objects.create(board=board, enterprise=enterprise, kind="equity", financing_round="A",
                                  amount=Decimal("30000000"), investor_name="天山创投",
                                  occurred_on=datetime.date(2024, 5, 1))
    staff = UserFactory(username="visitor")
    for day in (datetime.date(2024, 3, 1), datetime.date(2024, 9, 1), datetime.date(2025, 2, 1)):
        ServiceRecord.objects.create(board=board, enterprise=enterprise, kind="visit", occurred_on=day,
                                     staff=staff, summary="走访")
    return enterprise


def test_components_follow_config_and_add_up(db):
    board = BoardFactory(slug="score-default")
    with board_scope(board):
        score = score_enterprise(_rich_enterprise(board), on=ON)
    parts = {c.code: c for c in score.components}
    assert [c.code for c in score.components] == [c["code"] for c in DEFAULT_SCORING["components"]]
    assert {code: (str(c.rate), str(c.points)) for code, c in parts.items()} == {
        "qualifications": ("70.00", "21.00"),  # high_tech 70 (the expired 小巨人 does not count) × 30
        "growth": ("50.00", "10.00"),  # revenue +15 % of the 30 % that earns full marks, × 20
        "profitability": ("66.67", "10.00"),  # net margin 10 % of 15 %, × 15
        "innovation": ("100.00", "15.00"),  # R&D 7 % ≥ 5 %: capped, × 15
        "financing": ("80.00", "8.00"),  # round A is step 4 of B's 5, × 10
        "engagement": ("50.00", "5.00"),  # 2 visits in the last 365 days (2024-03-01 is older) of 4, × 10
    }
    assert "高新技术企业" in parts["qualifications"].value and "增长 15%" in parts["growth"].value
    assert score.total == sum(c.points for c in score.components) == Decimal("69.00")
    assert all(c.rule and c.value for c in score.components)


def test_weights_are_board_configuration(db):
    config = copy.deepcopy(DEFAULT_SCORING)
    weights = {"qualifications": 10, "growth": 10, "profitability": 10, "innovation": 10, "financing": 10,
               "engagement": 50}
    for component in config["components"]:
        component["weight"] = weights[component["code"]]
    board = BoardFactory(slug="score-custom", config={"scoring": config})
    with board_scope(board):
        score = score_enterprise(_rich_enterprise(board), on=ON)
    parts = {c.code: c for c in score.components}
    assert parts["engagement"].weight == 50 and parts["engagement"].points == Decimal("25.00")
    assert parts["qualifications"].points == Decimal("7.00")
    assert score.total == sum(c.points for c in score.components) == Decimal("61.67")


def test_enterprise_without_data_scores_zero_with_reasons(db):
    board = BoardFactory(slug="score-empty")
    with board_scope(board):
        score = score_enterprise(EnterpriseFactory(board=board), on=ON)
    assert score.total == Decimal("0.00")
    assert {c.value for c in score.components} >= {"无计分资质", "缺少连续两年营业收入", "无股权融资"}


@pytest.mark.parametrize("change,message", [
    (lambda c: c["components"][0].update(weight=31), "各项权重之和必须为 100，当前为 101"),
    (lambda c: c["components"][0].update(type="astrology"), "type 必须是"),
    (lambda c: c["components"][0]["points"].update(unicorn=10), "points 必须是"),
    (lambda c: c["components"][1].update(full_at_pct=0), "full_at_pct 必须是正数"),
    (lambda c: c["components"][4].update(full_at_round="Z"), "full_at_round 必须是"),
    (lambda c: c["components"][5].update(days=0), "需要正整数 full_at_count 和 days"),
])
def test_invalid_scoring_config_is_refused(db, change, message):
    config = copy.deepcopy(DEFAULT_SCORING)
    change(config)
    with pytest.raises(ValidationError) as error:
        BoardFactory(slug="score-bad", config={"scoring": config})
    assert message in str(error.value)
