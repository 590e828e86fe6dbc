from rest_framework import serializers

from boards.kernel.api.serializers import code_field
from boards.kernel.participation import BoardInstitutionField
from boards.kernel.steps import available
from policies.matching import describe
from policies.models import Award, GuaranteeClaim, Policy
from policies.steps import AWARD_STEPS


class PolicySerializer(serializers.ModelSerializer):
    """A catalogue entry; ``condition_texts`` are the conditions in words."""

    beneficiary_display = serializers.CharField(source="get_beneficiary_display", read_only=True)
    benefit_kind_display = serializers.CharField(source="get_benefit_kind_display", read_only=True)
    recurrence_display = serializers.CharField(source="get_recurrence_display", read_only=True)
    condition_texts = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = ["code", "title", "summary", "source_document", "document_number", "source_clause",
                  "issuing_bodies", "responsible_units", "valid_from", "valid_until", "beneficiary",
                  "beneficiary_display", "conditions", "condition_texts", "benefit_kind",
                  "benefit_kind_display", "amount", "formula", "cap", "recurrence", "recurrence_display",
                  "auto_propose", "parameters"]

    def get_condition_texts(self, policy) -> list[str]:
        return [describe(condition, self.context["tier_names"]) for condition in policy.conditions]


class CheckSerializer(serializers.Serializer):
    condition = serializers.CharField()
    met = serializers.BooleanField()
    reason = serializers.CharField()
    near = serializers.BooleanField(help_text="财务指标未达标但在容差范围内")
    manual = serializers.BooleanField(help_text="由工作人员在奖补核验时核对")


class AwardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class MatchSerializer(serializers.Serializer):
    policy = serializers.CharField(source="policy.code")
    title = serializers.CharField(source="policy.title")
    status = serializers.CharField()
    status_label = serializers.CharField()
    checks = CheckSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    may_apply = serializers.BooleanField()
    award = AwardRefSerializer(allow_null=True)


class EnterpriseMatchesSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    name = serializers.CharField(source="enterprise.name")
    on = serializers.DateField()
    qualified = MatchSerializer(many=True)
    nearly = MatchSerializer(many=True)


class AwardSerializer(serializers.ModelSerializer):
    policy = code_field()
    policy_title = serializers.CharField(source="policy.title", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    allowed_steps = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = ["id", "policy", "policy_title", "enterprise", "enterprise_name", "period", "state",
                  "state_display", "amount", "reasons", "proposed_automatically", "source", "applied_at",
                  "verified_at", "approved_at", "year", "disbursed_at", "payment_reference", "rejected_at",
                  "rejection_reason", "allowed_steps"]

    def get_allowed_steps(self, award) -> list[str]:
        return sorted(available(AWARD_STEPS, award)) if self.context.get("staff") else []


class ApplySerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="企业编号")
    policy = serializers.CharField(help_text="政策代码")


class GuaranteeClaimSerializer(serializers.ModelSerializer):
    institution = code_field()
    policy = code_field()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    granted_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = GuaranteeClaim
        fields = ["id", "policy", "institution", "year", "period_label", "guarantee_amount",
                  "enterprise_count", "risk_rate", "premium_rate", "risk_compensation", "premium_subsidy",
                  "cap", "cap_used_before", "cut", "capped_granted", "granted_risk_compensation",
                  "granted_premium_subsidy", "granted_total", "explanation", "state", "state_display",
                  "rejection_reason", "declared_at", "decided_at", "disbursed_at"]


class DeclareSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period_label = serializers.CharField(max_length=40, help_text="业务期间，如 2026年第一季度")
    guarantee_amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0,
                                                help_text="新增科技型小微企业融资担保（再担保）额，元")
    enterprise_count = serializers.IntegerField(min_value=1, help_text="服务企业户数")
    institution = BoardInstitutionField(required=False,
                                        help_text="担保机构代码（工作人员代为申报时填写）；须为参与本专板的机构")
