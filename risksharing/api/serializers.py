from django.urls import reverse
from rest_framework import serializers

from boards.enterprises.tiers import tier_names
from risksharing import selectors
from risksharing.models import FinancingCase, RequestState


class EnterpriseSerializer(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField()
    prefecture = serializers.CharField()
    industry = serializers.CharField()
    main_business = serializers.CharField()
    tier = serializers.SerializerMethodField()

    def get_tier(self, enterprise) -> str:
        return tier_names(enterprise.board).get(enterprise.tier, "")


class RequestSerializer(serializers.Serializer):
    """The caller's own request on the case: its clock and its answer."""

    id = serializers.IntegerField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    sent_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField(source="answer_deadline.due_at", default=None)
    answer_due_provisional = serializers.BooleanField(source="answer_deadline.provisional", default=False)
    can_answer = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    conditions = serializers.CharField()
    reasons = serializers.CharField()
    answered_at = serializers.DateTimeField()

    def get_can_answer(self, request) -> bool:
        return request.state == RequestState.SENT


class LetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    subject = serializers.CharField()
    state = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, filing) -> str:
        case = self.context["case"]
        return reverse("api-financing-case-letter", kwargs={"board": case.board.slug, "pk": case.pk,
                                                            "letter": filing.pk})


class FinancingCaseSerializer(serializers.ModelSerializer):
    """A case as the funder it was sent to sees it: the enterprise, the need, both letters and
    its own request (never another funder's)."""

    state_display = serializers.CharField(source="get_state_display", read_only=True)
    mode_name = serializers.SerializerMethodField()
    enterprise = EnterpriseSerializer(read_only=True)
    request = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()

    class Meta:
        model = FinancingCase
        fields = ["id", "state", "state_display", "mode", "mode_name", "enterprise", "amount_requested",
                  "purpose", "meeting_at", "request", "letters"]

    def get_mode_name(self, case) -> str:
        return selectors.mode_name(case.board, case.mode)

    def get_request(self, case) -> RequestSerializer:
        return RequestSerializer(case.mine[0]).data

    def get_letters(self, case) -> LetterSerializer(many=True):
        letters = [case.recommendation_letter, *(view.letter for view in case.guarantee_views)]
        return LetterSerializer([f for f in letters if f is not None], many=True, context={"case": case}).data
