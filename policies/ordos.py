"""Writes of the Ordos programme (鄂金办发〔2022〕53号): the task ledger, yearly actuals of the
targets, each lead unit's quarterly report and the consolidated filing. Functions run in the
caller's board scope, in one transaction, and write the evidence entry.

Invariants: a lead unit has one report per quarter, with one entry per task it leads, and one
working-day deadline ending ``policies.report_workdays`` working days after the quarter's last
day (boards.calendar); a report is submitted once, with every task's progress and plan, and is
marked late when submitted after its deadline.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.calendar import END_OF_DAY, SHANGHAI
from boards.kernel.deadlines import meet_deadline, open_deadline
from boards.kernel.errors import DomainError
from boards.kernel.filings import create_filing
from boards.kernel.models import DayBasis, DeadlineState
from boards.kernel.workflow import fire
from policies import config, selectors
from policies.actions import PolicyAction
from policies.models import LedgerTask, LedgerUnit, QuarterlyReport, ReportEntry, TargetActual

LEDGER_FILE = Path(__file__).resolve().parent / "data" / "ordos_tasks.json"
REPORT_FIELDS = ("progress", "problems", "next_steps")


@transaction.atomic
def load_ledger(board):
    """The 14 tasks of the seed's ledger with their lead units (idempotent on task number and
    unit name; evidenced when tasks are first loaded). Returns the tasks."""
    data = json.loads(LEDGER_FILE.read_text(encoding="utf-8"))
    tasks, created = [], False
    for row in data["tasks"]:
        task, new = LedgerTask.objects.update_or_create(board=board, number=row["number"], defaults={
            "area": row["area"], "title": row["title"], "measure": row["measure"],
            "cooperating_units": row["cooperating_units"], "deadline_text": row["deadline_text"],
            "deadline": dt.date.fromisoformat(row["deadline"]) if row["deadline"] else None,
            "source_note": row["source_note"]})
        task.lead_units.set([LedgerUnit.objects.get_or_create(board=board, name=name)[0]
                             for name in row["lead_units"]])
        tasks.append(task)
        created |= new
    if created:
        evidence.record(board, PolicyAction.LEDGER_LOADED,
                        payload={"source": data["source"], "tasks": len(tasks)})
    return tasks


@transaction.atomic
def record_target_actual(target, *, year, value, note="", actor):
    if not target.first_year <= year <= target.last_year:
        raise DomainError(f"「{target}」的考核年度为 {target.first_year}—{target.last_year} 年。",
                          code="invalid_year")
    if value < 0:
        raise DomainError("完成值不能为负数。", code="invalid_value")
    actual, _ = TargetActual.objects.update_or_create(
        board=target.board, target=target, year=year,
        defaults={"value": value, "note": note, "recorded_by": actor})
    evidence.record(target.board, PolicyAction.TARGET_ACTUAL_RECORDED, actor=actor, subject=actual,
                    payload={"target": target.code, "year": year, "value": Decimal(value), "note": note})
    return actual


@transaction.atomic
def open_quarter_reports(board, year, quarter):
    """Open every lead unit's report of the quarter with its deadline (idempotent). Returns the
    reports opened now: none for a quarter after the programme's last year (``ledger_last_year``)."""
    last_year = board.setting("policies.ledger_last_year", config.DEFAULT["ledger_last_year"])
    if last_year is not None and year > last_year:
        return []
    starts_at = dt.datetime.combine(selectors.quarter_end(year, quarter), END_OF_DAY, tzinfo=SHANGHAI)
    workdays = board.setting("policies.report_workdays", config.DEFAULT["report_workdays"])
    opened = []
    for unit in LedgerUnit.objects.filter(board=board, tasks__isnull=False).distinct() \
            .select_related("contact").prefetch_related("tasks"):
        report, created = QuarterlyReport.objects.get_or_create(board=board, unit=unit, year=year,
                                                                quarter=quarter)
        if not created:
            continue
        ReportEntry.objects.bulk_create([ReportEntry(board=board, report=report, task=task)
                                         for task in unit.tasks.all()])
        report.deadline = open_deadline(
            board, report, "policies.ledger_report", f"{unit.name}{year}年第{quarter}季度重点任务台账报送",
            workdays, DayBasis.WORKING, starts_at=starts_at, assignee=unit.contact,
            url=reverse("policies-ledger-report", kwargs={"board": board.slug, "pk": report.pk}))
        report.save(update_fields=["deadline"])
        evidence.record(board, PolicyAction.LEDGER_REPORT_OPENED, subject=report, payload={
            "unit": unit.name, "year": year, "quarter": quarter, "due_at": report.deadline.due_at})
        opened.append(report)
    return opened


