from rest_framework import serializers

from boards.kernel.api.serializers import code_field
from cultivation.models import FollowUpAction, ListingMilestone, ListingPath, ResearchVisit


class MilestoneSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    securities_firm = code_field(allow_null=True)

    class Meta:
        model = ListingMilestone
        fields = ["stage", "stage_display", "occurred_on", "reference", "note", "securities_firm",
                  "recorded_at"]


class ListingPathSerializer(serializers.ModelSerializer):
    """A listing path: the stage reached, its dates, the serving securities firm (by code) and the
    milestones recorded, oldest first."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    target_market_display = serializers.CharField(source="get_target_market_display", read_only=True)
    securities_firm = code_field(allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = ListingPath
        fields = ["id", "enterprise", "enterprise_name", "credit_code", "stage", "stage_display",
                  "target_market", "target_market_display", "securities_firm", "enrolled_on",
                  "joint_stock_on", "tutoring_on", "communication_on", "filed_on", "listed_on",
                  "withdrawn_on", "withdrawn_reason", "milestones"]


class FollowUpSerializer(serializers.ModelSerializer):
    due_at = serializers.DateTimeField(source="deadline.due_at", read_only=True, allow_null=True)

    class Meta:
        model = FollowUpAction
        fields = ["title", "state", "due_at", "result", "done_at"]


class ResearchVisitSerializer(serializers.ModelSerializer):
    """A research visit the calling institution took part in: what was found and what follows."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    need_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    actions = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = ResearchVisit
        fields = ["id", "enterprise", "enterprise_name", "scheduled_on", "purpose", "state", "state_display",
                  "visited_on", "findings", "problems", "needs", "need_labels", "needs_detail", "advice",
                  "actions"]
