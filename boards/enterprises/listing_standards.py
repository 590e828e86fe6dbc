"""The listing standards the 培育层 financial test measures against, and their evaluation.

Seed (证监办函〔2022〕840号 三(五)3): 培育层 enterprises have 营业收入、净利润等财务指标达到上海、深圳、
北京证券交易所或全国股转系统创新层相应指标 50% 以上. Each market publishes several alternative
standards; an enterprise qualifies on reaching the share of every financial indicator of **any
one** of them (DOMAIN: "reaching 50 % of the indicators of any one standard qualifies").

An indicator is ``{"metric": …, "basis": …, "threshold": "<yuan or percent>"}``, or
``{"metric": …, "basis": …, "positive": true}`` for a rule that the figure be positive:
- metric: ``revenue``, ``net_profit``, ``rd_expense`` (yuan), ``revenue_growth`` (percent, latest
  year over the one before), ``rd_ratio`` (percent of revenue, over the basis's years);
- basis: ``latest`` (the latest year), ``each_2y`` (each of the latest two years), ``average_2y``,
  ``sum_2y`` (the latest two years averaged or summed). Growth and R&D ratio use two years.
Market value, ROE, cash flow and share capital are named in each standard's source but not
measured: an unlisted company has no market value on file.
"""

import datetime

from boards.kernel.config import read_decimal

METRICS = {"revenue": "营业收入", "net_profit": "净利润", "rd_expense": "研发投入",
           "revenue_growth": "营业收入增长率", "rd_ratio": "研发投入占营业收入比例"}
PERCENT_METRICS = ("revenue_growth", "rd_ratio")
BASES = {"latest": "最近一年", "each_2y": "最近两年均", "average_2y": "最近两年平均",
         "sum_2y": "最近两年合计"}


def _i(metric, basis, threshold):
    return {"metric": metric, "basis": basis, "threshold": threshold}


BSE_RULE = "《北京证券交易所股票上市规则（试行）》第2.1.3条"
NEEQ_RULE = "《全国中小企业股份转让系统分层管理办法》（2022年修订）第十一条"
BSE_SINCE = datetime.date(2021, 11, 15)
NEEQ_SINCE = datetime.date(2022, 3, 4)
RULES_2024 = datetime.date(2024, 4, 30)
STAR_RULE = "《上海证券交易所科创板股票上市规则》（2024年4月修订）第2.1.2条"
CHINEXT_RULE = "《深圳证券交易所创业板股票上市规则》（2024年修订）第2.1.2条"

DEFAULT_STANDARDS = [
    {"market": "bse", "name": "北交所第一套标准（净利润）", "effective_on": BSE_SINCE,
     "source": f"{BSE_RULE}第（一）项：预计市值不低于2亿元，最近两年净利润均不低于1500万元且加权平均净资产"
               "收益率平均不低于8%",
     "indicators": [_i("net_profit", "each_2y", "15000000")]},
    {"market": "bse", "name": "北交所第二套标准（营业收入与增长）", "effective_on": BSE_SINCE,
     "source": f"{BSE_RULE}第（二）项：预计市值不低于4亿元，最近两年营业收入平均不低于1亿元，且最近一年营业"
               "收入增长率不低于30%，最近一年经营活动产生的现金流量净额为正",
     "indicators": [_i("revenue", "average_2y", "100000000"), _i("revenue_growth", "latest", "30")]},
    {"market": "bse", "name": "北交所第三套标准（营业收入与研发）", "effective_on": BSE_SINCE,
     "source": f"{BSE_RULE}第（三）项：预计市值不低于8亿元，最近一年营业收入不低于2亿元，最近两年研发投入"
               "合计占最近两年营业收入合计比例不低于8%",
     "indicators": [_i("revenue", "latest", "200000000"), _i("rd_ratio", "sum_2y", "8")]},
    {"market": "bse", "name": "北交所第四套标准（研发投入）", "effective_on": BSE_SINCE,
     "source": f"{BSE_RULE}第（四）项：预计市值不低于15亿元，最近两年研发投入合计不低于5000万元",
     "indicators": [_i("rd_expense", "sum_2y", "50000000")]},
    {"market": "neeq_innovation", "name": "创新层第一套标准（净利润）", "effective_on": NEEQ_SINCE,
     "source": f"{NEEQ_RULE}第（一）项：最近两年净利润均不低于1000万元，最近两年加权平均净资产收益率平均"
               "不低于6%，股本总额不少于2000万元",
     "indicators": [_i("net_profit", "each_2y", "10000000")]},
    {"market": "neeq_innovation", "name": "创新层第二套标准（营业收入与增长）",
     "effective_on": NEEQ_SINCE,
     "source": f"{NEEQ_RULE}第（二）项：最近两年营业收入平均不低于8000万元，且持续增长，年均复合增长率不低于"
               "30%，股本总额不少于2000万元",
     "indicators": [_i("revenue", "average_2y", "80000000"), _i("revenue_growth", "latest", "30")]},
    {"market": "neeq_innovation", "name": "创新层第三套标准（研发投入）", "effective_on": NEEQ_SINCE,
     "source": f"{NEEQ_RULE}第（三）项：最近两年研发投入累计不低于2500万元，股票交易市值不低于3亿元",
     "indicators": [_i("rd_expense", "sum_2y", "25000000")]},
    {"market": "sse_star", "name": "科创板第一套标准（净利润或营业收入）", "effective_on": RULES_2024,
     "source": f"{STAR_RULE}第（一）项：预计市值不低于10亿元，最近两年净利润均为正且累计净利润不低于5000万元"
               "（此处按累计净利润计），或者预计市值不低于10亿元，最近一年净利润为正且营业收入不低于1亿元",
     "indicators": [_i("net_profit", "sum_2y", "50000000")]},
    {"market": "szse_chinext", "name": "创业板第二套标准（净利润与营业收入）",
     "effective_on": RULES_2024,
     "source": f"{CHINEXT_RULE}第（二）项：预计市值不低于15亿元，最近一年净利润为正且营业收入不低于4亿元",
     "indicators": [{"metric": "net_profit", "basis": "latest", "positive": True},
                    _i("revenue", "latest", "400000000")]},
]