@transaction.atomic
def submit_quarterly_report(report, *, actor, entries, at=None):
    """Submit a lead unit's report: ``entries`` maps task number to its progress, problems and
    next steps; progress and next steps are required for every task. ``at`` is the submission
    time (now by default); after the deadline the report counts as late."""
    report = QuarterlyReport.objects.select_for_update(of=("self",)).select_related("board", "deadline") \
        .get(pk=report.pk)
    rows = list(report.entries.select_related("task").order_by("task__number"))
    missing = [row.task.number for row in rows
               if not all(str(entries.get(row.task.number, {}).get(key, "")).strip()
                          for key in ("progress", "next_steps"))]
    if missing:
        raise DomainError(f"请填写第 {'、'.join(map(str, missing))} 项任务的进展情况和下一步工作计划。",
                          code="incomplete_report", details={"tasks": missing})
    at = at or timezone.now()
    late = report.deadline is not None and at > report.deadline.due_at
    fire(report, "submit", at, late)
    report.submitted_by = actor
    report.save()
    for row in rows:
        for key in REPORT_FIELDS:
            setattr(row, key, str(entries[row.task.number].get(key, "")).strip())
    ReportEntry.objects.bulk_update(rows, REPORT_FIELDS)
    if report.deadline is not None and report.deadline.state in (DeadlineState.OPEN, DeadlineState.PAUSED):
        meet_deadline(report.deadline, at=at)
    evidence.record(report.board, PolicyAction.LEDGER_REPORT_SUBMITTED, actor=actor, subject=report, payload={
        "late": late, "entries": {str(row.task.number): {key: getattr(row, key) for key in REPORT_FIELDS}
                                  for row in rows}})
    return report


@transaction.atomic
def file_ledger(board, *, year, quarter, actor):
    """File the consolidated ledger of the quarter with the board's ``policies.ledger_addressee``."""
    now = timezone.now()
    statuses = {report.unit.name: selectors.REPORT_STATUS_LABELS[selectors.report_status(report, now)]
                for report in selectors.quarterly_reports(board).filter(year=year, quarter=quarter)}
    if not statuses:
        raise DomainError(f"{year}年第{quarter}季度尚未开启台账报送，无可报送内容。", code="nothing_to_file")
    targets = [{"title": row["target"].title, "threshold": f"{row['target'].get_kind_display()} "
                f"{row['target'].threshold.normalize():f}{row['target'].unit}",
                "cells": [{"year": c["year"], "value": c["value"]} for c in row["cells"]],
                "met": "已达到" if row["met"] else "未达到"} for row in selectors.target_table(board)]
    context = {"year": year, "quarter": quarter, "rows": selectors.ledger_rows(board, year, quarter),
               "units": sorted(statuses.items()), "targets": targets,
               "years": [c["year"] for c in targets[0]["cells"]] if targets else []}
    addressee = board.setting("policies.ledger_addressee", config.DEFAULT["ledger_addressee"])
    return create_filing(board, kind="policies.ordos_ledger", actor=actor, addressee=addressee,
                         subject=f"重点任务台账（{year}年第{quarter}季度）",
                         template_name="policies/filings/ordos_ledger.html", context=context)
