"""The CSRC/MIIT tracking evaluation (跟踪评价), per board and quarter.

证监办函〔2022〕840号 (二十三)「证监会、工业和信息化部联合对专板建设情况……进行跟踪评价。评价内容包括但不限于为
企业提供的基础服务情况、企业数据库建设情况、服务企业满意度情况、为企业实现融资情况、培育上市（挂牌）公司情况等。」

The five indicators, each computed from the platform's own data for the period:
- 基础服务: services and visits recorded, and the share of the board's enterprises they reached;
- 企业数据库: completeness of the enterprise database, the average share of COMPLETENESS items filled
  per enterprise on the board at the period's end (basic data, a financial year, a qualification);
- 满意度: the average score of the satisfaction surveys answered in the period, as a percentage of 5,
  with the response rate of the surveys sent in it;
- 融资: financing achieved (amount and count);
- 上市培育: paths reaching 辅导备案, 申报 and 上市 in the period, and the paths in cultivation.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q

from boards.enterprises.models import Enterprise, EnterpriseStatus, FinancialYear, Qualification
from cultivation import charts
from cultivation.figures import board_figures
from cultivation.models import SatisfactionSurvey, SurveyState

COMPLETENESS = {"credit_code": "统一社会信用代码", "prefecture": "所在地州市", "industry": "所属行业",
                "founded_on": "成立日期", "registered_capital": "注册资本",
                "legal_representative": "法定代表人",
                "contact_name": "联系人", "contact_phone": "联系电话", "main_business": "主营业务",
                "has_financials": "年度财务数据", "has_qualifications": "资质"}
TENTH = Decimal("0.1")


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def completeness(board, on: dt.date) -> dict:
    """The database's completeness over the enterprises on the board at ``on``."""
    rows = list(Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED)
                .filter(Q(admitted_on__isnull=True) | Q(admitted_on__lte=on))
                .annotate(has_financials=Exists(FinancialYear.objects.filter(enterprise=OuterRef("pk"))),
                          has_qualifications=Exists(Qualification.objects.filter(enterprise=OuterRef("pk"))))
                .values(*COMPLETENESS))
    filled = sum(sum(1 for name in COMPLETENESS if row[name] not in (None, "", False)) for row in rows)
    return {"enterprises": len(rows), "pct": _pct(filled, len(rows) * len(COMPLETENESS))}


def satisfaction(board, start: dt.date, end: dt.date) -> dict:
    surveys = SatisfactionSurvey.objects.filter(board=board)
    answered = surveys.filter(state=SurveyState.ANSWERED, answered_at__date__range=(start, end)) \
        .aggregate(n=Count("pk"), avg=Avg("score"))
    sent = surveys.filter(delivered_on__range=(start, end)).aggregate(
        n=Count("pk"), answered=Count("pk", filter=Q(state=SurveyState.ANSWERED)))
    average = Decimal(str(answered["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) \
        if answered["avg"] is not None else None
    return {"answered": answered["n"], "average": average,
            "pct": _pct(average, 5) if average is not None else None,
            "sent": sent["n"], "response_pct": _pct(sent["answered"], sent["n"])}


def indicators(board, start: dt.date, end: dt.date, today: dt.date) -> dict:
    figures = board_figures(board, start, end, today)
    services = figures["services"]
    listings = figures["listings"] or {"rows": [], "total": 0}
    reached = {row["stage"]: row["reached"] for row in listings["rows"]}
    return {
        "start": start, "end": end,
        "basic": {"count": services["visits"] + services["services"], "enterprises": services["enterprises"],
                  "coverage_pct": _pct(services["enterprises"], figures["tiers"]["total"])},
        "database": completeness(board, end),
        "satisfaction": satisfaction(board, start, end),
        "financing": {"amount": figures["financing"]["total"],
                      "text": figures["financing"]["total_text"],
                      "count": sum(figures["financing"][kind]["count"] for kind in ("equity", "debt"))},
        "listings": {"tutoring": reached.get("tutoring", 0), "filed": reached.get("filed", 0),
                     "listed": reached.get("listed", 0), "total": listings["total"]},
    }


def quarters(year: int) -> list[tuple[str, dt.date, dt.date]]:
    ends = [dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31)]
    return [(f"{year}Q{i + 1}", dt.date(year, 3 * i + 1, 1), end) for i, end in enumerate(ends)]


def year_evaluation(board, year: int, today: dt.date) -> dict:
    """The year's quarters (a quarter not yet begun is left out) and the charts of each indicator."""
    periods = [(label, indicators(board, start, min(end, today), today))
               for label, start, end in quarters(year) if start <= today]
    labels = [label for label, _ in periods]

    def chart(key, title, value, text):
        return charts.bar_chart(key, title, [(label, value(row) or 0, text(row)) for label, row in periods],
                                width=360)  # two or three a row

    return {"periods": periods, "labels": labels, "charts": [
        chart("basic", "基础服务：服务企业覆盖率（%）", lambda r: r["basic"]["coverage_pct"],
              lambda r: f"{r['basic']['coverage_pct'] or 0}%"),
        chart("database", "企业数据库完整度（%）", lambda r: r["database"]["pct"],
              lambda r: f"{r['database']['pct'] or 0}%"),
        chart("satisfaction", "服务企业满意度（%）", lambda r: r["satisfaction"]["pct"],
              lambda r: f"{r['satisfaction']['pct']}%" if r["satisfaction"]["pct"] is not None else "无评价"),
        chart("financing", "实现融资（万元）", lambda r: r["financing"]["amount"] / 10000,
              lambda r: f"{(r['financing']['amount'] / 10000).quantize(TENTH)}"),
        chart("listings", "培育上市：辅导备案、申报、上市（家次）",
              lambda r: r["listings"]["tutoring"] + r["listings"]["filed"] + r["listings"]["listed"],
              lambda r: f"{r['listings']['tutoring']}/{r['listings']['filed']}/{r['listings']['listed']}"),
    ]}
