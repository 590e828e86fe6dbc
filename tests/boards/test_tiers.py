"""The tier engine on a table of cases covering every criterion of the national guideline,
Xinjiang and Inner Mongolia schemes."""

import copy
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boards.enterprises.listing_standards import DEFAULT_STANDARDS
from boards.enterprises.models import (
    FinancialYear,
    FinancingEvent,
    ListingStandard,
    Qualification,
    TierEntryPermit,
)
from boards.enterprises.services import registry as services
from boards.enterprises.tiers import DEFAULT_TIERS, TIER_SCHEMES, check_entry, suggest_tier
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, EnterpriseFactory

ON = datetime.date(2025, 6, 1)
SCHEMES = {"national": DEFAULT_TIERS, "xj": TIER_SCHEMES["xj-zjtx"], "im": TIER_SCHEMES["nmg-kcb"]}


def q(kind, valid_until=None, issued_on=datetime.date(2023, 1, 1), financing_round=""):
    return ("q", {"kind": kind, "issued_on": issued_on, "valid_until": valid_until,
                  "financing_round": financing_round, "issuer": "自治区工信厅"})


def equity(financing_round, kind="equity", occurred_on=datetime.date(2024, 3, 1)):
    return ("f", {"kind": kind, "financing_round": financing_round, "occurred_on": occurred_on,
                  "amount": "30000000", "investor_name": "天山创业投资"})


def year(revenue, net_profit, year=2024, rd_expense="0"):
    return ("y", {"year": year, "revenue": revenue, "net_profit": net_profit, "rd_expense": rd_expense})


def permit(tier, review_kind):
    return ("p", {"tier": tier, "review_kind": review_kind, "source": "reviews.case:1"})


PLAN = {"listing_plan": True}
MODELS = {"q": Qualification, "f": FinancingEvent, "y": FinancialYear, "p": TierEntryPermit}

