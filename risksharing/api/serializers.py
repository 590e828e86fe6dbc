import functools
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boards.enterprises.tiers import tier_names
from boards.kernel.api.rows import Computed, compile_plan, grouped, url_per_row
from risksharing import selectors
from risksharing.models import EnhancerView, FinancingCase, FunderRequest, RequestState


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

    @extend_schema_field(RequestSerializer)
    def get_request(self, case) -> dict[str, Any]:
        return RequestSerializer(case.mine[0]).data

    @extend_schema_field(LetterSerializer(many=True))
    def get_letters(self, case) -> list[dict[str, Any]]:
        letters = [case.recommendation_letter, *(view.letter for view in case.guarantee_views)]
        return list(LetterSerializer([f for f in letters if f is not None], many=True,
                                     context={"case": case}).data)


# --- The list from values rows (CaseList; boards.kernel.api.rows checks it against the serializers) ---

ENTERPRISE_COLUMNS = ("name", "credit_code", "prefecture", "industry", "main_business", "tier")
LETTER_COLUMNS = ("_id", "__kind", "__number", "__subject", "__state")  # after the letter's FK name


def enterprise_row(row, tiers) -> dict:
    return {**{name: row[f"enterprise__{name}"] for name in ENTERPRISE_COLUMNS[:-1]},
            "tier": tiers.get(row["enterprise__tier"], "")}


@functools.cache
def _request_plan():
    return compile_plan(RequestSerializer, {
        "answer_due_provisional": Computed(("answer_deadline__provisional",),
                                           lambda row, context: bool(row["answer_deadline__provisional"])),
        "can_answer": Computed(("state",), lambda row, context: row["state"] == RequestState.SENT),
    }, model=FunderRequest)


def case_rows_context(board, institution, case_ids) -> dict:
    """What CaseList's computed fields need for a page: the board's mode names and tier names, the
    caller's request on each case (one query) and each case's letters (the 推荐函 from the row, the
    担保推荐函 of the enhancers with guarantee intent in one query)."""
    letter_url = url_per_row("api-financing-case-letter", ("pk", "letter"), board=board.slug)

    def letter(case_id, pk, kind, number, subject, state):
        return {"id": pk, "kind": kind, "number": number, "subject": subject, "state": state,
                "download_url": letter_url(pk=case_id, letter=pk)}

    mine = FunderRequest.objects.filter(case__in=case_ids, funder=institution)
    requests = grouped(_request_plan(), mine, "case")
    guarantees: dict[int, list[dict[str, Any]]] = {}
    for row in (EnhancerView.objects.filter(case__in=case_ids, intent=True, letter__isnull=False)
                .order_by("pk").values("case_id", *(f"letter{name}" for name in LETTER_COLUMNS))):
        guarantees.setdefault(row["case_id"], []).append(
            letter(row["case_id"], *(row[f"letter{name}"] for name in LETTER_COLUMNS)))

    def letters(row):
        own = [row[f"recommendation_letter{name}"] for name in LETTER_COLUMNS]
        return [*([letter(row["id"], *own)] if own[0] is not None else []), *guarantees.get(row["id"], [])]

    return {"modes": board.setting("risksharing.modes", {}), "tiers": tier_names(board),
            "requests": {case: found[0] for case, found in requests.items()}, "letters": letters}
