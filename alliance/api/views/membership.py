"""An institution's memberships and the exit cases it answers."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import generics
from rest_framework.response import Response

from alliance import services
from alliance.api import examples
from alliance.api import serializers as s
from alliance.api.permissions import caller_institution
from alliance.api.views.base import InstitutionView, _post, _read
from alliance.models import (
    ExitCase,
    Membership,
)
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission
from boards.kernel.api.throttling import ApiKeyThrottle

# --- Exit cases -------------------------------------------------------------------------------------------


class ExitCaseMixin(InstitutionView):
    model = ExitCase
    serializer_class = s.ExitCaseSerializer

    def filter_for_caller(self, queryset):
        return queryset.filter(membership__institution=self.institution).select_related("membership",
                                                                                         "answer_deadline")


@extend_schema_view(
    get=_read(
        "针对本机构的退出程序",
        "专家评审质疑本机构提交文件的质量后启动的退出（除名）程序。",
        examples.EXIT_CASE,
    )
)
class ExitCaseList(ExitCaseMixin, generics.ListAPIView):
    filterset_fields = ["state"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]


@extend_schema_view(post=_post("答复退出程序通知", "在答复期限内提交本机构的说明；只有已通知的程序可以答复。",
                               s.AnswerInput, s.ExitCaseSerializer, request_example={"answer": "……"},
                               response_example=examples.EXIT_CASE))
class ExitCaseAnswer(ExitCaseMixin, generics.GenericAPIView):
    def post(self, request, *args, **kwargs):
        payload = s.AnswerInput(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.answer_exit_case(self.get_object(), actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(case).data)


# --- Memberships ------------------------------------------------------------------------------------------


@extend_schema_view(
    get=_read("本机构的联盟成员资格", "本机构在本专板各联合会的申请与成员资格（含准入核验结果和理由）。",
              examples.MEMBERSHIP),
    post=_post("申请加入联合会",
               "申请加入一个联合会，须写明高管负责人和联络人；交易中心按本专板的准入条件核验。",
               s.MembershipSerializer, s.MembershipSerializer, status=201,
               request_example=examples.MEMBERSHIP_IN, response_example=examples.MEMBERSHIP),
)
class MembershipList(BoardScopedViewMixin, generics.ListCreateAPIView):
    """Open to every institution of the board: this is how it joins the alliance."""

    model = Membership
    serializer_class = s.MembershipSerializer
    permission_classes = [board_role_permission(*INSTITUTION_ROLES)]
    throttle_classes = [ApiKeyThrottle]
    filterset_fields = ["body", "state"]
    ordering_fields = ["applied_at"]
    ordering = ["-applied_at", "-id"]

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=caller_institution(self.request))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.apply_for_membership(
            self.request.board, institution=caller_institution(self.request), body=data.pop("body"),
            actor=self.request.user, **data)
