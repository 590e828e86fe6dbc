"""Roadshow API under /api/v1/<board>/roadshows/: an institution reads its invitations and answers
them (``confirm`` {note}, ``decline`` {note}); staff read every invitation of the board. Another
board's invitation, another institution's and a caller without the role get the same 404; an answer
after the roadshow was held or cancelled, or a second answer, is 409 with the steps allowed now."""

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
from roadshows.api.serializers import InvitationSerializer
from roadshows.models import Invitation, Signup, SignupState
from roadshows.steps import INVITATION_STEPS


class InvitationsView(BoardScopedViewMixin):
    model = Invitation
    serializer_class = InvitationSerializer
    permission_classes = [board_role_permission(*STAFF_ROLES, Role.INSTITUTION_USER)]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        queryset = queryset.select_related("roadshow", "institution").prefetch_related(
            Prefetch(
                "roadshow__signups",
                Signup.objects.filter(state=SignupState.ACCEPTED).select_related("enterprise"),
            )
        )
        if not caller_roles(self.request) & set(STAFF_ROLES):
            institution = caller_institution(self.request, Role.INSTITUTION_USER)  # an API key: its own
            queryset = queryset.filter(institution=institution) if institution else queryset.none()
        return queryset.order_by("-roadshow__starts_at", "pk")


class InvitationList(InvitationsView, generics.ListAPIView):
    """The caller's roadshow invitations, the latest roadshow first."""

    filterset_fields = ["state"]


class InvitationDetail(InvitationsView, generics.RetrieveAPIView):
    """One roadshow invitation."""


class InvitationStep(StepEndpointMixin, InvitationsView, generics.GenericAPIView):
    """Answer an invitation: ``confirm`` {note} or ``decline`` {note (required)}. Answers the invitation."""

    steps = INVITATION_STEPS

    @step_schema(
        INVITATION_STEPS, "RoadshowInvitationStep", "roadshows_invitations_step", InvitationSerializer
    )
    def post(self, request, *args, step, **kwargs):
        return self.run_step(request, step)
