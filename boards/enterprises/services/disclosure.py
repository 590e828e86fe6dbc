"""Disclosure (信息披露), principle 非必要不披露.

Invariants:
- an enterprise that never raised equity or debt (no FinancingEvent) discloses what it chooses;
  one that did owes a periodic disclosure for every period (config ``disclosure.frequency_months``:
  6 → "2026H1"/"2026H2", 12 → "2026") that ends on or after its first financing, due
  ``disclosure.due_workdays`` working days after the period ends, with a kernel deadline;
- a disclosure is seen only by its audience: public → everyone, anonymous included;
  investors → institutions that invested in the enterprise (FinancingEvent.investor);
  regulators → the board's regulator role; staff and the enterprise's own users see all of it.
"""

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Disclosure,
    DisclosureAudience,
    Enterprise,
    EnterpriseStatus,
    FinancingEvent,
    TierChangeKind,
)
from boards.kernel import evidence
from boards.kernel.access import INSTITUTION_ROLES, STAFF_ROLES, user_roles
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import cancel_deadline, meet_deadline, open_deadline
from boards.kernel.errors import DomainError
from boards.kernel.models import Board, BoardMembership, DayBasis, Deadline, DeadlineState, Role, StoredFile
from boards.kernel.scoping import board_scope

DEADLINE_KIND = "boards.disclosure.periodic"
DEFAULT_CONFIG = {"frequency_months": 6, "due_workdays": 40}
PERIOD_FORMATS = {6: (re.compile(r"^\d{4}H[12]$"), "2026H1 或 2026H2"), 12: (re.compile(r"^\d{4}$"), "2026")}


def validate_config(value: object) -> list[str]:
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    errors = [f"未知配置项 {key}；可用: {', '.join(DEFAULT_CONFIG)}"
              for key in value if key not in DEFAULT_CONFIG]
    frequency = value.get("frequency_months")
    if frequency not in PERIOD_FORMATS:
        errors.append(f"frequency_months 必须是 6（半年）或 12（每年），当前为 {frequency!r}")
    due = value.get("due_workdays")
    if not isinstance(due, int) or isinstance(due, bool) or due < 1:
        errors.append(f"due_workdays 必须是正整数，当前为 {due!r}")
    return errors


def last_closed_period(board: Board, today: dt.date) -> tuple[str, dt.date]:
    """``(label, end date)`` of the last reporting period that ended before ``today``."""
    if board.setting("disclosure.frequency_months") == 12:
        return str(today.year - 1), dt.date(today.year - 1, 12, 31)
    if today.month > 6:
        return f"{today.year}H1", dt.date(today.year, 6, 30)
    return f"{today.year - 1}H2", dt.date(today.year - 1, 12, 31)


def must_disclose(enterprise: Enterprise) -> bool:
    return enterprise.financings.exists()


def _periodic_deadlines(enterprise: Enterprise) -> QuerySet[Deadline]:
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Enterprise),
                                   object_id=str(enterprise.pk), kind__startswith=DEADLINE_KIND)


def due_periodic_deadlines(enterprise: Enterprise) -> QuerySet[Deadline]:
    return _periodic_deadlines(enterprise).filter(state=DeadlineState.OPEN).order_by("due_at")


# --- Visibility ------------------------------------------------------------------------------


def visible_disclosures(user: User | AnonymousUser, board: Board) -> QuerySet[Disclosure]:
    """The disclosures of ``board`` that ``user`` (possibly anonymous) may see."""
    disclosures = Disclosure.objects.filter(board=board)
    roles = user_roles(user, board)
    if user.is_superuser or roles & set(STAFF_ROLES):
        return disclosures
    allowed = Q(audience=DisclosureAudience.PUBLIC)
    if Role.REGULATOR in roles:
        allowed |= Q(audience=DisclosureAudience.REGULATORS)
    if roles & set(INSTITUTION_ROLES) and isinstance(user, User):  # a role: signed in
        institutions = BoardMembership.objects.filter(
            user=user, board=board, is_active=True, role__in=INSTITUTION_ROLES).values("institution")
        invested = FinancingEvent.objects.filter(enterprise=OuterRef("enterprise"), investor__in=institutions)
        allowed |= Q(Exists(invested), audience=DisclosureAudience.INVESTORS)
    if Role.ENTERPRISE_USER in roles and isinstance(user, User):
        own = Enterprise.users.through.objects.filter(enterprise=OuterRef("enterprise"), user=user)
        allowed |= Q(Exists(own))
    return disclosures.filter(allowed)