# (id, scheme, enterprise fields, records, expected tier, (criterion substring, met, reason substring))
CASES = [
    ("xj-nothing-incubation", "xj", {}, [], "incubation", ("尚未达到更高层级", True, "未达到更高层级标准")),
    ("xj-innovative-sme", "xj", {}, [q("innovative_sme")], "incubation",
     ("创新型中小企业", True, "长期有效")),
    ("xj-specialized", "xj", {}, [q("specialized_sme")], "standard", ("专精特新中小企业", True, "长期有效")),
    ("xj-specialized-expired", "xj", {}, [q("specialized_sme", datetime.date(2025, 5, 31))], "incubation",
     ("专精特新中小企业", False, "已于 2025-05-31 到期")),
    ("xj-specialized-last-valid-day", "xj", {}, [q("specialized_sme", ON)], "standard",
     ("专精特新中小企业", True, "有效期至 2025-06-01")),
    ("xj-round-A", "xj", {}, [equity("A")], "standard", ("A轮及以后", True, "已获A轮")),
    ("national-round-A", "national", {}, [equity("A")], "incubation", ("B轮及以后", False, "已获A轮")),
    ("national-round-B", "national", {}, [equity("B")], "standard", ("B轮及以后", True, "已获B轮")),
    ("xj-pre-A-not-enough", "xj", {}, [equity("pre_a")], "incubation", ("A轮及以后", False, "Pre-A轮")),
    ("xj-debt-round-not-counted", "xj", {}, [equity("B", kind="debt")], "incubation",
     ("A轮及以后", False, "无私募股权融资轮次记录")),
    ("xj-future-round-not-counted", "xj", {}, [equity("A", occurred_on=datetime.date(2025, 7, 1))],
     "incubation", ("A轮及以后", False, "无私募股权融资")),
    ("xj-pevc-qualification-round", "xj", {}, [q("pevc_investment", financing_round="A")], "standard",
     ("A轮及以后", True, "已获A轮")),
    ("xj-little-giant", "xj", {}, [q("little_giant")], "cultivation", ('"小巨人"', True, "有效")),
    ("xj-listing-reserve", "xj", {}, [q("listing_reserve")], "cultivation",
     ("上市后备企业资源库", True, "有效")),
    ("xj-ipo-tutoring", "xj", {}, [q("ipo_tutoring")], "cultivation", ("上市辅导备案", True, "有效")),
    ("xj-neeq-delisted", "xj", {}, [q("neeq_delisted_ipo")], "cultivation", ("新三板摘牌", True, "有效")),
    # 培育层's financial test: 50 % of every indicator of any ONE listing standard (840号 三(五)3).
    ("xj-revenue-standard-without-profit", "xj", PLAN,
     [year("40000000", "0", 2023), year("48000000", "500000")],
     "cultivation", ("任一上市标准", True, "达到「创新层第二套标准（营业收入与增长）」：最近两年平均营业收入 "
                     "4400 万元，为标准（8000 万元）的 55%（≥ 50%），"
                     "最近一年营业收入增长率 20%，为标准（30%）的 66.66%（≥ 50%）")),
    ("xj-profit-standard", "xj", PLAN, [year("1000000", "5000000", 2023), year("1000000", "6000000")],
     "cultivation", ("任一上市标准", True, "「创新层第一套标准（净利润）」：最近两年均净利润 500 万元，"
                     "为标准（1000 万元）的 50%（≥ 50%）")),
    ("xj-profit-49.99", "xj", PLAN, [year("1000000", "4999000", 2023), year("1000000", "6000000")],
     "incubation", ("任一上市标准", False, "为标准（1000 万元）的 49.99%（＜ 50%）")),
    ("xj-rd-standard", "xj", PLAN, [year("1000000", "0", 2023, rd_expense="6000000"),
                                    year("1000000", "0", rd_expense="7000000")],
     "cultivation", ("任一上市标准", True,
                     "「创新层第三套标准（研发投入）」：最近两年合计研发投入 1300 万元")),
    ("xj-one-year-is-enough-for-a-latest-year-standard", "xj", PLAN, [year("200000000", "20000000")],
     "cultivation", ("任一上市标准", True, "达到「创业板第二套标准（净利润与营业收入）」：最近一年净利润 "
                     "2000 万元（须为正，满足），最近一年营业收入 2 亿元，为标准（4 亿元）的 50%（≥ 50%）")),
    ("xj-a-loss-fails-a-positive-profit-rule", "xj", PLAN, [year("400000000", "-1")],
     "incubation", ("任一上市标准", False, "未达到任一标准的 50%（最接近的：")),
    ("xj-two-year-standards-need-two-years", "xj", PLAN, [year("1000000", "90000000")],
     "incubation", ("任一上市标准", False, "最近两年均净利润：财务数据不足")),
    ("xj-ratio-no-listing-plan", "xj", {}, [year("1000000", "5000000", 2023), year("1000000", "6000000")],
     "incubation", ("任一上市标准", False, "无上市潜力或上市规划")),
    ("xj-ratio-not-going-concern", "xj", {**PLAN, "going_concern": False},
     [year("1000000", "5000000", 2023), year("1000000", "6000000")],
     "incubation", ("任一上市标准", False, "不具备持续经营能力")),
    ("xj-ratio-no-main-business", "xj", {**PLAN, "main_business": ""},
     [year("1000000", "5000000", 2023), year("1000000", "6000000")],
     "incubation", ("任一上市标准", False, "主营业务未填写")),
    ("xj-ratio-no-financials", "xj", PLAN, [], "incubation", ("任一上市标准", False, "无年度财务数据")),
    ("xj-ratio-latest-year-counts", "xj", PLAN, [year("120000000", "20000000", 2023), year("1000000", "0")],
     "incubation", ("任一上市标准", False, "2024 年度起：未达到任一标准的 50%")),
    ("im-entry-refused", "im", {}, [q("little_giant")], "", ("具备以下资质之一", False, "无科技型中小企业")),
    ("im-tech-sme-basic", "im", {}, [q("tech_sme")], "basic", ("尚未达到更高层级", True, "")),
    ("im-high-tech-expired", "im", {}, [q("high_tech", datetime.date(2024, 12, 31))], "",
     ("具备以下资质之一", False, "已于 2024-12-31 到期")),
    ("im-innovative-basic", "im", {}, [q("innovative_enterprise")], "basic",
     ("具备以下资质之一", True, "创新型企业")),
    ("im-premium-without-permit", "im", {}, [q("tech_sme")], "basic",
     ("须通过优选层专家评审", False, "尚未通过")),
    ("im-premium-with-permit", "im", {}, [q("tech_sme"), permit("premium", "premium")], "premium",
     ("须通过优选层专家评审", True, "reviews.case:1")),
    ("im-premium-wrong-review-kind", "im", {}, [q("tech_sme"), permit("premium", "listing_reserve")], "basic",
     ("须通过优选层专家评审", False, "尚未通过")),
    ("im-listing-with-permit", "im", {}, [q("high_tech"), permit("listing", "listing_reserve")], "listing",
     ("须通过自治区上市企业后备库专家评审", True, "已通过")),
    ("im-permit-without-entry", "im", {}, [permit("premium", "premium")], "",
     ("具备以下资质之一", False, "无")),
]


