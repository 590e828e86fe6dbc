"""Shared pieces of the alliance API views: the error answers, the POST and read helpers, the
institution base view."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from alliance.api import serializers as s
from alliance.api.permissions import AllianceMember, caller_institution
from boards.enterprises.services.consent import consent_map
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.api.permissions import BoardScopedViewMixin, board_role_permission
from boards.kernel.api.throttling import ApiKeyThrottle

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in (
        (400, "提交的数据有误（details 列出各字段问题）"),
        (404, "不存在、属于其他专板或其他机构、或调用方无相应角色"),
        (409, "当前状态下不能执行该操作（details.allowed 列出可执行的操作）"),
        (422, "幂等键已用于另一个不同的请求"),
    )
}


def _post(summary, description, request, response, *, status=200, request_example=None,
          response_example=None):
    """The schema of an idempotent POST: its examples and the error answers."""
    examples_ = []
    if request_example is not None:
        examples_.append(OpenApiExample("请求示例", value=request_example, request_only=True))
    if response_example is not None:
        examples_.append(OpenApiExample("响应示例", value=response_example, response_only=True,
                                        status_codes=[str(status)]))
    return extend_schema(summary=summary, description=description, request=request,
                         responses={status: response, **ERRORS},
                         examples=examples_)


def _read(summary, description, example):
    return extend_schema(summary=summary, description=description,
                         examples=[OpenApiExample("示例", value=example, response_only=True)])


class InstitutionView(BoardScopedViewMixin):
    """Base of the member endpoints."""

    permission_classes = [board_role_permission(*INSTITUTION_ROLES), AllianceMember]
    throttle_classes = [ApiKeyThrottle]

    @property
    def institution(self):
        return caller_institution(self.request)

    # Serializers that show an enterprise's identity only while it consents to the caller.
    needs_consents = False

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.needs_consents and not getattr(self, "swagger_fake_view", False):
            context["consents"] = consent_map(self.institution)
        return context