def indicator_errors(indicators):
    """What is wrong with a standard's ``indicators``, in Chinese (empty when nothing is)."""
    if not isinstance(indicators, list) or not indicators:
        return ["至少需要一项财务指标，格式为 [{\"metric\": …, \"basis\": …, \"threshold\": …}]"]
    errors = []
    for n, indicator in enumerate(indicators, 1):
        if not isinstance(indicator, dict):
            errors.append(f"第 {n} 项指标必须是对象")
            continue
        if indicator.get("metric") not in METRICS:
            errors.append(f"第 {n} 项指标的 metric 必须是 {'、'.join(METRICS)} 之一")
        if indicator.get("basis") not in BASES:
            errors.append(f"第 {n} 项指标的 basis 必须是 {'、'.join(BASES)} 之一")
        if indicator.get("positive") is True:
            continue  # "为正": no threshold
        threshold = read_decimal(indicator.get("threshold"))
        if threshold is None or threshold <= 0:
            errors.append(f"第 {n} 项指标的 threshold 必须是正数（金额为元，比例为百分数）")
    return errors


def seed_standards(board):
    """Give ``board`` the default standards it does not have yet (by name)."""
    from boards.enterprises.models import ListingStandard

    have = set(ListingStandard.objects.filter(board=board).values_list("name", flat=True))
    ListingStandard.objects.bulk_create([ListingStandard(board=board, **standard)
                                         for standard in DEFAULT_STANDARDS if standard["name"] not in have])


def _years(enterprise, on):
    """The enterprise's financial years up to ``on``'s year, latest first."""
    return sorted((f for f in enterprise.financials.all() if f.year <= on.year), key=lambda f: -f.year)


def measure(indicator, years):
    """(value, label) of ``indicator`` over ``years`` (latest first); value None when the years
    on file do not allow it."""
    metric, basis = indicator["metric"], indicator["basis"]
    label = f"{BASES[basis]}{METRICS[metric]}"
    needed = 1 if basis == "latest" and metric != "revenue_growth" else 2
    if len(years) < needed:
        return None, label
    latest, window = years[0], years[:needed]
    if metric == "revenue_growth":
        before = years[1].revenue
        return ((latest.revenue - before) * 100 / before if before > 0 else None), label
    if metric == "rd_ratio":
        revenue = sum(y.revenue for y in window)
        return (sum(y.rd_expense for y in window) * 100 / revenue if revenue > 0 else None), label
    values = [getattr(y, metric) for y in window]
    if basis == "each_2y":
        return min(values), label
    if basis == "average_2y":
        return sum(values) / 2, label
    return sum(values), label
