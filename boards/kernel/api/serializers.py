import functools
from typing import Any

from django.db.models import Choices
from django.urls import reverse
from django.utils.translation import get_language
from rest_framework import serializers

from boards.kernel.models import Board, Filing, FilingState, Institution, Notification, Role


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField(help_text="可直接展示给用户的中文说明")
    details = serializers.DictField(help_text="例如非法流程操作时的 allowed（当前可执行的操作）")


class ErrorSerializer(serializers.Serializer):
    """The error envelope of every API answer (boards/api/errors.py)."""

    error = ErrorDetailSerializer()


def code_field(*, allow_null: bool = False) -> serializers.SlugRelatedField[Any]:
    """A related row shown by its ``code`` (an institution's, a policy's), read only."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=allow_null)


@functools.cache
def _choice_labels(choices: type[Choices], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


class ChoiceLabelField(serializers.CharField):
    """The label of a choice value; ``source`` names the model field, ``choices`` its Choices
    class. ``get_FOO_display`` rebuilds the whole choice dict from lazy labels on every call; this
    maps through one dict per language (lists of hundreds of rows call it hundreds of times)."""

    def __init__(self, choices: type[Choices], **kwargs: Any) -> None:
        self.choice_class = choices
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return _choice_labels(self.choice_class, get_language()).get(value, value)


class BoardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Board
        fields = ["slug", "name_zh", "name_en", "kind", "operator", "region"]


class InstitutionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["code", "name", "kind"]


class MeSerializer(serializers.Serializer):
    board = BoardSerializer()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    institution = InstitutionBriefSerializer(allow_null=True)
    via_api_key = serializers.BooleanField()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "url", "created_at", "read_at"]


class FilingSerializer(serializers.ModelSerializer):
    addressee_name = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = ["id", "number", "year", "sequence", "kind", "addressee", "addressee_name", "subject",
                  "subject_type", "subject_id", "state", "sha256", "created_at", "rendered_at",
                  "download_url"]

    def get_download_url(self, filing: Filing) -> str | None:
        if filing.state != FilingState.RENDERED:
            return None
        return reverse("api-filing-download", kwargs={"board": filing.board.slug, "pk": filing.pk})
