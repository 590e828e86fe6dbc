from rest_framework import serializers

from alliance.models import (
    ExitCase,
    FeeAttestation,
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    Membership,
    PerformanceForm,
    Product,
    ProductType,
    ProgressReport,
    Recommendation,
    SelectionRound,
    ServiceApplication,
)
from alliance.service_institutions import SELF_ASSESSMENT
from alliance.steps import MATCH_STEPS
from boards.enterprises.models import FinancingRound, QualificationKind
from boards.kernel.api.serializers import (  # noqa: F401 (s.ErrorSerializer)
    ChoiceLabelField,
    ErrorSerializer,
    InstitutionBriefSerializer,
)
from boards.kernel.steps import available

# --- Products --------------------------------------------------------------------------------------


class ProductSerializer(serializers.ModelSerializer):
    institution = InstitutionBriefSerializer(read_only=True)
    product_type_name = ChoiceLabelField(ProductType, source="product_type")
    amount_min = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    amount_max = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    rate_min = serializers.DecimalField(max_digits=6, decimal_places=3, min_value=0, max_value=100,
                                        required=False, allow_null=True)
    rate_max = serializers.DecimalField(max_digits=6, decimal_places=3, min_value=0, max_value=100,
                                        required=False, allow_null=True)
    term_min_months = serializers.IntegerField(min_value=0, max_value=600)
    term_max_months = serializers.IntegerField(min_value=0, max_value=600)
    approval_days = serializers.IntegerField(min_value=0, max_value=365)
    target_tiers = serializers.ListField(child=serializers.CharField(max_length=30), required=False,
                                         help_text="层级代码；为空表示不限")
    required_qualifications = serializers.ListField(
        child=serializers.ChoiceField(choices=QualificationKind.choices), required=False,
        help_text="企业须持有其中之一；为空表示不限")

    class Meta:
        model = Product
        fields = ["id", "institution", "name", "product_type", "product_type_name", "description",
                  "amount_min", "amount_max", "rate_min", "rate_max", "term_min_months", "term_max_months",
                  "approval_days", "target_tiers", "required_qualifications", "for_tech_enterprises",
                  "board_preference", "is_published", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


# --- Interest profile, white list, recommendations ---------------------------------------------------


class InterestProfileSerializer(serializers.ModelSerializer):
    industries = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    tiers = serializers.ListField(child=serializers.CharField(max_length=30), required=False,
                                  help_text="层级代码")
    stages = serializers.ListField(child=serializers.ChoiceField(choices=FinancingRound.choices),
                                   required=False)
    amount_min = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                         allow_null=True)
    amount_max = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                         allow_null=True)

    class Meta:
        model = InterestProfile
        fields = ["industries", "tiers", "stages", "amount_min", "amount_max", "updated_at"]
        read_only_fields = ["updated_at"]


class ConsentedEnterpriseMixin(serializers.Serializer):
    """The enterprise's name only while it consents to the caller (context ``consents``)."""

    def consented_name(self, enterprise) -> str | None:
        return enterprise.name if enterprise.pk in self.context["consents"] else None


class FinancingNeedSerializer(ConsentedEnterpriseMixin, serializers.ModelSerializer):
    enterprise = serializers.SerializerMethodField(help_text="企业编号；仅当企业向本机构授权时返回")
    enterprise_name = serializers.SerializerMethodField(help_text="仅当企业向本机构授权时返回")
    industry = serializers.CharField(source="enterprise.industry")
    tier = serializers.CharField(source="enterprise.tier")
    whitelisted_at = serializers.DateTimeField(source="curated_at", allow_null=True)

    class Meta:
        model = FinancingNeed
        fields = ["id", "enterprise", "enterprise_name", "industry", "tier", "amount", "term_months",
                  "product_types", "summary", "whitelisted_at"]

    def get_enterprise(self, need) -> int | None:
        return need.enterprise_id if need.enterprise_id in self.context["consents"] else None

    def get_enterprise_name(self, need) -> str | None:
        return self.consented_name(need.enterprise)


class RecommendationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(write_only=True, max_length=200)
    credit_code = serializers.CharField(max_length=18, source="enterprise.credit_code")
    prefecture = serializers.CharField(write_only=True, max_length=60)
    industry = serializers.CharField(write_only=True, max_length=100)
    reason = serializers.CharField(max_length=2000)

    class Meta:
        model = Recommendation
        fields = ["id", "name", "credit_code", "prefecture", "industry", "reason", "invested", "created_at"]
        read_only_fields = ["created_at"]


# --- Matchmaking -------------------------------------------------------------------------------------


class NeedBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinancingNeed
        fields = ["id", "amount", "term_months", "summary"]


