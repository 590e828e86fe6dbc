"""Server-rendered SVG bar charts (no script, no CDN): horizontal bars, one group per row and
one bar per series, each labelled with its value. Every text is escaped."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

LABEL_WIDTH, BAR_AREA, VALUE_WIDTH = 220, 360, 110
BAR_HEIGHT, GAP, LEGEND = 14, 10, 26
COLORS = ("#2f6db5", "#e08a2c", "#3a9a5b")
FLAG_COLOR = "#b42318"


def bar_chart(title, series, rows, unit=""):
    """``series``: names of the bars in each group; ``rows``: (label, [value per series], flagged)
    with Decimal or None values (None draws no bar). Returns safe SVG markup."""
    peak = max((v for _, values, _ in rows for v in values if v is not None), default=Decimal(0))
    group = BAR_HEIGHT * len(series) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = LEGEND + group * max(len(rows), 1)
    parts = [format_html('<title>{}</title>', title)]
    parts += [format_html('<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                          '<text x="{}" y="15" font-size="12">{}</text>',
                          LABEL_WIDTH + i * 140, COLORS[i % len(COLORS)], LABEL_WIDTH + i * 140 + 16, name)
              for i, name in enumerate(series)]
    if not rows:
        parts.append(format_html('<text x="{}" y="{}" font-size="12" fill="#666">暂无数据</text>',
                                 LABEL_WIDTH, LEGEND + 14))
    for row, (label, values, flagged) in enumerate(rows):
        top = LEGEND + row * group
        parts.append(format_html(
            '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">{}{}</text>',
            LABEL_WIDTH - 8, top + BAR_HEIGHT * len(series) / 2 + 4, FLAG_COLOR if flagged else "#222",
            "⚠ " if flagged else "", label))
        for i, value in enumerate(values):
            if value is None:
                continue
            length = int(BAR_AREA * value / peak) if peak else 0
            y = top + i * BAR_HEIGHT
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" font-size="11">{}{}</text>',
                LABEL_WIDTH, y, max(length, 1), BAR_HEIGHT - 2, COLORS[i % len(COLORS)],
                LABEL_WIDTH + length + 4, y + BAR_HEIGHT - 4, f"{value:,}", unit))
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" font-family="sans-serif">{}</svg>', title, width, height, width, height,
        body)
