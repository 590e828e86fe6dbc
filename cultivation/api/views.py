"""Cultivation API under /api/v1/<board>/cultivation/: staff read every listing path of the board,
a securities firm the paths it serves, and record their next stages (staff also name the firm and
end a path); an institution reads the research visits it took part in. Another board's row, one
the caller does not serve or did not visit and a caller without the role get the same 404;
a stage out of order answers 409 with the steps allowed now."""

from django.db.models import Prefetch
from rest_framework import generics

from boards.kernel.access import STAFF_ROLES
from boards.kernel.api.permissions import (
    BoardScopedViewMixin,
    board_role_permission,
    caller_institution,
    caller_roles,
)
from boards.kernel.api.throttling import ApiKeyThrottle
from boards.kernel.models import Role
from boards.kernel.steps.api import StepEndpointMixin, step_schema
from cultivation.api.serializers import ListingPathSerializer, ResearchVisitSerializer
from cultivation.models import FollowUpAction, ListingMilestone, ListingPath, ResearchVisit
from cultivation.steps import LISTING_STEPS


class PathsView(BoardScopedViewMixin):
    model = ListingPath
    serializer_class = ListingPathSerializer
    permission_classes = [board_role_permission(*STAFF_ROLES, Role.INSTITUTION_USER)]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        queryset = queryset.select_related("enterprise", "securities_firm").prefetch_related(
            Prefetch("milestones", ListingMilestone.objects.select_related("securities_firm")))
        if caller_roles(self.request) & set(STAFF_ROLES):
            return queryset.order_by("enterprise__name")
        firm = caller_institution(self.request, Role.INSTITUTION_USER)  # an API key: its own
        return queryset.filter(securities_firm=firm).order_by("enterprise__name") if firm else queryset.none()


class PathList(PathsView, generics.ListAPIView):
    """The listing paths the caller sees: staff every one of the board, a securities firm those it serves."""

    filterset_fields = ["stage", "target_market"]
    ordering_fields = ["enrolled_on", "stage"]


class PathDetail(PathsView, generics.RetrieveAPIView):
    """One listing path with its milestones."""


class PathStep(StepEndpointMixin, PathsView, generics.GenericAPIView):
    """Record a step of a path: ``convert``, ``tutoring``, ``communicate``, ``file``, ``list``
    {occurred_on, reference, note} (staff and the serving firm); ``assign`` {securities_firm: id}
    and ``withdraw`` {occurred_on, reason} (staff). Answers the path."""

    steps = LISTING_STEPS

    @step_schema(LISTING_STEPS, "ListingPathStep", "cultivation_paths_step", ListingPathSerializer)
    def post(self, request, *args, step, **kwargs):
        return self.run_step(request, step)


class VisitsView(BoardScopedViewMixin):
    """Research visits the calling institution took part in (同行机构); staff every visit."""

    model = ResearchVisit
    serializer_class = ResearchVisitSerializer
    permission_classes = [board_role_permission(*STAFF_ROLES, Role.INSTITUTION_USER)]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        queryset = queryset.select_related("enterprise").prefetch_related(
            Prefetch("actions", FollowUpAction.objects.select_related("deadline")))
        if not caller_roles(self.request) & set(STAFF_ROLES):
            institution = caller_institution(self.request, Role.INSTITUTION_USER)
            queryset = queryset.filter(institution=institution) if institution else queryset.none()
        return queryset.order_by("-scheduled_on", "-pk")


class VisitList(VisitsView, generics.ListAPIView):
    """The research visits the caller took part in, newest first."""

    filterset_fields = ["state"]
    ordering_fields = ["scheduled_on", "visited_on"]


class VisitDetail(VisitsView, generics.RetrieveAPIView):
    """One research visit with its follow-up actions."""
