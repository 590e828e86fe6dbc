"""Policies API under /api/v1/<board>/: the catalogue, an enterprise's policy matches, awards
(enterprises apply, staff run the steps) and guarantee-subsidy claims (guarantee firms declare,
staff decide). Another board, another enterprise's or firm's object and a caller without the
role all get the same 404; an illegal step answers 409 with the steps allowed now."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from boards.enterprises.models import Enterprise
from boards.enterprises.tiers import tier_names
from boards.kernel.access import STAFF_ROLES
from boards.kernel.api.permissions import NOT_FOUND, BoardScopedViewMixin, board_role_permission, caller_roles
from boards.kernel.api.permissions import caller_institution as kernel_caller_institution
from boards.kernel.api.rows import Computed, RowListMixin, steps_field
from boards.kernel.models import Role
from boards.kernel.steps.api import StepEndpointMixin, step_schema
from policies import selectors, services
from policies.api import serializers as s
from policies.matching import describe
from policies.models import Award, GuaranteeClaim, Policy
from policies.services import GUARANTEE_KINDS
from policies.steps import AWARD_STEPS, CLAIM_STEPS

READER_ROLES = (*STAFF_ROLES, Role.LOCAL_BUREAU, Role.ENTERPRISE_USER, Role.INSTITUTION_USER,
                Role.CREDIT_ENHANCER, Role.REGULATOR)
ENTERPRISE_ROLES = (*STAFF_ROLES, Role.ENTERPRISE_USER)
CLAIM_ROLES = (*STAFF_ROLES, Role.CREDIT_ENHANCER)


def _is_staff(request):
    return bool(caller_roles(request) & set(STAFF_ROLES))


class PoliciesView(BoardScopedViewMixin):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, role, throttle
        selectors.require_module(request.board, "policies")


class PolicyList(RowListMixin, PoliciesView, generics.ListAPIView):
    """The board's policy catalogue: source, validity, eligibility conditions, benefit."""

    row_fields = {"condition_texts": Computed(("conditions",), lambda row, context: [
        describe(condition, context["tier_names"]) for condition in row["conditions"]])}

    def row_context(self, values):
        return {"tier_names": tier_names(self.request.board)}

    model = Policy
    serializer_class = s.PolicySerializer
    permission_classes = [board_role_permission(*READER_ROLES)]
    filterset_fields = ["beneficiary", "benefit_kind", "recurrence"]
    ordering_fields = ["code", "valid_from"]

    def filter_for_caller(self, queryset):
        return queryset.filter(is_active=True).order_by("code")

    def get_serializer_context(self):
        board = getattr(self.request, "board", None)
        return {**super().get_serializer_context(), "tier_names": tier_names(board) if board else {}}


class EnterprisePolicyMatches(PoliciesView, generics.RetrieveAPIView):
    """The policies enterprise ``id`` qualifies for, with the reasons, and those it nearly
    qualifies for, with what is missing (staff, and the enterprise's own users)."""

    model = Enterprise
    serializer_class = s.EnterpriseMatchesSerializer
    permission_classes = [board_role_permission(*ENTERPRISE_ROLES)]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return selectors.caller_enterprises(self.request.user, self.request.board, caller_roles(self.request))

    def retrieve(self, request, *args, **kwargs):
        enterprise, on = self.get_object(), timezone.localdate()
        qualified, nearly = selectors.policy_matches(enterprise, on)
        return Response(self.get_serializer({"enterprise": enterprise, "on": on, "qualified": qualified,
                                             "nearly": nearly}).data)


class AwardsView(PoliciesView):
    model = Award
    serializer_class = s.AwardSerializer

    def filter_for_caller(self, queryset):
        return selectors.awards_for(self.request.user, self.request.board, caller_roles(self.request)) \
            .order_by("-applied_at", "-pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": _is_staff(self.request)}


