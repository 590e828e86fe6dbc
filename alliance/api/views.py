"""The institutions' REST API of the alliance, under ``/api/v1/<board>/alliance/``.

Invariants: the caller acts for one institution that is a member on this board (Jinzhong duties:
an appointed service institution); it sees its own products, profile, matchmakings,
recommendations and exit cases, and of enterprises only what they consent to it now. Another
board, another institution's object and a caller without the role all get the same 404.
Every list paginates, filters and orders; every POST honours ``Idempotency-Key``; every call
is throttled per API key.
"""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from alliance import selectors, service_institutions, services
from alliance.api import examples
from alliance.api import serializers as s
from alliance.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from alliance.api.idempotency import IdempotentPostMixin
from alliance.api.permissions import AllianceMember, AppointedServiceInstitution, caller_institution
from alliance.models import (
    ExitCase,
    FeeAttestation,
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    MatchState,
    Membership,
    NeedState,
    PerformanceForm,
    Product,
    ProductType,
    ProgressReport,
    Recommendation,
    RoundState,
    SelectionRound,
    ServiceApplication,
)
from boards.enterprises.api.enterprises import InstitutionEnterpriseViewSet
from boards.enterprises.services.consent import consent_map
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.permissions import NOT_FOUND, BoardScopedViewMixin, board_role_permission
from boards.kernel.api.throttling import ApiKeyThrottle
from boards.kernel.files import serve_file

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in (
        (400, "提交的数据有误（details 列出各字段问题）"),
        (404, "不存在、属于其他专板或其他机构、或调用方无相应角色"),
        (409, "当前状态下不能执行该操作（details.allowed 列出可执行的操作）"),
        (422, "幂等键已用于另一个不同的请求"),
    )
}


def _post(summary, description, request, response, *, status=200, request_example=None,
          response_example=None):
    """The schema of an idempotent POST: its examples and the error answers."""
    examples_ = []
    if request_example is not None:
        examples_.append(OpenApiExample("请求示例", value=request_example, request_only=True))
    if response_example is not None:
        examples_.append(OpenApiExample("响应示例", value=response_example, response_only=True,
                                        status_codes=[str(status)]))
    return extend_schema(summary=summary, description=description, request=request,
                         responses={status: response, **ERRORS}, parameters=[IDEMPOTENCY_KEY],
                         examples=examples_)


def _read(summary, description, example):
    return extend_schema(summary=summary, description=description,
                         examples=[OpenApiExample("示例", value=example, response_only=True)])


class InstitutionView(BoardScopedViewMixin):
    """Base of the member endpoints."""

    permission_classes = [board_role_permission(*INSTITUTION_ROLES), AllianceMember]
    throttle_classes = [ApiKeyThrottle]

    @property
    def institution(self):
        return caller_institution(self.request)

    # Serializers that show an enterprise's identity only while it consents to the caller.
    needs_consents = False

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.needs_consents and not getattr(self, "swagger_fake_view", False):
            context["consents"] = consent_map(self.institution)
        return context


# --- 金融超市: public catalogue ----------------------------------------------------------------------

CATALOGUE_ORDERING = ["name", "amount_min", "amount_max", "rate_min", "term_max_months", "approval_days",
                      "updated_at"]


class CatalogueMixin:
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = s.ProductSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        if "alliance" not in self.request.board.setting("modules", []):
            raise NotFound(NOT_FOUND)
        return selectors.catalogue(self.request.board)


@extend_schema_view(
    get=_read(
        "金融超市产品目录（公开）",
        "本专板在册联盟成员上架的全部金融产品，可按关键词、类型、金额、"
        "期限、利率、审批时限、层级和资质检索。无需认证。",
        examples.PRODUCT,
    )
)
class CatalogueList(CatalogueMixin, generics.ListAPIView):
    filterset_class = selectors.CatalogueFilter
    ordering_fields = CATALOGUE_ORDERING
    ordering = ["name", "id"]


@extend_schema_view(get=_read("金融超市产品详情（公开）", "一款上架产品。", examples.PRODUCT))
class CatalogueDetail(CatalogueMixin, generics.RetrieveAPIView):
    pass


# --- Own products ------------------------------------------------------------------------------------


class ProductFilter(filters.FilterSet):
    product_type = filters.MultipleChoiceFilter(choices=ProductType.choices)
    is_published = filters.BooleanFilter()
    for_tech_enterprises = filters.BooleanFilter()

    class Meta:
        model = Product
        fields = ["product_type", "is_published", "for_tech_enterprises"]


class OwnProductMixin(InstitutionView):
    model = Product
    serializer_class = s.ProductSerializer

    def filter_for_caller(self, queryset):
        return queryset.filter(institution=self.institution).select_related("institution")