@pytest.fixture
def boards(db):
    return {name: BoardFactory(slug=f"tiers-{name}", config={"tiers": copy.deepcopy(config)})
            for name, config in SCHEMES.items()}


def _enterprise(board, fields, records):
    enterprise = EnterpriseFactory(board=board, **fields)
    for kind, values in records:
        MODELS[kind].objects.create(board=board, enterprise=enterprise, **values)
    return enterprise


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_tier_table(boards, case):
    _id, scheme, fields, records, expected, (criterion, met, reason) = case
    board = boards[scheme]
    with board_scope(board):
        suggestion = suggest_tier(_enterprise(board, fields, records), on=ON)
    assert suggestion.tier == expected, suggestion.criteria
    rows = [r for r in suggestion.criteria if criterion in r["criterion"]]
    assert rows, f"no criterion containing {criterion!r}: {[r['criterion'] for r in suggestion.criteria]}"
    assert any(r["met"] is met and reason in r["reason"] for r in rows), rows


@pytest.mark.parametrize("scheme,count", [("national", 8), ("xj", 9), ("im", 4)])
def test_every_criterion_of_every_tier_is_reported(boards, scheme, count):
    board = boards[scheme]
    with board_scope(board):
        suggestion = suggest_tier(_enterprise(board, {}, []), on=ON)
    assert len(suggestion.criteria) == count
    assert {row["tier"] for row in suggestion.criteria} >= {t["code"] for t in SCHEMES[scheme]["scheme"]}
    assert all(row["reason"] and isinstance(row["met"], bool) for row in suggestion.criteria)


def test_im_entry_needs_recognition_recorded_by_review(boards):
    board = boards["im"]
    with board_scope(board):
        enterprise = _enterprise(board, {}, [q("specialized_sme")])
        assert check_entry(enterprise)["met"] is False
        assert "创新型企业（专家评审认定）" in check_entry(enterprise)["criterion"]
        services.record_innovation_recognition(enterprise, source="reviews.case:7")
        enterprise.refresh_from_db()
        assert check_entry(enterprise)["met"] is True
        assert suggest_tier(enterprise).tier == "basic"


def test_board_without_entry_requirement_admits_everyone(boards):
    board = boards["xj"]
    with board_scope(board):
        row = check_entry(_enterprise(board, {}, []))
    assert row["met"] is True


def _scheme_with(**changes):
    config = copy.deepcopy(DEFAULT_TIERS)
    config.update(changes)
    return config


@pytest.mark.parametrize("config,message", [
    (_scheme_with(scheme=[]), "scheme 必须是非空的层级列表"),
    (_scheme_with(retier_month=13), "retier_month 必须是 1–12 的整数"),
    (_scheme_with(entry_requires_any=["nonsense"]), "entry_requires_any"),
    (_scheme_with(scheme=[{"code": "a", "name": "甲", "rank": 1, "fallback": True, "criteria": []},
                          {"code": "b", "name": "乙", "rank": 2, "fallback": True, "criteria": []}]),
     "最多只能有一个兜底层级"),
    (_scheme_with(scheme=[{"code": "a", "name": "甲", "rank": 1, "criteria": [
        {"type": "financing_round_at_least", "round": "Z"}]}]), "round 必须是"),
    (_scheme_with(scheme=[{"code": "a", "name": "甲", "rank": 1, "criteria": [
        {"type": "listing_standards", "min_pct": 0}]}]), "min_pct 必须是 0 到 100 之间的正数"),
    (_scheme_with(scheme=[{"code": "a", "name": "甲", "rank": 1, "criteria": [{"type": "magic"}]}]),
     "type 必须是"),
    (_scheme_with(scheme=[{"code": "a", "name": "甲", "rank": 1, "criteria": []}]), "无法判断"),
    (_scheme_with(listing_references={"bse": {"name": "北交所", "revenue": 1}}),
     "listing_references 已改为「上市标准」数据"),
])
def test_invalid_tier_config_is_refused_with_the_reason(db, config, message):
    with pytest.raises(ValidationError) as error:
        BoardFactory(slug="bad-tiers", config={"tiers": config})
    assert message in str(error.value)


