"""Fair panel draw: a seeded random draw among the experts free of conflicts.

Invariants:
- ``pick`` depends only on its arguments: the same seed over the same candidate list (sorted by
  expert id), field mix and kept members gives the same panel, so every PanelDraw can be replayed;
- the field mix is met by the kept members plus the drawn ones, or the draw fails naming why;
- an expert is excluded, with every reason recorded, when their current institution or one they
  worked for within the configured window is linked to the enterprise (invests in, lends to,
  serves it, filed its application, holds its shares, opened the review), when they declared a
  conflict with the enterprise or such an institution, when they are an account of the
  enterprise, or when they are unavailable during the review period.

Other apps add links to the enterprise (e.g. guarantees) with ``@link_source``.
"""

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from boards.enterprises.models import Application, FinancingEvent, FinancingKind, ServiceRecord, Shareholding
from boards.kernel.errors import DomainError
from boards.kernel.models import Institution
from reviews.models import Expert, ExpertField

_LINK_SOURCES = []


def link_source(fn):
    """Register ``fn(enterprise) -> iterable of (institution_id, reason)``."""
    _LINK_SOURCES.append(fn)
    return fn


@link_source
def _financing(enterprise):
    for event in FinancingEvent.objects.filter(enterprise=enterprise).exclude(investor=None):
        verb = "向该企业提供债权融资" if event.kind == FinancingKind.DEBT else "投资该企业"
        yield event.investor_id, f"{verb}（{event.occurred_on}）"


@link_source
def _services(enterprise):
    for record in ServiceRecord.objects.filter(enterprise=enterprise).exclude(institution=None):
        yield record.institution_id, f"为该企业提供服务（{record.occurred_on}）"
    for application in Application.objects.filter(enterprise=enterprise).exclude(filing_institution=None):
        yield application.filing_institution_id, "代该企业申报入板"


@link_source
def _shareholdings(enterprise):
    holders = Shareholding.objects.filter(register__enterprise=enterprise).values("holder_name")
    for institution_id in Institution.objects.filter(name__in=holders).values_list("pk", flat=True):
        yield institution_id, "持有该企业股份"


def linked_institutions(case):
    """{institution_id: [reason, ...]} of every institution linked to the case's enterprise."""
    links = {}
    for source in _LINK_SOURCES:
        for institution_id, reason in source(case.enterprise):
            links.setdefault(institution_id, []).append(reason)
    if case.opened_by_institution_id:
        links.setdefault(case.opened_by_institution_id, []).append("发起本次评审")
    return links


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ConflictCheck:
    """The conflict rules of one case on one day; ``reasons(expert)`` lists why the expert
    may not sit (empty when free)."""

    def __init__(self, case, today):
        self.case, self.today = case, today
        self.links = linked_institutions(case)
        self.period_end = today + dt.timedelta(days=case.rules["review_days"])
        self.window_start = _years_before(today, case.board.setting("reviews.conflict_window_years", 3))
        self.enterprise_users = set(case.enterprise.users.values_list("pk", flat=True))

    def reasons(self, expert):
        links, reasons = self.links, []
        if not expert.is_available:
            reasons.append("专家标注为暂不可参加评审")
        for period in expert.unavailable_periods.all():
            if period.starts_on <= self.period_end and period.ends_on >= self.today:
                reasons.append(
                    f"{period.starts_on} 至 {period.ends_on} 不可参加评审 {period.reason}".rstrip())
        for why in links.get(expert.institution_id, ()):
            reasons.append(f"所在机构「{expert.institution.name}」{why}")
        for job in expert.employments.all():
            if job.institution_id == expert.institution_id or job.institution_id not in links:
                continue
            if job.ended_on is None or job.ended_on >= self.window_start:
                for why in links[job.institution_id]:
                    reasons.append(f"{job.started_on} 至 {job.ended_on or '今'} 任职于"
                                   f"「{job.institution.name}」，该机构{why}")
        for declared in expert.declared_conflicts.all():
            if declared.enterprise_id == self.case.enterprise_id:
                reasons.append(f"申报回避该企业：{declared.reason}")
            elif declared.institution_id in links:
                reasons.append(f"申报回避「{declared.institution.name}」（关联机构）：{declared.reason}")
        if expert.user_id in self.enterprise_users:
            reasons.append("本人为该企业的企业用户")
        return reasons


@dataclass
class Pool:
    """The experts a draw chooses from, and those it may not choose, with reasons."""

    candidates: list = field(default_factory=list)  # [{"id", "name", "field"}] sorted by id
    exclusions: list = field(default_factory=list)  # [{"id", "name", "reasons": [...]}]


def build_pool(case, today=None):
    """Eligible and excluded experts of the case's board; experts who held a seat on this case
    before (declined, replaced or seated) are left out of both."""
    check = ConflictCheck(case, today or timezone.localdate())
    experts = (
        Expert.objects.filter(board=case.board, is_active=True)
        .exclude(pk__in=case.seats.values("expert_id"))
        .select_related("institution")
        .prefetch_related("employments__institution", "declared_conflicts__institution",
                          "unavailable_periods")
        .order_by("pk")
    )
    pool = Pool()
    for expert in experts:
        reasons = check.reasons(expert)
        row = {"id": expert.pk, "name": expert.name}
        if reasons:
            pool.exclusions.append({**row, "reasons": reasons})
        else:
            pool.candidates.append({**row, "field": expert.field})
    return pool


def new_seed():
    return secrets.randbits(62)


def _shortfall(needed, field_mix, pool_size, excluded):
    labels = "、".join(f"「{ExpertField(f).label}」至少 {n} 人" for f, n in sorted(field_mix.items()) if n)
    return DomainError(
        f"可抽取的专家不足：需要抽取 {needed} 人" + (f"（评审组中{labels}）" if labels else "")
        + f"，无利益冲突的候选专家 {pool_size} 人，另有 {excluded} 人因利益冲突或不可参加被排除。"
        "请补充专家委员会成员或调整评审组人数。",
        code="panel_shortfall",
    )


def pick(seed, candidates, needed, field_mix, kept=(), excluded=0):
    """Draw ``needed`` expert ids from ``candidates`` ([{id, field}] sorted by id) with
    ``random.Random(seed)``; first the fields still short of ``field_mix`` given the ``kept``
    members ([{id, field}]), then from everyone left."""
    rng = random.Random(seed)
    kept_fields = [member["field"] for member in kept]
    deficit = {f: max(0, n - kept_fields.count(f)) for f, n in sorted(field_mix.items())}
    if sum(deficit.values()) > needed:
        raise _shortfall(needed, field_mix, len(candidates), excluded)
    chosen = []
    for expert_field, count in deficit.items():
        pool = [c["id"] for c in candidates if c["field"] == expert_field and c["id"] not in chosen]
        if len(pool) < count:
            raise _shortfall(needed, field_mix, len(candidates), excluded)
        chosen += rng.sample(pool, count)
    rest = [c["id"] for c in candidates if c["id"] not in chosen]
    if len(rest) < needed - len(chosen):
        raise _shortfall(needed, field_mix, len(candidates), excluded)
    return chosen + rng.sample(rest, needed - len(chosen))


def replay(draw):
    """The panel the stored seed and candidate list give; equals ``draw.chosen`` unless the
    record was altered."""
    return pick(draw.seed, draw.candidates, draw.needed, draw.field_mix, draw.kept)
