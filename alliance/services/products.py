"""The product catalogue (金融超市): members publish, edit and withdraw their products."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction

from alliance.actions import AllianceAction
from alliance.models import (
    Product,
    ProductType,
)
from alliance.services.membership import _require_admitted
from boards.enterprises.models import QualificationKind
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution

# --- Products ------------------------------------------------------------------------------------

PRODUCT_FIELDS = ("name", "product_type", "description", "amount_min", "amount_max", "rate_min", "rate_max",
                  "term_min_months", "term_max_months", "approval_days", "target_tiers",
                  "required_qualifications", "for_tech_enterprises", "board_preference", "is_published")


def _product_errors(board: Board, values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values["amount_min"] > values["amount_max"]:
        errors["amount_max"] = "最高额度不能低于最低额度。"
    if values["term_min_months"] > values["term_max_months"]:
        errors["term_max_months"] = "最长期限不能短于最短期限。"
    rates = values["rate_min"], values["rate_max"]
    if None not in rates and rates[0] > rates[1]:
        errors["rate_max"] = "最高利率/费率不能低于最低利率/费率。"
    tiers = tier_names(board)
    unknown = [t for t in values["target_tiers"] if t not in tiers]
    if unknown:
        errors["target_tiers"] = f"未知层级 {'、'.join(unknown)}；本专板层级：" + "、".join(
            f"{code}（{name}）" for code, name in tiers.items())
    unknown = [q for q in values["required_qualifications"] if q not in QualificationKind.values]
    if unknown:
        errors["required_qualifications"] = f"未知资质 {'、'.join(unknown)}"
    if values["product_type"] not in ProductType.values:
        errors["product_type"] = f"未知产品类型 {values['product_type']}"
    return errors


def _save_product(product: Product, values: Mapping[str, Any], action: AllianceAction,
                  actor: User) -> Product:
    errors = _product_errors(product.board, values)
    if errors:
        raise DomainError("产品信息有误，请按提示修改。", code="invalid", details=errors)
    for name, value in values.items():
        setattr(product, name, value)
    product.save()
    evidence.record(product.board, action, actor=actor, subject=product,
                    payload={"institution": product.institution_id, **values})
    return product


def _default(name: str) -> Any:
    field = Product._meta.get_field(name)
    assert isinstance(field, models.Field), name  # PRODUCT_FIELDS are the product's own columns
    return field.get_default()


@transaction.atomic
def create_product(board: Board, *, institution: Institution, data: Mapping[str, Any],
                   actor: User) -> Product:
    _require_admitted(board, institution)
    values = {name: data.get(name, _default(name)) for name in PRODUCT_FIELDS}
    return _save_product(Product(board=board, institution=institution), values,
                         AllianceAction.PRODUCT_CREATED,
                         actor)


@transaction.atomic
def update_product(product: Product, *, data: Mapping[str, Any], actor: User) -> Product:
    product = locked(product)
    _require_admitted(product.board, product.institution)
    values = {name: data.get(name, getattr(product, name)) for name in PRODUCT_FIELDS}
    return _save_product(product, values, AllianceAction.PRODUCT_UPDATED, actor)


@transaction.atomic
def delete_product(product: Product, *, actor: User) -> None:
    product = locked(product)
    evidence.record(product.board, AllianceAction.PRODUCT_DELETED, actor=actor, subject=product,
                    payload={"institution": product.institution_id, "name": product.name})
    product.delete()
