"""The Jinzhong service institution's rounds, applications and duties."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from alliance import service_institutions
from alliance.api import examples
from alliance.api import serializers as s
from alliance.api.permissions import AppointedServiceInstitution, caller_institution
from alliance.api.views.base import ERRORS, _post, _read
from alliance.models import (
    FeeAttestation,
    PerformanceForm,
    ProgressReport,
    RoundState,
    SelectionRound,
    ServiceApplication,
)
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission
from boards.kernel.api.throttling import ApiKeyThrottle

# --- Jinzhong service institutions ------------------------------------------------------------------------


@extend_schema_view(
    get=_read("服务机构遴选", "已发布的科技金融服务机构遴选（通知、申报时间、状态）。", examples.ROUND)
)
class RoundList(BoardScopedViewMixin, generics.ListAPIView):
    model = SelectionRound
    serializer_class = s.SelectionRoundSerializer
    permission_classes = [board_role_permission(*INSTITUTION_ROLES)]
    throttle_classes = [ApiKeyThrottle]
    filterset_fields = ["state"]
    ordering_fields = ["opens_on", "closes_on"]
    ordering = ["-opens_on", "-id"]

    def filter_for_caller(self, queryset):
        return queryset.exclude(state=RoundState.DRAFT)


@extend_schema_view(
    get=_read("本机构的遴选申报", "本机构在各次遴选中的申报、资格审查结果和状态。", examples.APPLICATION),
    post=_post("申报科技金融服务机构", "在申报期内对照各项遴选条件逐项自我评价后申报；每次遴选限申报一次。",
               s.ServiceApplicationSerializer, s.ServiceApplicationSerializer, status=201,
               request_example=examples.APPLICATION_IN, response_example=examples.APPLICATION),
)
class ApplicationList(BoardScopedViewMixin, generics.ListCreateAPIView):
    model = ServiceApplication
    serializer_class = s.ServiceApplicationSerializer
    permission_classes = [board_role_permission(*INSTITUTION_ROLES)]
    throttle_classes = [ApiKeyThrottle]
    filterset_fields = ["state", "round"]
    ordering_fields = ["submitted_at"]
    ordering = ["-submitted_at", "-id"]

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=caller_institution(self.request))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = service_institutions.apply_to_round(
            data["round"],
            institution=caller_institution(self.request),
            self_assessment=data["self_assessment"],
            actor=self.request.user,
        )


class DutyMixin(BoardScopedViewMixin):
    permission_classes = [board_role_permission(*INSTITUTION_ROLES), AppointedServiceInstitution]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        return queryset.filter(appointment=self.request.appointment).select_related("deadline")


@extend_schema_view(
    get=_read("本机构的月度绩效考核表", "每月一张，逾期未报送的 overdue 为 true。", examples.PERFORMANCE)
)
class PerformanceFormList(DutyMixin, generics.ListAPIView):
    model = PerformanceForm
    serializer_class = s.PerformanceFormSerializer
    filterset_fields = {"month": ["gte", "lte"], "submitted_at": ["isnull"]}
    ordering_fields = ["month"]
    ordering = ["-month"]


@extend_schema_view(
    post=_post(
        "报送月度绩效考核表",
        "填报该月各项指标；已报送的不能重复报送。",
        s.PerformanceInput,
        s.PerformanceFormSerializer,
        request_example=examples.PERFORMANCE_IN,
        response_example=examples.PERFORMANCE,
    )
)
class PerformanceFormSubmit(DutyMixin, generics.GenericAPIView):
    model = PerformanceForm
    serializer_class = s.PerformanceFormSerializer

    def post(self, request, *args, **kwargs):
        payload = s.PerformanceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        form = service_institutions.submit_performance_form(self.get_object(), notes=data.pop("notes", ""),
                                                            figures=data, actor=request.user)
        return Response(self.get_serializer(form).data)


@extend_schema_view(get=_read("本机构的半年工作进展", "每半年一份，附印证资料。", examples.PROGRESS))
class ProgressReportList(DutyMixin, generics.ListAPIView):
    model = ProgressReport
    serializer_class = s.ProgressReportSerializer
    filterset_fields = {"submitted_at": ["isnull"]}
    ordering_fields = ["period"]
    ordering = ["-period"]

    def filter_for_caller(self, queryset):
        return super().filter_for_caller(queryset).select_related("evidence")


@extend_schema_view(
    post=extend_schema(
        summary="报送半年工作进展",
        description="multipart/form-data：summary（工作进展）与 evidence（印证资料文件）。",
        request={"multipart/form-data": s.ProgressInput},
        responses={200: s.ProgressReportSerializer, **ERRORS},
        examples=[OpenApiExample("响应示例", value=examples.PROGRESS, response_only=True)],
    )
)
class ProgressReportSubmit(DutyMixin, generics.GenericAPIView):
    model = ProgressReport
    serializer_class = s.ProgressReportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, *args, **kwargs):
        payload = s.ProgressInput(data=request.data)
        payload.is_valid(raise_exception=True)
        report = service_institutions.submit_progress_report(self.get_object(),
                                                             summary=payload.validated_data["summary"],
                                                             upload=payload.validated_data["evidence"],
                                                             actor=request.user)
        return Response(self.get_serializer(report).data)


@extend_schema_view(
    get=_read("本机构的不收费承诺", "各年度不向服务对象收取费用的承诺。", examples.ATTESTATION),
    post=_post("提交年度不收费承诺", "承诺不以科技局名义开展营利性活动，不就科技金融服务事项向服务对象收费。",
               s.FeeAttestationSerializer, s.FeeAttestationSerializer, status=201,
               request_example={"year": 2026}, response_example=examples.ATTESTATION),
)
class FeeAttestationList(DutyMixin, generics.ListCreateAPIView):
    model = FeeAttestation
    serializer_class = s.FeeAttestationSerializer
    filterset_fields = ["year"]
    ordering_fields = ["year"]
    ordering = ["-year"]

    def filter_for_caller(self, queryset):
        return queryset.filter(appointment=self.request.appointment)

    def perform_create(self, serializer):
        serializer.instance = service_institutions.attest_no_fees(
            self.request.appointment, year=serializer.validated_data["year"], actor=self.request.user)
