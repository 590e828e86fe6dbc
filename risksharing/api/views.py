"""Funder API: an investment-federation member sees the financing cases sent to it, reads both
letters, and answers with its intent (a refusal states its reasons). Another funder's case, or
a caller without the institution role, answers 404; an answer not allowed now answers 409."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics

from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission
from boards.kernel.api.permissions import caller_institution as kernel_caller_institution
from boards.kernel.api.rows import Computed, RowListMixin
from boards.kernel.api.serializers import ErrorSerializer
from boards.kernel.errors import Conflict
from boards.kernel.filings import pdf_response
from boards.kernel.models import FilingState, Role
from boards.kernel.steps import serializer_for
from boards.kernel.steps.api import StepEndpointMixin
from risksharing import selectors
from risksharing.api import serializers as rows
from risksharing.api.serializers import FinancingCaseSerializer
from risksharing.models import FinancingCase
from risksharing.steps import FUNDER_STEPS, AnswerForm


def caller_institution(request):
    return kernel_caller_institution(request, Role.INSTITUTION_USER)


class FunderCaseMixin(BoardScopedViewMixin):
    model = FinancingCase
    permission_classes = [board_role_permission(Role.INSTITUTION_USER)]
    serializer_class = FinancingCaseSerializer

    def filter_for_caller(self, queryset):
        return selectors.funder_cases(queryset, self.request.board, caller_institution(self.request))


class CaseList(RowListMixin, FunderCaseMixin, generics.ListAPIView):
    """The financing cases sent to the caller's institution, newest first: served from values rows
    (boards.kernel.api.rows), the caller's requests and the guarantee letters of the page in one
    query each."""

    filterset_fields = ["state", "mode"]
    row_fields = {
        "mode_name": Computed(("mode",), lambda row, context: context["modes"].get(row["mode"], {})
                              .get("name", row["mode"])),
        "enterprise": Computed(tuple(f"enterprise__{name}" for name in rows.ENTERPRISE_COLUMNS),
                               lambda row, context: rows.enterprise_row(row, context["tiers"])),
        "request": Computed(("id",), lambda row, context: context["requests"][row["id"]]),
        "letters": Computed(("id", *(f"recommendation_letter{name}" for name in rows.LETTER_COLUMNS)),
                            lambda row, context: context["letters"](row)),
    }

    def row_context(self, values):
        return rows.case_rows_context(self.request.board, caller_institution(self.request),
                                      [row["id"] for row in values])


class CaseDetail(FunderCaseMixin, generics.RetrieveAPIView):
    """One case sent to the caller's institution."""


class CaseAnswer(StepEndpointMixin, FunderCaseMixin, generics.GenericAPIView):
    """Answer with the intent letter: ``{"intent": true, "amount": "3000000", "conditions": "..."}``
    or ``{"intent": false, "reasons": "..."}``. Answers the case; an answer not allowed now
    (already answered, or lapsed) is 409 with the steps allowed."""

    steps = FUNDER_STEPS

    def step_target(self):
        return self.get_object().mine[0]

    def step_answer(self, request_row, result):
        return self.get_serializer(self.get_queryset().get(pk=request_row.case_id)).data

    @extend_schema(request=serializer_for(AnswerForm), responses=FinancingCaseSerializer)
    def post(self, request, *args, **kwargs):
        return self.run_step(request, "answer")


class CaseLetter(FunderCaseMixin, generics.GenericAPIView):
    """The PDF of one of the letters sent with the case; 409 while it is being rendered."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                              409: OpenApiResponse(ErrorSerializer, description="函件正在生成")})
    def get(self, request, *args, letter, **kwargs):
        filing = selectors.funder_letter(self.get_object(), letter)
        if filing.state != FilingState.RENDERED:
            raise Conflict(f"函件 {filing.number} 正在生成，请稍后再下载。", details={"state": filing.state})
        return pdf_response(filing)
