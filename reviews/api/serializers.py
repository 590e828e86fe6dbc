from rest_framework import serializers

from boards.kernel.api.serializers import code_field
from boards.kernel.participation import BoardInstitutionField
from boards.kernel.steps import available
from reviews import selectors
from reviews.models import ReviewCase, ReviewKind, SeatState
from reviews.steps import CASE_STEPS


class EnterpriseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    """What an institution that opened a review follows: its progress and, once decided, the result."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    enterprise = EnterpriseRefSerializer(read_only=True)
    opened_by_institution = code_field(allow_null=True)
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = ReviewCase
        fields = ["id", "kind", "kind_display", "enterprise", "opened_by_institution", "state",
                  "state_display", "panel_size", "created_at", "material_sent_at", "meeting_at",
                  "meeting_place", "passed", "decided_at", "feedback"]

    def get_feedback(self, case) -> str:
        return case.feedback if case.state in selectors.FEEDBACK_STATES else ""


class SeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    expert = serializers.CharField(source="expert.name")
    field = serializers.CharField(source="expert.get_field_display")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    sent_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    review_due_at = serializers.DateTimeField(source="review_deadline.due_at", default=None)
    clock_paused = serializers.SerializerMethodField()
    attended = serializers.BooleanField(allow_null=True)
    vote = serializers.SerializerMethodField()

    def get_clock_paused(self, seat) -> bool:
        return seat.state == SeatState.SUPPLEMENT_REQUESTED

    def get_vote(self, seat) -> str | None:
        return seat.opinion.vote if seat.state == SeatState.SUBMITTED else None


class StaffCaseSerializer(CaseSerializer):
    """Staff see the panel, the votes and the steps allowed now."""

    seats = SeatSerializer(many=True, read_only=True)
    allowed_steps = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["votes", "observers", "enterprise_answers", "seats",
                                               "allowed_steps"]

    def get_allowed_steps(self, case) -> list[str]:
        return available(CASE_STEPS, case)


class OpenCaseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    enterprise = serializers.IntegerField(help_text="企业编号")
    panel_size = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    opened_by_institution = BoardInstitutionField(
        required=False,
        help_text="发起机构代码（交易中心工作人员代投资机构发起时填写；机构用户自动为本机构）")