PROFIT_ONLY = [year("1000000", "5000000", 2023), year("1000000", "6000000")]


def _cultivated(board):
    with board_scope(board):
        return suggest_tier(_enterprise(board, PLAN, PROFIT_ONLY), on=ON).tier == "cultivation"


def test_staff_keep_the_standards_a_raised_threshold_changes_the_outcome(boards):
    board = boards["xj"]
    assert _cultivated(board)
    with board_scope(board):
        standard = ListingStandard.objects.get(board=board, name="创新层第一套标准（净利润）")
        standard.indicators = [{"metric": "net_profit", "basis": "each_2y", "threshold": "12000000"}]
        standard.save()
    assert not _cultivated(Board.objects.get(pk=board.pk))  # a fresh board object reads them again


@pytest.mark.parametrize("dates", [{"retired_on": datetime.date(2025, 1, 1)},
                                   {"effective_on": datetime.date(2025, 7, 1)}])
def test_a_standard_not_in_force_on_the_day_does_not_count(boards, dates):
    board = boards["xj"]
    with board_scope(board):
        ListingStandard.objects.filter(board=board, name="创新层第一套标准（净利润）").update(**dates)
    assert not _cultivated(board)


def test_a_new_board_starts_with_every_default_standard(db):
    board = BoardFactory(slug="fresh")
    with board_scope(board):
        names = set(ListingStandard.objects.filter(board=board).values_list("name", flat=True))
    assert names == {standard["name"] for standard in DEFAULT_STANDARDS}
    assert {"北交所第二套标准（营业收入与增长）", "创新层第三套标准（研发投入）"} <= names


@pytest.mark.parametrize(("indicators", "message"), [
    ([], "至少需要一项财务指标"),
    ([{"metric": "market_value", "basis": "latest", "threshold": "1"}], "metric 必须是"),
    ([{"metric": "revenue", "basis": "ever", "threshold": "1"}], "basis 必须是"),
    ([{"metric": "revenue", "basis": "latest", "threshold": "-5"}], "threshold 必须是正数"),
])
def test_a_malformed_standard_is_refused_with_the_reason(boards, indicators, message):
    board = boards["xj"]
    standard = ListingStandard(board=board, market="bse", name="测试标准", source="测试",
                               indicators=indicators, effective_on=ON)
    with board_scope(board), pytest.raises(ValidationError, match=message):
        standard.full_clean()


def test_scheme_without_fallback_gives_no_tier(db):
    config = _scheme_with(scheme=[{"code": "only", "name": "唯一层", "rank": 1,
                                   "criteria": [{"type": "qualification", "kinds": ["high_tech"]}]}])
    board = BoardFactory(slug="no-fallback", config={"tiers": config})
    with board_scope(board):
        assert suggest_tier(_enterprise(board, {}, []), on=ON).tier == ""
        assert suggest_tier(_enterprise(board, {}, [q("high_tech")]), on=ON).tier == "only"


def test_demo_seed_populates_every_tier_and_opens_a_retier_run(db, settings, monkeypatch):
    from django.core.management import call_command
    from django.db.models import Count

    from boards.enterprises.demo.registry import seed_enterprise_registry
    from boards.enterprises.models import Enterprise, RetierProposal
    from boards.kernel import demo
    from boards.kernel.models import Board

    settings.DEBUG = True
    demo.board_seeders()  # import every app's seeders, then run only this one
    monkeypatch.setattr(demo, "_SEEDERS", [(10, seed_enterprise_registry)])
    call_command("seed_demo")
    for slug, tiers in (("xj-zjtx", {"incubation", "standard", "cultivation"}),
                        ("nmg-kcb", {"basic", "premium", "listing"})):
        board = Board.objects.get(slug=slug)
        with board_scope(board):
            seed_enterprise_registry(board, io.StringIO())  # repeatable: changes nothing
            counts = dict(Enterprise.objects.filter(status="admitted").values_list("tier")
                          .annotate(n=Count("id")).values_list("tier", "n"))
            assert set(counts) == tiers and sum(counts.values()) == 40
            assert Enterprise.objects.count() == 50
            proposals = RetierProposal.objects.filter(run__year=timezone.localdate().year)
            assert proposals.count() == 40
            moves = {(p.current_tier, p.proposed_tier) for p in proposals}
            assert any(a != b for a, b in moves)  # staff have promotions or demotions to decide