def disclosing_enterprise(user: User | AnonymousUser, board: Board, pk: int) -> Enterprise:
    """An enterprise whose disclosure page ``user`` may open: staff and its own users any,
    everybody else only members of the board (admitted or removed). Else 404."""
    enterprises = Enterprise.objects.filter(board=board)
    roles = user_roles(user, board)
    if not (user.is_superuser or roles & set(STAFF_ROLES)):
        visible = Q(status__in=[EnterpriseStatus.ADMITTED, EnterpriseStatus.REMOVED])
        if Role.ENTERPRISE_USER in roles and isinstance(user, User):
            visible |= Q(users=user)
        enterprises = enterprises.filter(visible).distinct()
    return get_object_or_404(enterprises, pk=pk)


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def publish_disclosure(enterprise: Enterprise, *, title: str, audience: str, actor: User, body: str = "",
                       period: str = "", is_periodic: bool = False,
                       file: StoredFile | None = None) -> Disclosure:
    """Publish a disclosure; a periodic one meets that period's deadline."""
    enterprise = Enterprise.objects.select_for_update().select_related("board").get(pk=enterprise.pk)
    board = enterprise.board
    title, body, period = (title or "").strip(), (body or "").strip(), (period or "").strip()
    if not title:
        raise DomainError("请填写披露标题。", code="title_required")
    if audience not in DisclosureAudience.values:
        raise DomainError(f"披露对象必须是 {'、'.join(map(str, DisclosureAudience.labels))} 之一。",
                          code="invalid_audience")
    if not body and file is None:
        raise DomainError("请填写披露内容或上传附件。", code="content_required")
    if is_periodic:
        pattern, example = PERIOD_FORMATS[board.setting("disclosure.frequency_months")]
        if not pattern.match(period):
            raise DomainError(f"定期披露的报告期应写成 {example}，当前为「{period}」。",
                              code="invalid_period")
    disclosure = Disclosure.objects.create(
        board=board, enterprise=enterprise, title=title, period=period, body=body, file=file,
        audience=audience, is_periodic=is_periodic, published_at=timezone.now(), created_by=actor,
    )
    met = None
    if is_periodic:
        met = _periodic_deadlines(enterprise).filter(kind=f"{DEADLINE_KIND}:{period}",
                                                     state=DeadlineState.OPEN).first()
        if met is not None:
            meet_deadline(met)
    evidence.record(board, EnterpriseAction.DISCLOSURE_PUBLISHED, actor=actor, subject=disclosure, payload={
        "enterprise": enterprise.pk, "title": title, "audience": audience, "period": period,
        "is_periodic": is_periodic, "file_sha256": file.sha256 if file else "",
        "deadline_met": getattr(met, "pk", None),
    })
    return disclosure


@transaction.atomic
def open_periodic_deadlines(board: Board, today: dt.date | None = None) -> list[Deadline]:
    """Open the deadline of the last closed period for every admitted enterprise that owes it
    (financed by the period's end) and has neither the deadline nor the disclosure yet.
    Idempotent. Returns the deadlines opened."""
    today = today or timezone.localdate()
    period, end = last_closed_period(board, today)
    kind = f"{DEADLINE_KIND}:{period}"
    opened_for = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Enterprise),
                                         kind=kind)
    disclosed = Disclosure.objects.filter(is_periodic=True, period=period)
    obliged = (
        Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED,
                                  financings__occurred_on__lte=end)
        .exclude(pk__in=[int(pk) for pk in opened_for.values_list("object_id", flat=True)])
        .exclude(pk__in=disclosed.values("enterprise_id"))
        .distinct().prefetch_related("users")
    )
    starts_at = dt.datetime.combine(end, dt.time.min, tzinfo=SHANGHAI)
    url = reverse("my-disclosures", args=[board.slug])
    return [
        open_deadline(board, enterprise, kind, f"{enterprise.name} {period} 定期信息披露",
                      board.setting("disclosure.due_workdays"), DayBasis.WORKING, starts_at=starts_at,
                      assignee=min(enterprise.users.all(), key=lambda u: u.pk, default=None), url=url)
        for enterprise in obliged
    ]


def on_tier_changed(sender: object, *, enterprise_id: int, board_id: int, kind: str, **kwargs: Any) -> None:
    """A removed enterprise owes no more disclosures: its pending deadlines are cancelled."""
    if kind != TierChangeKind.REMOVAL:
        return
    with board_scope(board_id):
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        for deadline in _periodic_deadlines(enterprise).filter(
                state__in=[DeadlineState.OPEN, DeadlineState.PAUSED]):
            cancel_deadline(deadline)
