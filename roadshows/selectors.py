"""Reads of the roadshows app and the access helpers: a missing row, another board's and one the
caller may not see all answer the same 404."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from boards.enterprises.models import Enterprise, EnterpriseStatus
from boards.kernel.access import STAFF_ROLES, membership_institution, require_role, user_roles
from boards.kernel.models import Role
from roadshows.models import Invitation, Roadshow, RoadshowState, Signup, SignupState


def signup_statuses(board) -> list[str]:
    """Enterprise statuses that may sign up for a roadshow (``roadshows.signup_statuses``)."""
    return board.setting("roadshows.signup_statuses", [EnterpriseStatus.ADMITTED])


def my_enterprises(user, board) -> QuerySet:
    """The enterprises ``user`` acts for on ``board`` (404 without the enterprise role)."""
    require_role(user, board, Role.ENTERPRISE_USER)
    return Enterprise.objects.filter(board=board, users=user, status__in=signup_statuses(board)).order_by(
        "name"
    )


def enterprise_roadshows(user, board) -> tuple[list, list, set[int]]:
    """(roadshows taking sign-ups, the sign-ups of the caller's enterprises with their roadshows, the
    ids of the open roadshows every one of the caller's enterprises has signed up for: a 集团 account
    acting for several may still sign up another)."""
    enterprises = my_enterprises(user, board)
    open_ones = list(Roadshow.objects.filter(board=board, state=RoadshowState.OPEN).order_by("starts_at"))
    signups = list(
        Signup.objects.filter(board=board, enterprise__in=enterprises)
        .select_related("roadshow", "enterprise")
        .order_by("-roadshow__starts_at", "pk")
    )
    mine = set(enterprises.values_list("pk", flat=True))
    signed: dict[int, set[int]] = {}
    for signup in signups:
        signed.setdefault(signup.roadshow_id, set()).add(signup.enterprise_id)
    return open_ones, signups, {pk for pk, ids in signed.items() if mine <= ids}


def enterprises_to_sign_up(user, board, roadshow: Roadshow) -> tuple[QuerySet, str | None]:
    """The caller's enterprises not yet signed up for ``roadshow``, and why none can be offered when
    none can (404 without the enterprise role)."""
    mine = my_enterprises(user, board)
    remaining = mine.exclude(roadshow_signups__roadshow=roadshow)
    if remaining.exists():
        return remaining, None
    if mine.exists():
        return remaining, "你代表的企业均已报名该路演，请在「我的报名」中查看审核进度。"
    return remaining, "你代表的企业目前都不在可报名路演的状态。"


def access_open_roadshow(user, board, pk) -> Roadshow:
    my_enterprises(user, board)
    return get_object_or_404(Roadshow.objects.filter(board=board), pk=pk)


def invitations_for(user, board) -> QuerySet:
    """Staff: every invitation of the board; an institution's user: its institution's; others 404."""
    roles = user_roles(user, board)
    invitations = (
        Invitation.objects.filter(board=board)
        .select_related("roadshow", "institution")
        .prefetch_related(
            Prefetch(
                "roadshow__signups",
                Signup.objects.filter(state=SignupState.ACCEPTED).select_related("enterprise"),
            )
        )
    )
    if roles & set(STAFF_ROLES):
        return invitations
    require_role(user, board, Role.INSTITUTION_USER)
    institution = membership_institution(user, board, Role.INSTITUTION_USER)
    return invitations.filter(institution=institution) if institution else invitations.none()


def access_invitation(user, board, pk) -> Invitation:
    return get_object_or_404(invitations_for(user, board), pk=pk)
