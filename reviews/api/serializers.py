from rest_framework import serializers

from boards.kernel.workflow import allowed_transitions
from reviews import selectors
from reviews.models import ReviewCase, ReviewKind, SeatState


class EnterpriseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    """What an institution that opened a review follows: its progress and, once decided, the result."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    enterprise = EnterpriseRefSerializer(read_only=True)
    opened_by_institution = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
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
        return allowed_transitions(case)


class OpenCaseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    enterprise = serializers.IntegerField(help_text="企业编号")
    panel_size = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    opened_by_institution = serializers.CharField(
        required=False,
        help_text="发起机构代码（交易中心工作人员代投资机构发起时填写；机构用户自动为本机构）")


class ScheduleMeetingSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)


class HoldMeetingSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(), help_text="出席专家的席位编号")
    observers = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                      default=list)
    answers = serializers.CharField(max_length=10000)


class FeedbackSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class CaseStepSerializer(serializers.Serializer):
    """The body of a case step, for the schema: each step validates its own fields with the
    serializers above; steps without fields take an empty body."""

    at = serializers.DateTimeField(required=False, help_text="schedule_meeting：会议时间")
    place = serializers.CharField(required=False, max_length=200, help_text="schedule_meeting：会议地点")
    attended = serializers.ListField(child=serializers.IntegerField(), required=False,
                                     help_text="hold_meeting：出席专家的席位编号")
    observers = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                      help_text="hold_meeting：列席人员")
    answers = serializers.CharField(required=False, max_length=10000, help_text="hold_meeting：企业答辩要点")
    text = serializers.CharField(required=False, max_length=10000, help_text="send_feedback：反馈意见")