class AwardList(RowListMixin, AwardsView, generics.ListCreateAPIView):
    """Awards the caller sees (staff: all; an enterprise user: its own). POST applies for a
    policy (staff for any enterprise, an enterprise user for its own): 409 when a live award
    of the policy exists for the period."""

    permission_classes = [board_role_permission(*ENTERPRISE_ROLES)]
    filterset_fields = ["state", "year", "period"]
    ordering_fields = ["applied_at", "amount"]
    row_fields = {"allowed_steps": steps_field(Award, AWARD_STEPS, shown=lambda context: context["staff"])}

    def row_context(self, values):
        return {"staff": _is_staff(self.request)}

    @extend_schema(operation_id="policies_awards_apply", request=s.ApplySerializer,
                   responses={201: s.AwardSerializer})
    def post(self, request, *args, **kwargs):
        data = s.ApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, board = data.validated_data, request.board
        enterprise = selectors.caller_enterprises(request.user, board, caller_roles(request)) \
            .filter(pk=values["enterprise"]).first()
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [f"没有编号为 {values['enterprise']} 的企业，或无权代其申请。"]})
        policy = selectors.enterprise_policies(board, timezone.localdate()) \
            .filter(code=values["policy"]).first()
        if policy is None:
            raise serializers.ValidationError({"policy": [f"没有代码为 {values['policy']} 的有效企业政策。"]})
        award = services.apply_for_award(enterprise, policy, actor=request.user)
        return Response(self.get_serializer(award).data, status=201)


class AwardStep(StepEndpointMixin, AwardsView, generics.GenericAPIView):
    """Staff run one step of an award: ``verify`` {amount when the paying body sets it},
    ``approve``, ``disburse`` {reference}, ``reject`` {reason}. Answers the award; a step not
    available now answers 409 with the steps that are."""

    permission_classes = [board_role_permission(*STAFF_ROLES)]
    steps = AWARD_STEPS

    @step_schema(AWARD_STEPS, "AwardStep", "policies_awards_step", s.AwardSerializer)
    def post(self, request, *args, step, **kwargs):
        return self.run_step(request, step)


class ClaimsView(PoliciesView):
    model = GuaranteeClaim
    serializer_class = s.GuaranteeClaimSerializer

    def caller_institution(self):
        """The guarantee firm the (non-staff) caller acts for; 404 when none."""
        institution = kernel_caller_institution(self.request, Role.CREDIT_ENHANCER)  # an API key: its own
        if institution is None or institution.kind not in GUARANTEE_KINDS:
            raise NotFound(NOT_FOUND)
        return institution

    def filter_for_caller(self, queryset):
        queryset = queryset.select_related("institution", "policy").order_by("-declared_at", "-pk")
        return queryset if _is_staff(self.request) else queryset.filter(institution=self.caller_institution())


class GuaranteeClaimList(ClaimsView, generics.ListCreateAPIView):
    """Guarantee-subsidy claims (staff: all; a guarantee firm: its own). POST declares new
    tech-SME guarantee business; the answer shows the computation, the cap and any cut."""

    permission_classes = [board_role_permission(*CLAIM_ROLES)]
    filterset_fields = ["year", "state"]
    ordering_fields = ["declared_at"]

    @extend_schema(operation_id="policies_guarantee_claims_declare", request=s.DeclareSerializer,
                   responses={201: s.GuaranteeClaimSerializer})
    def post(self, request, *args, **kwargs):
        data = s.DeclareSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if _is_staff(request):
            institution = values.get("institution")
            if institution is None:
                raise serializers.ValidationError({"institution": ["请填写参与本专板的担保机构代码。"]})
        else:
            institution = self.caller_institution()
        claim = services.declare_guarantee_business(
            request.board, institution=institution, year=values["year"], period_label=values["period_label"],
            guarantee_amount=values["guarantee_amount"], enterprise_count=values["enterprise_count"],
            actor=request.user)
        return Response(self.get_serializer(claim).data, status=201)


class GuaranteeClaimStep(StepEndpointMixin, ClaimsView, generics.GenericAPIView):
    """Staff ``approve``, ``disburse`` or ``reject`` {reason} a claim; a rejected claim gives
    back what it counted against the firm's yearly cap. Answers the claim; a step not
    available now answers 409 with the steps that are."""

    permission_classes = [board_role_permission(*STAFF_ROLES)]
    steps = CLAIM_STEPS

    @step_schema(CLAIM_STEPS, "GuaranteeClaimStep", "policies_guarantee_claims_step",
                 s.GuaranteeClaimSerializer)
    def post(self, request, *args, step, **kwargs):
        return self.run_step(request, step)
