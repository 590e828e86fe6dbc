"""Reads of the policies app. ``access_*`` and the other access helpers answer the same 404 for a
missing object, another board's, and one the caller may not see."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from boards.enterprises.models import Enterprise, Qualification, TierChange
from boards.enterprises.tiers import tier_names
from boards.kernel.access import STAFF_ROLES, require_role
from boards.kernel.models import Role
from policies import charts, config
from policies.matching import match_policies
from policies.models import (
    LIVE_AWARD_STATES,
    Award,
    Beneficiary,
    LedgerTask,
    LedgerUnit,
    Policy,
    ProgrammeTarget,
    QuarterlyReport,
    ReportEntry,
    ReportState,
    TargetActual,
    TargetKind,
)

NOT_FOUND = "未找到该页面。"
READER_ROLES = (*STAFF_ROLES, Role.REGULATOR)


def require_module(board, name):
    if name not in board.setting("modules", []):
        raise Http404("本专板未开通该功能。")


def near_margin(board):
    return board.setting("policies.near_margin_pct", config.DEFAULT["near_margin_pct"])


def staff_users(board):
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role=Role.EXCHANGE_STAFF,
        board_memberships__is_active=True).distinct())


# --- Catalogue and matching --------------------------------------------------------------------


def catalogue(board):
    return Policy.objects.filter(board=board, is_active=True).order_by("code")


def in_force(queryset, on):
    return queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)


def enterprise_policies(board, on):
    """The enterprise-facing policies in force on ``on``."""
    return in_force(catalogue(board).filter(beneficiary=Beneficiary.ENTERPRISE), on)


def guarantee_policy(board, year):
    """The guarantee-subsidy policy in force during ``year`` (the latest one), or None."""
    policies = catalogue(board).filter(beneficiary=Beneficiary.GUARANTEE_FIRM, cap__isnull=False)
    return policies.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date(year, 1, 1)),
                           valid_from__lte=dt.date(year, 12, 31)).order_by("-valid_from").first()


def enterprises_for_matching(board):
    """The board's enterprises with what matching reads prefetched."""
    return Enterprise.objects.filter(board=board).select_related("board").prefetch_related(
        Prefetch("qualifications", Qualification.objects.order_by("kind")), "financials",
        Prefetch("tier_changes", TierChange.objects.order_by("changed_at")))


def enterprise_for_matching(board, pk):
    return get_object_or_404(enterprises_for_matching(board), pk=pk)


def live_awards(enterprise, on):
    """Policy id → the enterprise's live award of this period (one-time: ever; yearly: this year)."""
    awards = Award.objects.filter(enterprise=enterprise, state__in=LIVE_AWARD_STATES).filter(
        Q(period="") | Q(period=str(on.year)))
    return {award.policy_id: award for award in awards}


def policy_matches(enterprise, on=None):
    """``(qualified, nearly)``: the PolicyMatch lists of the enterprise, today by default."""
    on = on or timezone.localdate()
    board = enterprise.board
    return match_policies(enterprise, enterprise_policies(board, on), on=on, margin_pct=near_margin(board),
                          tier_names=tier_names(board), awards=live_awards(enterprise, on))


def my_enterprise(user, board):
    """The enterprise ``user`` acts for on ``board``."""
    require_role(user, board, Role.ENTERPRISE_USER)
    enterprise = enterprises_for_matching(board).filter(users=user).order_by("pk").first()
    if enterprise is None:
        raise Http404(NOT_FOUND)
    return enterprise


def caller_enterprises(user, board, roles):
    """The enterprises the caller acts for: staff all of the board's, an enterprise user its own."""
    enterprises = enterprises_for_matching(board)
    if roles & set(STAFF_ROLES):
        return enterprises
    return enterprises.filter(users=user) if Role.ENTERPRISE_USER in roles else enterprises.none()


def awards_for(user, board, roles):
    """Awards the caller sees: staff all of the board's, an enterprise user its enterprises'."""
    awards = Award.objects.filter(board=board).select_related("policy", "enterprise")
    if roles & set(STAFF_ROLES):
        return awards
    if Role.ENTERPRISE_USER in roles:
        return awards.filter(enterprise__users=user)
    raise Http404(NOT_FOUND)


# --- Ordos programme ----------------------------------------------------------------------------


def quarter_end(year, quarter):
    return dt.date(year, 3 * quarter, 31 if quarter in (1, 4) else 30)


def last_ended_quarter(day):
    quarter = (day.month - 1) // 3
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def access_ledger_reader(user, board):
    require_module(board, "ordos_ledger")
    require_role(user, board, *READER_ROLES)


