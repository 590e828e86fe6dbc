"""Generated: every admin add and change form and every API create operation, given another
board's objects in every foreign key and many-to-many field, refuses and writes nothing.

The attacker board's staff (and its institution user, on the API) write on their own board and
name the victim board's objects: a victim-only institution, a victim-only account, any victim row
of a tenant model. A refusal is the field's own error (admin, API 400 naming the field), a
403 (the form is not theirs to post) or a 404 (an object they cannot name); nothing is written:
no row of the model and no evidence entry on either board.
"""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import EvidenceEntry, Institution, TenantModel
from boards.kernel.participation import institutions_on, users_on
from boards.kernel.scoping import board_scope
from tests.isolation import registry

pytestmark = [pytest.mark.xdist_group("probes"), pytest.mark.django_db]

STATS = {"admin": 0, "api": 0}


def _victim_objects(world, model):
    """Up to two objects of ``model`` that take part in the victim's board and not the attacker's."""
    victim, attacker = world.victim.board, world.attacker.board
    if model is Institution:
        return list(institutions_on(victim).exclude(pk__in=institutions_on(attacker).values("pk"))[:2])
    if model is get_user_model():
        return list(users_on(victim).exclude(pk__in=users_on(attacker).values("pk"))[:2])
    if issubclass(model, TenantModel):
        with board_scope(victim):
            return list(model._base_manager.filter(board=victim)[:2])
    return []


def _own_object(world, model):
    """An object of ``model`` that takes part in the attacker's own board (a valid reference)."""
    attacker = world.attacker.board
    if model is Institution:
        return institutions_on(attacker).first()
    if model is get_user_model():
        return users_on(attacker).first()
    with board_scope(attacker):
        return model._base_manager.filter(board=attacker).first()


def _both(world):
    return [world.victim.board, world.attacker.board]


def _counts(world, model):
    with board_scope(_both(world)):
        return model._base_manager.count(), EvidenceEntry.objects.count()


def _staff_client(world):
    from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY

    client = Client()
    client.force_login(world.attacker.staff)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = world.attacker.board.pk
    session.save()
    return client


def _admin_forms(world, client):
    """(url, form) of every admin add form, and of the change form of one attacker-board row."""
    for model, _admin in registry.admin_models():
        info = model._meta.app_label, model._meta.model_name
        urls = [f"/admin/{info[0]}/{info[1]}/add/"]
        if issubclass(model, TenantModel):
            with board_scope(world.attacker.board):
                own = model._base_manager.filter(board=world.attacker.board).first()
            if own is not None:
                urls.append(f"/admin/{info[0]}/{info[1]}/{own.pk}/change/")
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            context = response.context if response.status_code == 200 and response.context else {}
            adminform = context.get("adminform")
            # Custom add views (a step's own form) render ``form``.
            yield model, url, response.status_code, adminform.form if adminform else context.get("form")


def test_every_admin_form_refuses_other_boards_objects(world):
    client = _staff_client(world)
    probed = []
    for model, url, status, form in _admin_forms(world, client):
        if form is None:
            assert status in (403, 404) or status == 302, (url, status)
            continue
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                continue
            for foreign in _victim_objects(world, field.queryset.model):
                before = _counts(world, model)
                value = [foreign.pk] if isinstance(field, forms.ModelMultipleChoiceField) else foreign.pk
                response = client.post(url, {name: value})
                assert response.status_code in (200, 400, 403, 404), (url, name, response.status_code)
                if response.status_code in (200, 400):
                    context = response.context
                    errors = (context["adminform"].form if "adminform" in context else context["form"]).errors
                    assert name in errors, (url, name, "accepted another board's", foreign)
                assert _counts(world, model) == before, (url, name)
                probed.append((url, name))
    STATS["admin"] = len(probed)
    print(f"admin writes naming another board's object: {len(probed)} (form, field, object), all refused")
    # The fields that matter most are reached: institutions, accounts and tenant rows.
    names = {name for _url, name in probed}
    assert {"institution", "user", "enterprise"} <= names, names
    assert len(probed) >= 30, len(probed)