@extend_schema_view(
    get=_read("本机构的金融产品", "本机构在本专板发布的产品（含未上架）。", examples.PRODUCT),
    post=_post(
        "发布金融产品",
        "在册（未暂停）成员发布一款产品；额度、期限、利率区间须下限不高于上限，层级须为本专板层级代码。",
        s.ProductSerializer,
        s.ProductSerializer,
        status=201,
        request_example=examples.PRODUCT_IN,
        response_example=examples.PRODUCT,
    ),
)
class ProductList(IdempotentPostMixin, OwnProductMixin, generics.ListCreateAPIView):
    filterset_class = ProductFilter
    ordering_fields = CATALOGUE_ORDERING
    ordering = ["name", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.create_product(self.request.board, institution=self.institution,
                                                      data=serializer.validated_data, actor=self.request.user)


@extend_schema_view(
    get=_read("本机构的一款产品", "其他机构的产品一律 404。", examples.PRODUCT),
    put=extend_schema(
        summary="修改产品",
        request=s.ProductSerializer,
        responses={200: s.ProductSerializer, **ERRORS},
        examples=[OpenApiExample("请求示例", value=examples.PRODUCT_IN, request_only=True)],
    ),
    patch=extend_schema(
        summary="修改产品的部分字段",
        responses={200: s.ProductSerializer, **ERRORS},
        examples=[OpenApiExample("下架", value={"is_published": False}, request_only=True)],
    ),
    delete=extend_schema(summary="删除产品", responses={204: None, 404: ERRORS[404]}),
)
class ProductDetail(OwnProductMixin, generics.RetrieveUpdateDestroyAPIView):
    def perform_update(self, serializer):
        serializer.instance = services.update_product(serializer.instance, data=serializer.validated_data,
                                                      actor=self.request.user)

    def perform_destroy(self, instance):
        services.delete_product(instance, actor=self.request.user)


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
class MatchmakingList(MatchmakingMixin, generics.ListAPIView):
    filterset_class = MatchmakingFilter
    ordering_fields = ["pushed_at", "updated_at", "state"]
    ordering = ["-pushed_at", "-id"]


@extend_schema_view(get=_read("一个对接项目", "其他机构的对接项目一律 404。", examples.MATCHMAKING))
class MatchmakingDetail(MatchmakingMixin, generics.RetrieveAPIView):
    pass


class MatchmakingStep(IdempotentPostMixin, MatchmakingMixin, generics.GenericAPIView):
    """One step of the funnel; an illegal one is 409 with the allowed steps."""

    step = None
    input_serializer = None

    def handle_post(self, request, *args, **kwargs):
        matchmaking = self.get_object()
        data = {}
        if self.input_serializer is not None:
            payload = self.input_serializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
        if self.step == "request_value_report":
            matchmaking = services.request_value_report(matchmaking, actor=request.user)
        else:
            matchmaking = services.move_matchmaking(matchmaking, self.step, actor=request.user, **data)
        return Response(self.get_serializer(matchmaking).data)


STEPS = {
    "interest": (None, "表示有意向", "已推送 → 有意向。", None),
    "decline": (s.ReasonInput, "表示无意向", "已推送 → 无意向，须给出原因类别和说明。", examples.DECLINE),
    "engage": (None, "进入深度对接", "有意向 → 深度对接。", None),
    "request_value_report": (None, "申请初步价值报告", "深度对接阶段可申请交易中心出具初步价值报告。", None),
    "due_diligence": (None, "进入尽职调查", "深度对接 → 尽职调查。", None),
    "finance": (
        s.FinanceInput,
        "登记融资结果",
        "尽职调查 → 已融资：金额、融资工具、日期。",
        examples.FINANCE,
    ),
    "fail": (
        s.ReasonInput,
        "对接失败",
        "有意向、深度对接或尽职调查 → 对接失败，须给出原因类别和说明。",
        examples.FAIL,
    ),
}


def _step_view(step, input_serializer, summary, description, request_example):
    view = type(f"Matchmaking_{step}", (MatchmakingStep,),
                {"step": step, "input_serializer": input_serializer})
    schema = _post(summary, description, input_serializer, s.MatchmakingSerializer,
                   request_example=request_example, response_example=examples.MATCHMAKING)
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
class RecommendationList(IdempotentPostMixin, InstitutionView, generics.ListCreateAPIView):
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
class NeedList(NeedMixin, generics.ListAPIView):
    filterset_class = NeedFilter
    ordering_fields = ["amount", "curated_at", "term_months"]
    ordering = ["-curated_at", "-id"]


@extend_schema_view(get=_read("一条白名单融资需求", "未列入白名单的需求一律 404。", examples.NEED))
class NeedDetail(NeedMixin, generics.RetrieveAPIView):
    pass


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
class ExitCaseAnswer(IdempotentPostMixin, ExitCaseMixin, generics.GenericAPIView):
    def handle_post(self, request, *args, **kwargs):
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
class MembershipList(IdempotentPostMixin, BoardScopedViewMixin, generics.ListCreateAPIView):
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
class ApplicationList(IdempotentPostMixin, BoardScopedViewMixin, generics.ListCreateAPIView):
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
class PerformanceFormSubmit(IdempotentPostMixin, DutyMixin, generics.GenericAPIView):
    model = PerformanceForm
    serializer_class = s.PerformanceFormSerializer

    def handle_post(self, request, *args, **kwargs):
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
        parameters=[IDEMPOTENCY_KEY],
        responses={200: s.ProgressReportSerializer, **ERRORS},
        examples=[OpenApiExample("响应示例", value=examples.PROGRESS, response_only=True)],
    )
)
class ProgressReportSubmit(IdempotentPostMixin, DutyMixin, generics.GenericAPIView):
    model = ProgressReport
    serializer_class = s.ProgressReportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def handle_post(self, request, *args, **kwargs):
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
class FeeAttestationList(IdempotentPostMixin, DutyMixin, generics.ListCreateAPIView):
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

