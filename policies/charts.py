"""Server-drawn SVG charts (no JavaScript, no CDN): the geometry is computed here and drawn by
templates/policies/_chart.html. A chart is a dict: key, title, width, height, the plot's
``base``/``left``/``right``, ``bars`` (x, y, width, height, fill, text), ``axis`` labels, and
optionally a ``threshold`` line and a ``legend``."""

from decimal import Decimal

WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 16, 16, 28, 40
BASE = HEIGHT - BOTTOM
MET, MISSED, EMPTY = "#2e7d32", "#c62828", "#9aa5b1"
STATUS_COLOURS = {"on_time": "#2e7d32", "late": "#ef6c00", "overdue": "#c62828", "pending": "#9aa5b1"}


def _number(value):
    return f"{Decimal(value).normalize():f}"


def _chart(key, title, labels, tallest):
    """The frame: slots per label and a scale that leaves room above the tallest value."""
    top = max(Decimal(tallest), Decimal(1)) * Decimal("1.2")
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    chart = {"key": key, "title": title, "width": WIDTH, "height": HEIGHT, "base": BASE, "left": LEFT,
             "right": WIDTH - RIGHT, "axis_y": BASE + 14, "legend_y": HEIGHT - 14, "bars": [], "legend": [],
             "threshold": None,
             "axis": [{"label": label, "x": LEFT + (i + 0.5) * slot} for i, label in enumerate(labels)]}
    return chart, slot, lambda value: float(Decimal(value) * (BASE - TOP) / top)


def target_chart(key, title, cells, threshold, unit):
    """Per programme year, the compared value (a period target's running total) against the
    threshold line: green met, red not met, a grey stub where no actual is in yet."""
    values = [cell["compared"] for cell in cells if cell["compared"] is not None]
    labels = [str(cell["year"]) for cell in cells]
    chart, slot, height_of = _chart(key, title, labels, max([threshold, *values]))
    for i, cell in enumerate(cells):
        value = cell["compared"]
        height = height_of(value) if value is not None else 2
        chart["bars"].append({
            "x": LEFT + (i + 0.2) * slot, "y": BASE - height, "width": slot * 0.6, "height": height,
            "text_y": BASE - height - 4, "fill": EMPTY if value is None else (MET if cell["met"] else MISSED),
            "text": "未填报" if value is None else f"{_number(value)}{unit}"})
    # The label sits in the top corner, clear of the bars' own labels.
    chart["threshold"] = {"y": BASE - height_of(threshold), "text_y": 14,
                          "text": f"目标 {_number(threshold)}{unit}（虚线）"}
    return chart


def punctuality_chart(rows, labels):
    """Stacked bars per quarter of ``rows`` ([(year, quarter, Counter)]): reports on time, late,
    overdue and pending."""
    chart, slot, height_of = _chart("punctuality", "季度台账报送及时情况",
                                    [f"{year}Q{quarter}" for year, quarter, _ in rows],
                                    max([sum(counts.values()) for _, _, counts in rows] or [1]))
    for i, (_, _, counts) in enumerate(rows):
        top = BASE
        for status, colour in STATUS_COLOURS.items():
            if counts[status]:
                height = height_of(counts[status])
                top -= height
                chart["bars"].append({"x": LEFT + (i + 0.2) * slot, "y": top, "width": slot * 0.6,
                                      "height": height, "fill": colour,
                                      "text": f"{labels[status]} {counts[status]}"})
    chart["legend"] = [{"label": labels[status], "fill": colour, "x": LEFT + i * 100}
                       for i, (status, colour) in enumerate(STATUS_COLOURS.items())]
    return chart
