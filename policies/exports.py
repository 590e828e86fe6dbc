"""The consolidated Ordos ledger as an XLSX workbook (openpyxl): the ledger of one quarter in the
seed's columns, the targets with their yearly actuals, and who reported when."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from boards.kernel.exports import neutralise_rows
from policies import selectors

LEDGER_COLUMNS = [("number", "序号", 6), ("area", "重点任务", 18), ("measure", "工作措施", 50),
                  ("lead_units", "牵头单位", 20), ("cooperating_units", "配合单位", 24),
                  ("deadline", "完成时限", 24), ("progress", "进展情况", 36), ("problems", "存在问题", 30),
                  ("next_steps", "下一步工作计划", 36)]
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _sheet(workbook, title, headers, widths, rows):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in neutralise_rows(rows):
        sheet.append(row)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    return sheet


def ledger_workbook(board, year, quarter):
    """The workbook as bytes."""
    now = timezone.now()
    workbook = Workbook()
    workbook.remove(workbook.active)
    ledger = selectors.ledger_rows(board, year, quarter)
    _sheet(workbook, f"重点任务台账{year}Q{quarter}", [label for _, label, _ in LEDGER_COLUMNS],
           [width for _, _, width in LEDGER_COLUMNS],
           [[row[key] for key, _, _ in LEDGER_COLUMNS] for row in ledger])
    table = selectors.target_table(board)
    years = [cell["year"] for cell in table[0]["cells"]] if table else []
    _sheet(workbook, "目标完成情况", ["目标", "考核方式", "目标值", "单位", *[f"{y}年" for y in years],
                                  "是否达到"], [40, 14, 10, 8, *[10] * len(years), 10],
           [[row["target"].title, row["target"].get_kind_display(), row["target"].threshold,
             row["target"].unit, *[cell["value"] for cell in row["cells"]],
             "已达到" if row["met"] else "未达到"] for row in table])
    reports = selectors.quarterly_reports(board).order_by("year", "quarter", "unit__name")
    _sheet(workbook, "报送情况", ["年度", "季度", "牵头单位", "截止时间", "报送时间", "状态"],
           [8, 6, 26, 18, 18, 12],
           [[r.year, r.quarter, r.unit.name,
             timezone.localtime(r.deadline.due_at).strftime("%Y-%m-%d %H:%M") if r.deadline else "",
             timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
             selectors.REPORT_STATUS_LABELS[selectors.report_status(r, now)]] for r in reports])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
