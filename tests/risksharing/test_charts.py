"""Server-rendered SVG charts: bars scale to the largest value, texts are escaped, flags marked."""

import re

from risksharing.charts import BAR_AREA, bar_chart
from tests.support.risksharing import D


def test_bars_scale_to_the_peak_and_texts_are_escaped():
    svg = str(bar_chart("按资金方（元）", ["合同金额", "在贷余额"], [
        ("<script>alert(1)</script>", [D("2000000.00"), D("500000.00")], False),
        ("内蒙古银行", [D("1000000.00"), None], True),
    ]))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    bars = re.findall(r'<rect x="220" y="(\d+)" width="(\d+)"', svg)
    widths = [int(w) for y, w in bars if y != "4"]  # y=4: the legend
    assert widths == [BAR_AREA, BAR_AREA // 4, BAR_AREA // 2]  # None draws no bar
    assert "2,000,000.00" in svg and "⚠ 内蒙古银行" in svg and 'fill="#b42318"' in svg


def test_an_empty_chart_says_so():
    assert "暂无数据" in str(bar_chart("空", ["余额"], []))
