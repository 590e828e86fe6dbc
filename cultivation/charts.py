"""Server-drawn SVG bar charts (no JavaScript, no CDN), drawn by templates/cultivation/_chart.html:
a chart is a dict of key, title, size, the base line and its bars (x, y, width, height, fill, text)
and axis labels."""

from decimal import Decimal
from typing import Any

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 16, 16, 28, 40
BASE = HEIGHT - BOTTOM
FILL, EMPTY = "#12355b", "#9aa5b1"


def bar_chart(key: str, title: str, items: list[tuple[str, Decimal | int, str]], width: int = WIDTH) -> dict:
    """One bar per ``(label, value, text)``, scaled to the tallest value."""
    tallest = max([Decimal(value) for _, value, _ in items] or [Decimal(0)])
    top = max(tallest, Decimal(1)) * Decimal("1.2")
    slot = (width - LEFT - RIGHT) / max(len(items), 1)
    bars: list[dict[str, Any]] = []
    axis: list[dict[str, Any]] = []
    chart = {"key": key, "title": title, "width": width, "height": HEIGHT, "base": BASE, "left": LEFT,
             "right": width - RIGHT, "axis_y": BASE + 14, "bars": bars, "axis": axis}
    for i, (label, value, text) in enumerate(items):
        height = max(float(Decimal(value) * (BASE - TOP) / top), 2)
        bars.append({"x": LEFT + (i + 0.2) * slot, "y": BASE - height, "width": slot * 0.6,
                              "height": height, "text_y": BASE - height - 4, "text": text,
                              "fill": FILL if value else EMPTY})
        axis.append({"label": label, "x": LEFT + (i + 0.5) * slot})
    return chart


def stage_chart(stages: list[dict]) -> dict:
    return bar_chart("stages", "各培育阶段企业数",
                     [(row["label"], row["count"], f"{row['count']}家") for row in stages])