class MatchmakingSerializer(ConsentedEnterpriseMixin, serializers.ModelSerializer):
    enterprise_name = serializers.SerializerMethodField(help_text="仅当企业当前仍向本机构授权时返回")
    need = NeedBriefSerializer(read_only=True, allow_null=True)
    state_name = serializers.CharField(source="get_state_display")
    allowed_steps = serializers.SerializerMethodField(help_text="当前可执行的流程操作")
    value_report_ready = serializers.SerializerMethodField()

    class Meta:
        model = Matchmaking
        fields = ["id", "enterprise", "enterprise_name", "need", "state", "state_name", "allowed_steps",
                  "match_reasons", "reason_category", "reason_text", "failed_from",
                  "value_report_requested_at", "value_report_ready", "financed_amount", "financed_instrument",
                  "financed_on", "is_case", "pushed_at", "updated_at"]

    def get_enterprise_name(self, matchmaking) -> str | None:
        return self.consented_name(matchmaking.enterprise)

    def get_allowed_steps(self, matchmaking) -> list[str]:
        return sorted(available(MATCH_STEPS, matchmaking))

    def get_value_report_ready(self, matchmaking) -> bool:
        return matchmaking.value_report_id is not None


# --- Memberships ----------------------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    state_name = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "body", "state", "state_name", "executive_lead", "executive_title", "liaison_name",
                  "liaison_phone", "liaison_email", "declared_preference", "check_result", "reason",
                  "applied_at", "admitted_on"]
        read_only_fields = ["state", "check_result", "reason", "applied_at", "admitted_on"]
        extra_kwargs = {"executive_lead": {"required": True}, "liaison_name": {"required": True},
                        "liaison_phone": {"required": True}}


# --- Exit cases ----------------------------------------------------------------------------------------


class ExitCaseSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="membership.body")
    state_name = serializers.CharField(source="get_state_display")
    answer_due_at = serializers.DateTimeField(source="answer_deadline.due_at", allow_null=True, default=None)

    class Meta:
        model = ExitCase
        fields = ["id", "body", "state", "state_name", "grounds", "notice", "notified_at", "answer_due_at",
                  "answer", "answered_at", "decision_reason", "decided_at"]


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


# --- Jinzhong ------------------------------------------------------------------------------------------


class SelectionRoundSerializer(serializers.ModelSerializer):
    state_name = serializers.CharField(source="get_state_display")

    class Meta:
        model = SelectionRound
        fields = ["id", "title", "notice", "review_mode", "opens_on", "closes_on", "state", "state_name",
                  "publicity_starts_on", "publicity_ends_on"]


SelfAssessmentSerializer = type("SelfAssessmentSerializer", (serializers.Serializer,), {
    key: serializers.CharField(max_length=3000, help_text=label) for key, label in SELF_ASSESSMENT})


class ServiceApplicationSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=SelectionRound.objects.none())
    self_assessment = SelfAssessmentSerializer()
    state_name = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ServiceApplication
        fields = ["id", "round", "self_assessment", "state", "state_name", "eligibility", "submitted_at"]
        read_only_fields = ["state", "eligibility", "submitted_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        board = getattr(self.context.get("request"), "board", None)
        if board is not None:
            self.fields["round"].queryset = SelectionRound.objects.filter(board=board)


class PerformanceFormSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(source="deadline.due_at", allow_null=True, default=None)

    class Meta:
        model = PerformanceForm
        fields = ["id", "month", "enterprises_served", "matchmaking_sessions", "policy_sessions",
                  "partner_banks", "financing_amount", "jcg_startups_served", "notes", "submitted_at",
                  "due_at", "overdue"]

    def get_overdue(self, form) -> bool:
        return form.is_overdue()


class PerformanceInput(serializers.ModelSerializer):
    financing_amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)

    class Meta:
        model = PerformanceForm
        fields = ["enterprises_served", "matchmaking_sessions", "policy_sessions", "partner_banks",
                  "financing_amount", "jcg_startups_served", "notes"]
        extra_kwargs = {name: {"required": True, "max_value": 1_000_000} for name in
                        ("enterprises_served", "matchmaking_sessions", "policy_sessions", "partner_banks",
                         "jcg_startups_served")}


class ProgressReportSerializer(serializers.ModelSerializer):
    due_at = serializers.DateTimeField(source="deadline.due_at", allow_null=True, default=None)
    evidence_sha256 = serializers.CharField(source="evidence.sha256", allow_null=True, default=None)

    class Meta:
        model = ProgressReport
        fields = ["id", "period", "period_label", "summary", "submitted_at", "due_at", "evidence_sha256"]


class ProgressInput(serializers.Serializer):
    summary = serializers.CharField(max_length=10000)
    evidence = serializers.FileField(help_text="印证资料：PDF、Word、Excel 或图片")


class FeeAttestationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(min_value=2025, max_value=2100)

    class Meta:
        model = FeeAttestation
        fields = ["id", "year", "statement", "attested_at"]
        read_only_fields = ["statement", "attested_at"]
