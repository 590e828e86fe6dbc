"""Reads of the cultivation app and the access helpers: a missing row, another board's and one
the caller may not see all answer the same 404."""

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from boards.kernel.access import STAFF_ROLES, membership_institution, require_role, user_roles
from boards.kernel.models import Institution, InstitutionKind, Role
from boards.kernel.participation import institutions_on
from boards.kernel.providers import FederationDirectory, provider
from cultivation.models import PATH, ListingPath, SatisfactionSurvey, Stage

PIPELINE_READERS = (*STAFF_ROLES, Role.LOCAL_BUREAU, Role.REGULATOR)


# --- Securities firms ----------------------------------------------------------------------------


def eligible_firms(board) -> QuerySet:
    """Securities firms that may serve a listing path on ``board``: the admitted members of the
    configured federation (through the kernel's FederationDirectory), or, with none configured,
    every securities firm taking part in the board."""
    body = board.setting("cultivation.securities_body", "professional")
    firms = (provider(FederationDirectory).admitted_members(board, body) if body
             else institutions_on(board))
    return firms.filter(kind=InstitutionKind.SECURITIES).order_by("name")


def firm_refusal(board, institution: Institution) -> str | None:
    """Why ``institution`` may not serve a listing path on ``board``, in Chinese; None when it may."""
    if institution.kind != InstitutionKind.SECURITIES:
        return f"{institution.name}不是证券公司，不能作为上市培育的服务券商。"
    body = board.setting("cultivation.securities_body", "professional")
    if body:
        return provider(FederationDirectory).membership_refusal(board, institution, body)
    if not institutions_on(board).filter(pk=institution.pk).exists():
        return f"{institution.name}未参与本专板。"
    return None


# --- Listing paths -------------------------------------------------------------------------------


def paths_for(user, board) -> QuerySet:
    """The listing paths ``user`` may read on ``board``: staff, bureaus and regulators all of them,
    a securities firm's users those it serves, an enterprise's users their own; others 404."""
    roles = user_roles(user, board)
    paths = ListingPath.objects.filter(board=board).select_related("enterprise", "securities_firm")
    if roles & set(PIPELINE_READERS):
        return paths
    if Role.INSTITUTION_USER in roles:
        firm = membership_institution(user, board, Role.INSTITUTION_USER)
        return paths.filter(securities_firm=firm) if firm is not None else paths.none()
    if Role.ENTERPRISE_USER in roles:
        return paths.filter(enterprise__users=user)
    raise Http404("未找到该页面。")


def access_path(user, board, pk) -> ListingPath:
    return get_object_or_404(paths_for(user, board), pk=pk)


def access_pipeline(user, board) -> None:
    require_role(user, board, *PIPELINE_READERS)


def pipeline_counts(board) -> list[dict]:
    """Per stage of the path (and 终止培育), in path order: its code, label and how many paths stand there."""
    counts = dict(ListingPath.objects.filter(board=board).values_list("stage").annotate(n=Count("pk")))
    return [{"stage": stage, "label": str(Stage(stage).label), "count": counts.get(stage, 0)}
            for stage in [*PATH, Stage.WITHDRAWN]]


def pipeline(board) -> list[dict]:
    """``pipeline_counts`` with the paths standing at each stage (one query for all of them)."""
    paths = list(ListingPath.objects.filter(board=board).select_related("enterprise", "securities_firm")
                 .order_by("enterprise__name"))
    return [{**row, "paths": [p for p in paths if p.stage == row["stage"]]} for row in pipeline_counts(board)]


# --- Satisfaction surveys --------------------------------------------------------------------------


def surveys_for(user, board) -> QuerySet:
    """An enterprise user's surveys (of the enterprises they act for); anyone else 404."""
    require_role(user, board, Role.ENTERPRISE_USER)
    return SatisfactionSurvey.objects.filter(board=board, enterprise__users=user).select_related(
        "enterprise", "institution")
