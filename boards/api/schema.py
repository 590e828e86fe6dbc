"""OpenAPI schema: the API-key security scheme, and a generator that works without a board."""

from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator

from boards.api.authentication import KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "boards.api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"机构 API 密钥：`Authorization: {KEYWORD} <前缀>.<密钥>`，"
                           "由 `manage.py issue_api_key` 签发，只对签发的专板有效。",
        }


class BoardlessSchemaGenerator(SchemaGenerator):
    """Generation inspects tenant models (filter fields, path parameters) with no request
    board, hence no scope. It builds queries but reads no rows; RLS still fences the database."""

    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return super().get_schema(request=request, public=public)
