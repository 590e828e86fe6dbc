from rest_framework import serializers

from boards.kernel.api.serializers import code_field
from roadshows.models import Invitation


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation to a roadshow: the event, the enterprises presenting (accepted sign-ups), why
    the institution was invited, its answer and its attendance."""

    institution = code_field()
    title = serializers.CharField(source="roadshow.title", read_only=True)
    venue = serializers.CharField(source="roadshow.venue", read_only=True)
    venue_display = serializers.CharField(source="roadshow.get_venue_display", read_only=True)
    location = serializers.CharField(source="roadshow.location", read_only=True)
    starts_at = serializers.DateTimeField(source="roadshow.starts_at", read_only=True)
    roadshow_state = serializers.CharField(source="roadshow.state", read_only=True)
    enterprises = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "institution",
            "title",
            "venue",
            "venue_display",
            "location",
            "starts_at",
            "roadshow_state",
            "enterprises",
            "reasons",
            "state",
            "state_display",
            "answer_note",
            "answered_at",
            "attended",
        ]

    def get_enterprises(self, invitation) -> list[str]:
        return [s.enterprise.name for s in invitation.roadshow.signups.all()]
