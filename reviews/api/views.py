"""Review API: institutions follow the reviews they opened; staff manage cases. An illegal
step answers 409 with the steps allowed now."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from boards.enterprises.models import Enterprise
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
from reviews import selectors, services
from reviews.api import serializers as api_serializers
from reviews.models import PanelSeat, ReviewCase
from reviews.steps import CASE_STEPS

FOLLOWER_ROLES = (*STAFF_ROLES, Role.INSTITUTION_USER)


def _is_staff(request):
    return bool(caller_roles(request) & set(STAFF_ROLES))


def _staff_queryset(queryset):
    return queryset.prefetch_related(Prefetch(
        "seats", PanelSeat.objects.select_related("expert", "review_deadline", "opinion").order_by("pk")))


class CaseViewMixin(BoardScopedViewMixin):
    model = ReviewCase
    permission_classes = [board_role_permission(*FOLLOWER_ROLES)]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        queryset = selectors.followed_cases(queryset, caller_roles(self.request),
                                            caller_institution(self.request, Role.INSTITUTION_USER))
        return _staff_queryset(queryset) if _is_staff(self.request) else queryset

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or not _is_staff(self.request):
            return api_serializers.CaseSerializer
        return api_serializers.StaffCaseSerializer


class CaseList(CaseViewMixin, generics.ListCreateAPIView):
    """Reviews the caller follows (staff: all; an institution: those it opened). POST opens a
    review: staff any type; an institution a premium review of an enterprise it invested in."""

    filterset_fields = ["kind", "state"]
    ordering_fields = ["created_at"]

    @extend_schema(request=api_serializers.OpenCaseSerializer)
    def post(self, request, *args, **kwargs):
        data = api_serializers.OpenCaseSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values, board = data.validated_data, request.board
        enterprise = Enterprise.objects.filter(board=board, pk=values["enterprise"]).first()
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [f"本专板没有编号为 {values['enterprise']} 的企业。"]})
        if _is_staff(request):
            institution = values.get("opened_by_institution")
        else:
            institution = caller_institution(request, Role.INSTITUTION_USER)  # an API key: its own
            if institution is None:
                raise NotFound("未找到该对象。")
        case = services.open_case(board, kind=values["kind"], enterprise=enterprise, actor=request.user,
                                  opened_by_institution=institution, panel_size=values.get("panel_size"),
                                  reason=values.get("reason", ""))
        return Response(self.get_serializer(case).data, status=201)


class CaseDetail(CaseViewMixin, generics.RetrieveAPIView):
    """One review the caller follows."""


class CaseStep(StepEndpointMixin, CaseViewMixin, generics.GenericAPIView):
    """Staff run one step of a case (reviews/steps.py: draw_panel, send_material,
    schedule_meeting {at, place}, hold_meeting {attended, observers, answers}, decide,
    send_feedback {text}, file_with_regulators, archive, remind, fill_vacancies, replace_silent,
    add_material / provide_supplement (multipart), record_decline {seat, reason}). A step not
    available now answers 409 with the steps that are. Answers the case."""

    permission_classes = [board_role_permission(*STAFF_ROLES)]
    steps = CASE_STEPS

    @step_schema(CASE_STEPS, "ReviewCaseStep", "reviews_case_step", api_serializers.StaffCaseSerializer)
    def post(self, request, *args, step, **kwargs):
        return self.run_step(request, step)
