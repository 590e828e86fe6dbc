"""Interest profiles, pushed enterprises, matchmakings and their steps, value reports,
recommendations and financing needs."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from alliance import services
from alliance.api import examples
from alliance.api import serializers as s
from alliance.api.permissions import AllianceMember
from alliance.api.views.base import ERRORS, InstitutionView, _post, _read
from alliance.models import (
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    MatchState,
    NeedState,
    Recommendation,
)
from alliance.steps import MATCH_STEPS
from boards.enterprises.api.enterprises import InstitutionEnterpriseViewSet
from boards.enterprises.services.consent import consent_map
from boards.kernel.api.rows import Computed, RowListMixin, consented_name, steps_field
from boards.kernel.api.throttling import ApiKeyThrottle
from boards.kernel.files import serve_file
from boards.kernel.steps import serializer_for
from boards.kernel.steps.api import StepEndpointMixin

# --- Interest profile --------------------------------------------------------------------------------


@extend_schema_view(
    get=_read("本机构的对接偏好", "交易中心按此推送匹配企业；尚未设置时 404。", examples.PROFILE),
    put=extend_schema(
        summary="设置对接偏好",
        description="整体替换：行业、层级、融资阶段为空表示不限；金额为空表示不限。",
        request=s.InterestProfileSerializer,
        responses={200: s.InterestProfileSerializer, **ERRORS},
        examples=[OpenApiExample("请求示例", value=examples.PROFILE, request_only=True)],
    ),
)
class InterestProfileView(InstitutionView, generics.GenericAPIView):
    model = InterestProfile
    serializer_class = s.InterestProfileSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), institution=self.institution)

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.save_interest_profile(request.board, institution=self.institution,
                                                 data=serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(profile).data)


# --- Pushed enterprises ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="推送给本机构的企业",
        description="交易中心推送给本机构的企业；只返回企业当前授权的数据类别，"
        "授权撤回后不再返回。每次读取写入存证记录。",
    ),
    retrieve=extend_schema(summary="推送给本机构的一家企业"),
)
class PushedEnterpriseViewSet(InstitutionEnterpriseViewSet):
    permission_classes = [*InstitutionEnterpriseViewSet.permission_classes, AllianceMember]
    throttle_classes = [ApiKeyThrottle]

    def filter_for_caller(self, queryset):
        queryset = super().filter_for_caller(queryset)
        return queryset.filter(pk__in=Matchmaking.objects.filter(institution=self.institution)
                               .values("enterprise_id"))


# --- Matchmakings -----------------------------------------------------------------------------------------


class MatchmakingFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=MatchState.choices)
    enterprise = filters.NumberFilter(field_name="enterprise_id", label="企业编号")
    is_case = filters.BooleanFilter(label="入选案例")

    class Meta:
        model = Matchmaking
        fields = ["state", "enterprise", "is_case"]


class MatchmakingMixin(InstitutionView):
    model = Matchmaking
    serializer_class = s.MatchmakingSerializer
    needs_consents = True

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=self.institution).select_related("enterprise", "need")


@extend_schema_view(
    get=_read(
        "本机构的对接项目",
        "交易中心推送给本机构的企业及对接进展（状态、原因、融资结果）。企业名称只在企业当前仍授权时返回。",
        examples.MATCHMAKING,
    )
)
class MatchmakingList(RowListMixin, MatchmakingMixin, generics.ListAPIView):
    filterset_class = MatchmakingFilter
    ordering_fields = ["pushed_at", "updated_at", "state"]
    ordering = ["-pushed_at", "-id"]
    row_fields = {
        "enterprise_name": consented_name("enterprise", "enterprise__name"),
        "allowed_steps": steps_field(Matchmaking, MATCH_STEPS),
        "value_report_ready": Computed(("value_report",),
                                       lambda row, context: row["value_report"] is not None),
    }

    def row_context(self, values):
        return {"consents": consent_map(self.institution, enterprises={row["enterprise"] for row in values})}


@extend_schema_view(get=_read("一个对接项目", "其他机构的对接项目一律 404。", examples.MATCHMAKING))
class MatchmakingDetail(MatchmakingMixin, generics.RetrieveAPIView):
    pass


class MatchmakingStep(StepEndpointMixin, MatchmakingMixin, generics.GenericAPIView):
    """One step of the funnel (alliance/steps.py); one not available now is 409 with the
    allowed steps."""

    step = None
    steps = MATCH_STEPS

    def post(self, request, *args, **kwargs):
        return self.run_step(request, self.step)


STEPS = {
    "interest": ("表示有意向", "已推送 → 有意向。", None),
    "decline": ("表示无意向", "已推送 → 无意向，须给出原因类别和说明。", examples.DECLINE),
    "engage": ("进入深度对接", "有意向 → 深度对接。", None),
    "request_value_report": ("申请初步价值报告", "深度对接阶段可申请交易中心出具初步价值报告。", None),
    "due_diligence": ("进入尽职调查", "深度对接 → 尽职调查。", None),
    "finance": ("登记融资结果", "尽职调查 → 已融资：金额、融资工具、日期。", examples.FINANCE),
    "fail": ("对接失败", "有意向、深度对接或尽职调查 → 对接失败，须给出原因类别和说明。", examples.FAIL),
}


def _step_view(step, summary, description, request_example):
    view = type(f"Matchmaking_{step}", (MatchmakingStep,), {"step": step})
    form = MATCH_STEPS[step].form
    schema = _post(summary, description, serializer_for(form) if form.base_fields else None,
                   s.MatchmakingSerializer, request_example=request_example,
                   response_example=examples.MATCHMAKING)
    return extend_schema_view(post=schema)(view)


STEP_VIEWS = {step: _step_view(step, *spec) for step, spec in STEPS.items()}


@extend_schema_view(
    get=extend_schema(
        summary="下载初步价值报告",
        description="报告尚未出具时 404。",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: ERRORS[404]},
    )
)
class ValueReportDownload(MatchmakingMixin, generics.GenericAPIView):
    def get(self, request, *args, **kwargs):
        matchmaking = self.get_object()
        if matchmaking.value_report_id is None:
            raise NotFound("初步价值报告尚未出具。")
        return serve_file(request, matchmaking.value_report)

    def filter_for_caller(self, queryset):
        return super().filter_for_caller(queryset).select_related("value_report")


# --- Recommendations -------------------------------------------------------------------------------------


@extend_schema_view(
    get=_read("本机构推荐的企业", "本机构向交易中心推荐的企业。", examples.RECOMMENDATION),
    post=_post("推荐企业", "推荐一家企业入板：交易中心据此建立入板线索（储备企业）。统一社会信用代码须有效。",
               s.RecommendationSerializer, s.RecommendationSerializer, status=201,
               request_example=examples.RECOMMENDATION_IN, response_example=examples.RECOMMENDATION),
)
class RecommendationList(InstitutionView, generics.ListCreateAPIView):
    model = Recommendation
    serializer_class = s.RecommendationSerializer
    filterset_fields = ["invested"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=self.institution).select_related("enterprise")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lead = {"credit_code": data.pop("enterprise")["credit_code"], "name": data.pop("name"),
                "prefecture": data.pop("prefecture"), "industry": data.pop("industry")}
        serializer.instance = services.recommend_enterprise(self.request.board, institution=self.institution,
                                                            data=lead, actor=self.request.user, **data)


# --- White list -----------------------------------------------------------------------------------------


class NeedFilter(filters.FilterSet):
    amount_min = filters.NumberFilter(field_name="amount", lookup_expr="gte", label="金额不低于（元）")
    amount_max = filters.NumberFilter(field_name="amount", lookup_expr="lte", label="金额不高于（元）")
    industry = filters.CharFilter(field_name="enterprise__industry", label="行业")
    tier = filters.CharFilter(field_name="enterprise__tier", label="层级代码")

    class Meta:
        model = FinancingNeed
        fields = ["amount_min", "amount_max", "industry", "tier"]


class NeedMixin(InstitutionView):
    model = FinancingNeed
    serializer_class = s.FinancingNeedSerializer
    needs_consents = True

    def filter_for_caller(self, queryset):
        return queryset.filter(state=NeedState.WHITELISTED).select_related("enterprise")


@extend_schema_view(
    get=_read(
        "融资需求白名单",
        "交易中心审核列入白名单的融资需求（摘要已脱敏）。企业编号和名称只在企业向本机构授权时返回。",
        examples.NEED,
    )
)
class NeedList(RowListMixin, NeedMixin, generics.ListAPIView):
    filterset_class = NeedFilter
    ordering_fields = ["amount", "curated_at", "term_months"]
    ordering = ["-curated_at", "-id"]
    row_fields = {
        "enterprise": Computed(("enterprise",), lambda row, context: row["enterprise"]
                               if row["enterprise"] in context["consents"] else None),
        "enterprise_name": consented_name("enterprise", "enterprise__name"),
    }

    def row_context(self, values):
        return {"consents": consent_map(self.institution, enterprises={row["enterprise"] for row in values})}


@extend_schema_view(get=_read("一条白名单融资需求", "未列入白名单的需求一律 404。", examples.NEED))
class NeedDetail(NeedMixin, generics.RetrieveAPIView):
    pass
