"""Listing cultivation API under /api/v1/<board>/cultivation/: staff read every path of the board,
a securities firm the paths it serves, and record their next stages (staff also name the firm and
end a path). Another board's path, one the firm does not serve and a caller without the role get
the same 404; a stage out of order answers 409 with the steps allowed now."""

from django.db.models import Prefetch
from rest_framework import generics

from boards.kernel.access import STAFF_ROLES, membership_institution
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission, caller_roles
from boards.kernel.api.throttling import ApiKeyThrottle
from boards.kernel.models import Role
from boards.kernel.steps.api import StepEndpointMixin, step_schema
from cultivation.api.serializers import ListingPathSerializer
from cultivation.models import ListingMilestone, ListingPath
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
        firm = membership_institution(self.request.user, self.request.board, Role.INSTITUTION_USER)
        return queryset.filter(securities_firm=firm).order_by("enterprise__name") if firm else queryset.none()


class PathList(PathsView, generics.ListAPIView):
    """The listing paths the caller sees: staff every one of the board, a securities firm those it serves."""

    filterset_fields = ["stage", "target_market"]


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