# --- API -------------------------------------------------------------------------------------------

# Body properties that name an object, and how the victim's object is written there.
REFERENCES = {
    "enterprise": ("Enterprise", "pk"), "institution": (Institution, "code"),
    "opened_by_institution": (Institution, "code"), "funder": (Institution, "code"),
    "transferee": (Institution, "code"), "expert": ("Expert", "pk"), "policy": ("Policy", "code"),
    "round": ("SelectionRound", "pk"), "need": ("FinancingNeed", "pk"), "product": ("Product", "pk"),
    "campaign": ("Campaign", "pk"), "application": ("Application", "pk"), "user": (None, "pk"),
}


def _model(name):
    from django.apps import apps

    if name is None:
        return get_user_model()
    if not isinstance(name, str):
        return name
    return next(model for model in apps.get_models() if model.__name__ == name)


def _sample(schema):
    """A plausible valid value of a property's schema."""
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return (timezone.now() + dt.timedelta(days=3)).isoformat()
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number" or fmt == "decimal":
        return "1000.00"
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "测试"


def _resolve(spec, schema):
    if "$ref" in schema:
        return _resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    for key in ("allOf", "oneOf"):
        if key in schema:
            merged = {"properties": {}, "required": []}
            for part in schema[key]:
                part = _resolve(spec, part)
                merged["properties"].update(part.get("properties", {}))
                merged["required"] += part.get("required", [])
            return merged
    return schema


def _create_operations(spec):
    """(path, method, body schema) of every write whose only path parameter is the board."""
    for path, item in spec["paths"].items():
        if set(part.strip("{}") for part in path.split("/") if part.startswith("{")) != {"board"}:
            continue
        for method in ("post", "put", "patch"):
            operation = item.get(method)
            if not operation or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            media = content.get("application/json") or next(iter(content.values()))
            yield path, method, _resolve(spec, media["schema"])


def test_every_api_write_refuses_other_boards_objects(world):
    spec = BoardlessSchemaGenerator().get_schema(request=None, public=True)
    callers = {"staff": world.attacker.staff, "institution_user": world.attacker.institution_user,
               "credit_enhancer": world.attacker.credit_enhancer}
    probed = []
    for path, method, schema in _create_operations(spec):
        properties = schema.get("properties", {})
        named = [prop for prop in properties if prop in REFERENCES]
        for prop in named:
            model, attr = REFERENCES[prop]
            model = _model(model)
            for foreign in _victim_objects(world, model):
                body = {key: _sample(_resolve(spec, value)) for key, value in properties.items()
                        if not value.get("readOnly")}
                for other in named:  # every other reference: a valid one of the attacker's own board
                    own = _own_object(world, _model(REFERENCES[other][0]))
                    if other != prop and own is not None:
                        body[other] = getattr(own, REFERENCES[other][1])
                body[prop] = getattr(foreign, attr)
                url = path.replace("{board}", world.attacker.board.slug)
                for who, user in callers.items():
                    api = APIClient()
                    api.force_authenticate(user)
                    before = _counts(world, EvidenceEntry)
                    response = getattr(api, method)(url, body, format="json")
                    status = response.status_code
                    assert status in (400, 403, 404, 405, 409), (url, prop, who, status, response.content)
                    if status == 400:
                        details = response.json()["error"]["details"]
                        assert prop in details or "non_field_errors" in details, (url, prop, who, details)
                    assert _counts(world, EvidenceEntry) == before, (url, prop, who)
                    probed.append((url, prop, who))
    STATS["api"] = len(probed)
    print(f"API writes naming another board's object: {len(probed)} (operation, field, caller), all refused")
    assert {prop for _url, prop, _who in probed} >= {"enterprise", "institution", "opened_by_institution"}
    assert len(probed) >= 20, len(probed)
