from rest_framework import serializers

from cultivation.models import ListingMilestone, ListingPath


class MilestoneSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    securities_firm = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

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
    securities_firm = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = ListingPath
        fields = ["id", "enterprise", "enterprise_name", "credit_code", "stage", "stage_display",
                  "target_market", "target_market_display", "securities_firm", "enrolled_on",
                  "joint_stock_on", "tutoring_on", "communication_on", "filed_on", "listed_on",
                  "withdrawn_on", "withdrawn_reason", "milestones"]
