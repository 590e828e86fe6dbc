"""Review API: institutions follow the reviews they opened; staff manage cases. An illegal
step answers 409 with the steps allowed now."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from boards.enterprises.models import Enterprise
from boards.kernel.access import STAFF_ROLES, membership_institution
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission, caller_roles
from boards.kernel.api.throttling import ApiKeyThrottle
from boards.kernel.models import Institution, Role
from reviews import selectors, services
from reviews.api import serializers as api_serializers
from reviews.models import PanelSeat, ReviewCase

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
        queryset = selectors.followed_cases(queryset, self.request.board, self.request.user,
                                            caller_roles(self.request))
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
        data = api_serializers.OpenCaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, board = data.validated_data, request.board
        enterprise = Enterprise.objects.filter(board=board, pk=values["enterprise"]).first()
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [f"本专板没有编号为 {values['enterprise']} 的企业。"]})
        if _is_staff(request):
            code = values.get("opened_by_institution")
            institution = Institution.objects.filter(code=code).first() if code else None
            if code and institution is None:
                raise serializers.ValidationError({"opened_by_institution": [f"没有代码为 {code} 的机构。"]})
        else:
            institution = membership_institution(request.user, board, Role.INSTITUTION_USER)
            if institution is None:
                raise NotFound("未找到该对象。")
        case = services.open_case(board, kind=values["kind"], enterprise=enterprise, actor=request.user,
                                  opened_by_institution=institution, panel_size=values.get("panel_size"),
                                  reason=values.get("reason", ""))
        return Response(self.get_serializer(case).data, status=201)


class CaseDetail(CaseViewMixin, generics.RetrieveAPIView):
    """One review the caller follows."""


STEPS = {
    "draw_panel": (None, lambda case, data, user: services.draw_panel(case, actor=user)),
    "send_material": (None, lambda case, data, user: services.send_material(case, actor=user)),
    "schedule_meeting": (api_serializers.ScheduleMeetingSerializer,
                         lambda case, data, user: services.schedule_meeting(case, actor=user, **data)),
    "hold_meeting": (api_serializers.HoldMeetingSerializer,
                     lambda case, data, user: services.hold_meeting(case, actor=user, **data)),
    "decide": (None, lambda case, data, user: services.decide_case(case, actor=user)),
    "send_feedback": (api_serializers.FeedbackSerializer,
                      lambda case, data, user: services.send_feedback(case, actor=user, **data)),
    "file_with_regulators": (None, lambda case, data, user: services.file_case(case, actor=user)),
    "archive": (None, lambda case, data, user: services.archive_case(case, actor=user)),
    "remind": (None, lambda case, data, user: services.remind_late_experts(case, actor=user)),
    "fill_vacancies": (None, lambda case, data, user: services.fill_vacancies(case, actor=user)),
    "replace_silent": (None, lambda case, data, user: services.replace_silent_seats(case, actor=user)),
}


class CaseStep(CaseViewMixin, generics.GenericAPIView):
    """Staff run one step of a case (``step``: draw_panel, send_material, schedule_meeting
    {at, place}, hold_meeting {attended, observers, answers}, decide, send_feedback {text},
    file_with_regulators, archive, remind, fill_vacancies, replace_silent). Answers the case."""

    permission_classes = [board_role_permission(*STAFF_ROLES)]

    @extend_schema(request=api_serializers.CaseStepSerializer, operation_id="reviews_case_step")
    def post(self, request, *args, step, **kwargs):
        if step not in STEPS:
            raise NotFound("没有这个操作。")
        case = self.get_object()
        body_serializer, run = STEPS[step]
        data = {}
        if body_serializer:
            body = body_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        run(case, data, request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)
