"""The 《入板申请表》 (admission application form): what an enterprise declares about itself when it
applies — 企业名称, 统一社会信用代码, 注册资本, 成立日期, 法定代表人, 联系人及电话, 主营业务, 所属行业,
申报类别与依据 and 近两年主要财务数据 (seed 002: 企业向专板提交入板申请表及相关材料).

Invariants:
- the form's facts live where the platform reads them: the enterprise's registry fields and its
  FinancialYear rows; the application keeps only its own ``basis`` (申报类别与依据);
- it can be filled while the application is a draft or returned for supplements, never after;
- an enterprise's own application is submitted only with the form complete (``missing``); the
  financial years required are the two before the current one, from the founding year on.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import Application, Enterprise, FinancialYear
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked

ENTERPRISE_FIELDS = ("industry", "founded_on", "registered_capital", "legal_representative", "contact_name",
                     "contact_phone", "contact_email", "main_business")
REQUIRED_FIELDS = ("industry", "founded_on", "registered_capital", "legal_representative", "contact_name",
                   "contact_phone", "main_business")
MONEY_FIELDS = ("revenue", "net_profit", "rd_expense", "total_assets")
OPEN_STATES = ("draft", "returned")


def form_years(today: dt.date | None = None) -> list[int]:
    """The two financial years the form asks for, latest first."""
    year = (today or timezone.localdate()).year
    return [year - 1, year - 2]


def required_years(enterprise: Enterprise, today: dt.date | None = None) -> list[int]:
    founded = enterprise.founded_on.year if enterprise.founded_on else 0
    return [year for year in form_years(today) if year >= founded]


def _verbose_name(model: type[Model], name: str) -> str:
    """The verbose name of one of ``model``'s own columns (not a relation, which has none)."""
    return str(cast(Field, model._meta.get_field(name)).verbose_name)


def _label(field: str) -> str:
    return _verbose_name(Enterprise, field)


def missing(application: Application) -> list[str]:
    """What the form still lacks, as the applicant reads it (empty when complete)."""
    enterprise = application.enterprise
    gaps = [_label(field) for field in REQUIRED_FIELDS if getattr(enterprise, field) in (None, "")]
    if not application.basis.strip():
        gaps.append("申报类别与依据")
    have = set(enterprise.financials.values_list("year", flat=True))
    gaps += [f"{year} 年度财务数据" for year in required_years(enterprise) if year not in have]
    return gaps


def require_complete(application: Application) -> None:
    gaps = missing(application)
    if gaps:
        raise DomainError(f"请先填写完整的入板申请表，尚缺：{'、'.join(gaps)}。", code="form_incomplete",
                          details={"missing": gaps})


def _check(fields: dict, financials: dict[int, dict]) -> None:
    founded = fields.get("founded_on")
    if founded is not None and founded > timezone.localdate():
        raise DomainError("成立日期不能晚于今天。", code="invalid", details={"field": "founded_on"})
    capital = fields.get("registered_capital")
    if capital is not None and capital <= 0:
        raise DomainError("注册资本必须大于 0 元。", code="invalid", details={"field": "registered_capital"})
    for year, figures in financials.items():
        for name in ("rd_expense", "total_assets", "revenue"):
            if figures.get(name) is not None and figures[name] < 0:
                raise DomainError(f"{year} 年度的{_money_label(name)}不能为负数。", code="invalid",
                                  details={"field": f"{name}_{year}"})


def _money_label(name: str) -> str:
    return _verbose_name(FinancialYear, name).replace("（元）", "")


@transaction.atomic
def fill_application_form(application: Application, *, fields: dict, basis: str,
                          financials: dict[int, dict], actor: Any) -> Application:
    """Save the form: the enterprise's declared facts, the application's basis and the financial
    years given (``{year: {revenue, net_profit, rd_expense, total_assets}}``, Decimal yuan)."""
    application = locked(application, "enterprise")
    if application.state not in OPEN_STATES:
        raise Conflict("申请已提交，申请表不能再修改；如需更正请联系交易中心。", code="form_closed")
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise DomainError(f"申请表没有这些栏目：{'、'.join(sorted(unknown))}。", code="invalid")
    _check(fields, financials)
    enterprise = locked(application.enterprise)  # the declared facts are the registry's
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.save(update_fields=list(fields))
    application.basis = basis.strip()
    application.save(update_fields=["basis"])
    for year, figures in financials.items():
        FinancialYear.objects.update_or_create(
            board=enterprise.board, enterprise=enterprise, year=year,
            defaults={name: figures.get(name) or Decimal(0) for name in MONEY_FIELDS})
    evidence.record(application.board, EnterpriseAction.APPLICATION_FORM_FILLED, actor=actor,
                    subject=application,
                    payload={"state": application.state, "fields": fields, "basis": application.basis,
                             "financials": {str(year): figures for year, figures in financials.items()}})
    return application
