"""The API side of the step mechanism: one POST endpoint ``…/<pk>/<step>/`` per workflow.

The body is validated by the serializer made from the step's form; the step must be
available now (checked before the body, and again on the locked row): otherwise 409 with
``details.allowed``, through the kernel's exception handler like every other error."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from boards.kernel.api.permissions import ViewMixinBase, caller_roles
from boards.kernel.api.serializers import ErrorSerializer
from boards.kernel.steps.declaration import Steps, refuse_unless_available, run
from boards.kernel.steps.inputs import _serializer_field, serializer_for


def union_serializer(name: str, steps: Steps) -> type[serializers.Serializer]:
    """For the schema: every field any step takes, optional, its help naming the steps."""
    fields: dict[str, serializers.Field] = {}
    users: dict[str, list[str]] = {}
    for step_name, step in steps.items():
        for field_name, form_field in step.form.base_fields.items():
            users.setdefault(field_name, []).append(step_name)
            fields.setdefault(field_name, _serializer_field(form_field))
    for field_name, field in fields.items():
        field.required = False
        field.help_text = f"{'、'.join(users[field_name])}：{field.label or field_name}"
    doc = "一个办理步骤的请求体：各步骤只读取自己的字段；没有字段的步骤提交空请求体。"
    return type(name, (serializers.Serializer,), {"__doc__": doc, **fields})


def step_schema(steps: Steps, name: str, operation_id: str, answer: Any) -> Any:
    return extend_schema(request=union_serializer(name, steps), operation_id=operation_id, responses={
        200: answer,
        400: OpenApiResponse(ErrorSerializer, description="提交的数据有误（details 列出各字段问题）"),
        404: OpenApiResponse(ErrorSerializer, description="没有这个操作、对象不存在或调用方无相应角色"),
        409: OpenApiResponse(ErrorSerializer,
                             description="该步骤当前不可办理（details.allowed 列出可办理的步骤）"),
    })


class StepEndpointMixin(ViewMixinBase):
    """On a GenericAPIView whose ``get_object`` finds the row the caller may see."""

    steps: Steps = {}

    def run_step(self, request: Request, step: str) -> Response:
        spec = self.steps.get(step)
        roles = caller_roles(request)
        if spec is None or (spec.roles and not roles & set(spec.roles)):
            raise NotFound("没有这个操作。")
        obj = self.step_target()
        refuse_unless_available(self.steps, step, obj, roles)  # the 409 lists the caller's steps only
        body = serializer_for(spec.form)(data=request.data, context={"obj": obj, "files": request.FILES})
        body.is_valid(raise_exception=True)
        result = run(self.steps, step, obj, request.user, body.validated_data, roles)
        return Response(self.step_answer(obj, result))

    def step_target(self) -> Any:
        """The row the step acts on: the endpoint's object by default."""
        return self.get_object()

    def step_answer(self, obj: Any, result: Any) -> Any:
        """The row after the step, as the endpoint's serializer shows it."""
        return self.get_serializer(self.get_queryset().get(pk=obj.pk)).data