def _year_cells(target, actuals):
    """Per programme year: the actual, what is compared with the threshold, and whether it is met.
    A yearly target compares each year; a period total compares the running sum."""
    cells, running = [], Decimal(0)
    for year in range(target.first_year, target.last_year + 1):
        value = actuals.get(year)
        running += value or 0
        compared = value if target.kind == TargetKind.YEARLY_MIN else running
        cells.append({"year": year, "value": value, "compared": compared if value is not None else None,
                      "met": None if value is None else compared >= target.threshold})
    return cells


def target_table(board):
    """Every target with its actuals per programme year and whether it is met overall."""
    targets = ProgrammeTarget.objects.filter(board=board).prefetch_related(
        Prefetch("actuals", TargetActual.objects.order_by("year")))
    table = []
    for target in targets:
        cells = _year_cells(target, {a.year: a.value for a in target.actuals.all()})
        reported = [cell for cell in cells if cell["met"] is not None]
        if target.kind == TargetKind.YEARLY_MIN:
            met = bool(reported) and all(cell["met"] for cell in reported)
        else:
            met = bool(reported) and reported[-1]["met"]
        table.append({"target": target, "cells": cells, "met": met})
    return table


def report_status(report, now):
    if report.state == ReportState.SUBMITTED:
        return "late" if report.late else "on_time"
    due = report.deadline.due_at if report.deadline else None
    return "overdue" if due is not None and due < now else "pending"


REPORT_STATUS_LABELS = {"on_time": "按时报送", "late": "逾期报送", "overdue": "逾期未报", "pending": "待报送"}


def quarterly_reports(board):
    return QuarterlyReport.objects.filter(board=board).select_related("unit", "deadline", "submitted_by")


def punctuality(board, now):
    """``[(year, quarter, Counter(status → reports))]`` oldest first."""
    counts = {}
    for report in quarterly_reports(board):
        counts.setdefault((report.year, report.quarter), Counter())[report_status(report, now)] += 1
    return [(year, quarter, counts[year, quarter]) for year, quarter in sorted(counts)]


def overdue_reports(board, now):
    return list(quarterly_reports(board).filter(state=ReportState.OPEN, deadline__due_at__lt=now)
                .order_by("deadline__due_at", "unit__name"))


def ledger_rows(board, year, quarter):
    """The consolidated ledger of a quarter: per task its columns, with each lead unit's
    progress, problems and plan (a unit that has not reported is named as such)."""
    entries = {}
    for entry in ReportEntry.objects.filter(board=board, report__year=year, report__quarter=quarter) \
            .select_related("report__unit"):
        entries[entry.task_id, entry.report.unit_id] = entry
    rows = []
    for task in LedgerTask.objects.filter(board=board).prefetch_related("lead_units"):
        columns = {"progress": [], "problems": [], "next_steps": []}
        for unit in task.lead_units.all():
            entry = entries.get((task.pk, unit.pk))
            submitted = entry is not None and entry.report.state == ReportState.SUBMITTED
            for key in columns:
                text = getattr(entry, key) if submitted else "未报送"
                columns[key].append(f"{unit.name}：{text or '无'}")
        rows.append({"number": task.number, "area": task.area, "title": task.title, "measure": task.measure,
                     "lead_units": "、".join(u.name for u in task.lead_units.all()),
                     "cooperating_units": "、".join(task.cooperating_units), "deadline": task.deadline_text,
                     **{key: "\n".join(lines) for key, lines in columns.items()}})
    return rows


def unit_reports(user, board):
    """The reports of the ledger units ``user`` is the contact of (404 for anyone else)."""
    require_module(board, "ordos_ledger")
    if not LedgerUnit.objects.filter(board=board, contact=user).exists():
        raise Http404(NOT_FOUND)
    return quarterly_reports(board).filter(unit__contact=user)


def access_unit_report(user, board, pk):
    report = get_object_or_404(unit_reports(user, board), pk=pk)
    entries = list(report.entries.select_related("task").order_by("task__number"))
    return report, entries


def _with_chart(row):
    target = row["target"]
    chart = charts.target_chart(target.code, target.title, row["cells"], target.threshold, target.unit)
    return {**row, "chart": chart}


def dashboard(board, now):
    """Everything the programme dashboard shows: targets with their charts, reporting
    punctuality per quarter with its chart, the overdue reports and the task ledger."""
    rows = punctuality(board, now)
    return {
        "targets": [_with_chart(row) for row in target_table(board)],
        "punctuality": [(year, quarter, [(REPORT_STATUS_LABELS[s], counts[s]) for s in REPORT_STATUS_LABELS])
                        for year, quarter, counts in rows],
        "punctuality_chart": charts.punctuality_chart(rows, REPORT_STATUS_LABELS),
        "overdue": overdue_reports(board, now),
        "tasks": LedgerTask.objects.filter(board=board).prefetch_related("lead_units"),
        "quarter": last_ended_quarter(timezone.localdate(now)),
        "report_workdays": board.setting("policies.report_workdays", config.DEFAULT["report_workdays"]),
    }
