"""Opening a case: panel sizes, who may open a premium review, duplicates, configuration."""

import pytest
from django.core.exceptions import ValidationError

from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from reviews.config import review_type
from reviews.models import ReviewCase
from tests.factories import InstitutionFactory
from tests.support.reviews import committee, invest


@pytest.fixture
def invested(board, enterprise, investor):
    invest(board, enterprise, investor)
    return investor


def test_opening_copies_the_rules_and_logs(board, flow, enterprise):
    case = flow.open(enterprise, "listing_reserve", panel_size=7, reason="拟申报北交所")
    assert (case.state, case.panel_size, case.rules["field_mix"]) == ("created", 7, {"listing": 1})
    assert case.rules["form"]["title"] == "《自治区上市企业后备库专家评审表》"
    with board_scope(board):
        entry = EvidenceEntry.objects.get(action="reviews.case.opened")
    assert entry.actor == flow.staff and entry.payload["panel_size"] == 7


@pytest.mark.parametrize(("kind", "size", "message"), [
    ("innovation", 6, "创新型企业认定的评审组应为 5 人，不能是 6 人"),
    ("premium", 4, "优选层评审的评审组应不少于 5 人，不能是 4 人"),
    ("listing_reserve", 3, "上市企业后备库评审的评审组应不少于 5 人，不能是 3 人"),
])
def test_panel_size_outside_the_configured_range_is_refused(board, flow, enterprise, kind, size, message):
    with pytest.raises(DomainError, match=message):
        flow.open(enterprise, kind, panel_size=size)


@pytest.mark.parametrize("kind", ["premium", "listing_reserve"])
def test_premium_and_listing_panels_have_no_upper_limit(board, flow, enterprise, kind):
    """Seed: 优选层/上市企业后备库评审由不少于5名专家组成 — a 10th or 12th expert is allowed."""
    committee(board, 12)
    committee(board, 1, field="listing")
    case = flow.sent(enterprise, kind, panel_size=12)
    assert case.panel_size == 12 and len(flow.seats(case)) == 12


def test_a_board_may_still_cap_a_panel(board, flow, enterprise):
    board.config = {**board.config, "reviews": {"premium": {"panel_max": 7}}}
    board.save()
    with pytest.raises(DomainError, match="优选层评审的评审组应为 5–7 人，不能是 8 人"):
        flow.open(enterprise, "premium", panel_size=8)
    assert flow.open(enterprise, "premium", panel_size=7).panel_size == 7


def test_investor_may_open_a_premium_review(board, flow, enterprise, invested):
    case = flow.open(enterprise, "premium", opened_by_institution=invested)
    assert case.opened_by_institution == invested


def test_an_institution_that_did_not_invest_may_not(board, flow, enterprise, invested):
    lender = InstitutionFactory(code="BANK9", name="某银行")
    invest(board, enterprise, lender, kind="debt")
    with pytest.raises(DomainError, match="没有「某银行」投资「内蒙古稀土功能材料有限公司」的记录") as error:
        flow.open(enterprise, "premium", opened_by_institution=lender)
    assert error.value.code == "not_investor"


def test_only_the_exchange_opens_other_reviews(board, flow, enterprise, invested):
    with pytest.raises(DomainError, match="创新型企业认定只能由交易中心发起"):
        flow.open(enterprise, "innovation", opened_by_institution=invested)


def test_a_second_running_case_of_the_same_kind_is_refused(board, flow, enterprise):
    first = flow.open(enterprise)
    with pytest.raises(Conflict, match=f"已有未归档的创新型企业认定（案件 {first.pk}，已立案）"):
        flow.open(enterprise)
    assert flow.open(enterprise, "premium").kind == "premium"
    with board_scope(board):
        assert ReviewCase.objects.count() == 2


def test_filing_with_a_regulator_the_board_does_not_have_is_refused(board, flow, enterprise):
    board.regulators = [{"code": "kjt", "name": "科技厅"}]
    board.save()
    with pytest.raises(DomainError, match="配置的报备单位 jrb 不是本专板的报备监管机构"):
        flow.open(enterprise, "listing_reserve")


def test_board_overrides_merge_over_the_default_type(board):
    board.config = {**board.config, "reviews": {"listing_reserve": {"permit_tier": "", "panel_max": 7}}}
    board.save()
    rules = review_type(board, "listing_reserve")
    assert (rules["permit_tier"], rules["panel_max"], rules["panel_min"]) == ("", 7, 5)
    with pytest.raises(DomainError, match="未知的评审类型"):
        review_type(board, "audit")


@pytest.mark.parametrize(("override", "message"), [
    ({"premium": {"mode": "video"}}, "premium.mode 必须是 remote/meeting 之一"),
    ({"premium": {"field_mix": {"listing": 6}}}, "field_mix 要求的人数超过了 panel_min"),
    ({"innovation": {"form": {"title": "x", "fields": [{"key": "a", "label": "A", "type": "score"}]}}},
     "评分项 a 的 max 必须是正整数"),
    ({"innovation": {"colour": "red"}}, "innovation 有未知配置项: colour"),
    ({"premium": {"panel_max": 4}}, r"premium.panel_min 必须是正整数，panel_max 为 null（不设上限）"),
    ({"premium": {"panel_max": "9"}}, r"premium.panel_min 必须是正整数，panel_max 为 null（不设上限）"),
])
def test_invalid_configuration_is_named(board, override, message):
    board.config = {**board.config, "reviews": override}
    with pytest.raises(ValidationError, match=message):
        board.save()


def test_the_migration_lifts_only_the_old_default_cap(board):
    """Boards saved with the old default (9) get no limit; a board's own cap stays."""
    import importlib

    from django.apps import apps

    from boards.kernel.models import Board

    migration = importlib.import_module("reviews.migrations.0002_panels_without_upper_limit")
    config = board.config
    config["reviews"]["premium"]["panel_max"] = 9
    config["reviews"]["listing_reserve"]["panel_max"] = 7
    Board.objects.filter(pk=board.pk).update(config=config)
    migration.lift_the_cap(apps, None)
    board.refresh_from_db()
    assert board.config["reviews"]["premium"]["panel_max"] is None
    assert board.config["reviews"]["listing_reserve"]["panel_max"] == 7
