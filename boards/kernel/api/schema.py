"""OpenAPI schema: the API-key security scheme, and a generator that works without a board and
documents the error envelope on every operation."""

from typing import Any

from django.http import HttpRequest
from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema

from boards.kernel.api import idempotency
from boards.kernel.api.authentication import KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "boards.kernel.api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"机构 API 密钥：`Authorization: {KEYWORD} <前缀>.<密钥>`，"
                           "由 `manage.py issue_api_key` 签发，只对签发的专板有效。",
        }


class BoardlessSchemaGenerator(SchemaGenerator):
    """Generation inspects tenant models (filter fields, path parameters) with no request
    board, hence no scope. It builds queries but reads no rows; RLS still fences the database.
    Every operation lists the error answers it can give (``document_errors``)."""

    def get_schema(self, request: HttpRequest | None = None, public: bool = False) -> dict[str, Any]:
        with scopes_disabled():
            return document_errors(super().get_schema(request=request, public=public))


UNSUPPORTED = "请求体的媒体类型不受支持（请使用 application/json，上传文件时使用 multipart/form-data）"


class KernelAutoSchema(AutoSchema):
    """Documents the ``Idempotency-Key`` header and its 422 on every idempotent POST, and its 415:
    the body is read (to be fingerprinted) before the view runs, so a body of a media type the view
    does not parse is refused first."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        idempotent = isinstance(self.view, idempotency.IdempotentPostMixin)
        if operation is None or self.method != "POST" or not idempotent:
            return operation
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == idempotency.HEADER for p in parameters):
            parameters.append({"in": "header", "name": idempotency.HEADER, "required": False,
                               "schema": {"type": "string", "minLength": 1,
                                          "maxLength": idempotency.MAX_KEY_LENGTH},
                               "description": idempotency.DESCRIPTION})
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        operation["responses"].setdefault("415", {"content": error, "description": UNSUPPORTED})
        operation["responses"].setdefault("422", {"content": error, "description": idempotency.REUSED})
        return operation


# --- The error envelope on every operation -------------------------------------------------------

ERROR_COMPONENTS = {
    # The same shape as alliance.api.serializers.ErrorSerializer, for schemas generated without it.
    "ErrorDetail": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string", "description": "可直接展示给用户的中文说明"},
            "details": {"type": "object", "additionalProperties": {},
                        "description": "例如非法流程操作时的 allowed（当前可执行的操作）"},
        },
        "required": ["code", "details", "message"],
    },
    "Error": {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}},
              "required": ["error"]},
}
GENERIC_ERRORS = {
    "400": "请求参数或提交的数据有误（details 列出各字段问题）",
    "401": "未提供认证信息，或 API 密钥无效、已吊销",
    "403": "会话调用方的写操作未带 CSRF 令牌，或无权执行该操作",
    "404": "不存在、属于其他专板或其他机构、调用方无相应角色，或页码超出范围",
    "409": "当前状态下不能执行该操作（details.allowed 列出可执行的操作）",
    "429": "调用过于频繁（details.retry_after_seconds 为需等待的秒数）",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def error_codes(method: str, operation: dict[str, Any]) -> set[str]:
    """The error answers an operation can give, from what the exception handler and the
    kernel do for every view: 404 always (unknown board, object or page); 400 where the caller
    sends query or header parameters or a body; 401, 403 (CSRF of session writes) and 429
    where it must authenticate; 409 for writes (workflow and state checks)."""
    codes = {"404"}
    if "requestBody" in operation or any(p["in"] != "path" for p in operation.get("parameters", [])):
        codes.add("400")
    if any(requirement for requirement in operation.get("security", [])):
        codes |= {"401", "429"} | ({"403"} if method in WRITE_METHODS else set())
    if method in WRITE_METHODS:
        codes.add("409")
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the ``{"error": {code, message, details}}`` answers each operation can give, unless the
    view already documents that status with its own wording."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, component in ERROR_COMPONENTS.items():
        components.setdefault(name, component)
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in WRITE_METHODS | {"get"}:
                continue
            for code in sorted(error_codes(method, operation)):
                operation["responses"].setdefault(code, {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    "description": GENERIC_ERRORS[code],
                })
    return schema
