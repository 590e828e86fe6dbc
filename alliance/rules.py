"""Configured rules evaluated against the data on file: federation admission, Jinzhong
eligibility, the annual grade. Pure reads. Every rule that applies gives one row
``{"rule", "met", "reason"}`` with a Chinese reason, met or not."""

import datetime as dt
from decimal import Decimal

from alliance.config import METRICS
from alliance.models import (
    BlacklistRecord,
    Body,
    Grade,
    InstitutionQualification,
    InstitutionQualificationKind,
    Product,
)
from boards.kernel.models import InstitutionKind

GRADE_ORDER = [Grade.UNQUALIFIED, Grade.QUALIFIED, Grade.EXCELLENT]


def _row(rule, met, reason):
    return {"rule": rule, "met": bool(met), "reason": reason}


def _kind_label(kind):
    return InstitutionKind(kind).label if kind in InstitutionKind.values else kind


def _qualification_row(board, institution, rule, on):
    kind = rule["qualification"]
    label = InstitutionQualificationKind(kind).label
    held = list(InstitutionQualification.objects.filter(board=board, institution=institution, kind=kind)
                .order_by("-valid_until"))
    valid = next((q for q in held if q.is_valid_on(on)), None)
    if valid:
        until = f"，有效期至 {valid.valid_until}" if valid.valid_until else ""
        number = f"（编号 {valid.number}）" if valid.number else ""
        return _row(kind, True, f"持有有效的{label}{number}{until}")
    if held:
        return _row(kind, False, f"登记的{label}在 {on} 不在有效期内，请更新资质材料")
    return _row(kind, False, f"未登记{label}")


def _tech_row(membership):
    products = list(Product.objects.filter(board=membership.board, institution=membership.institution,
                                           is_published=True))
    tech = [p.name for p in products if p.for_tech_enterprises]
    preferred = [p.name for p in products if p.board_preference.strip()]
    if tech:
        return _row("tech_product_or_preference", True, f"有专为科技型企业设计的产品：{'、'.join(tech)}")
    if membership.declared_preference.strip():
        return _row("tech_product_or_preference", True,
                    f"声明对专板企业的优惠：{membership.declared_preference.strip()}")
    if preferred:
        return _row("tech_product_or_preference", True, f"产品对专板企业有优惠：{'、'.join(preferred)}")
    return _row("tech_product_or_preference", False,
                "既无专为科技型企业设计的产品，也未声明在审批流程或费用上对专板企业的优惠")


def admission_rows(membership, on):
    """The board's admission rules for ``membership.body`` on day ``on``."""
    board, institution = membership.board, membership.institution
    body_name = Body(membership.body).label
    spec = board.setting(f"alliance.bodies.{membership.body}")
    if spec is None:
        return [_row("body", False, f"本专板未设立{body_name}")]
    kind_ok = institution.kind in spec["kinds"]
    rows = [_row("institution_kind", kind_ok, f"机构类型「{_kind_label(institution.kind)}」"
                 + ("属于" if kind_ok else "不属于") + f"{body_name}的成员范围")]
    for rule in spec["rules"]:
        kinds = rule.get("institution_kinds")
        if kinds and institution.kind not in kinds:
            continue
        if rule["type"] == "qualification":
            rows.append(_qualification_row(board, institution, rule, on))
        else:
            rows.append(_tech_row(membership))
    return rows


def anniversary(day, years):
    """``day`` plus ``years`` years; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 2, 28)


def eligibility_rows(application, on):
    """Jinzhong eligibility of ``application`` on ``on`` (the round's closing day)."""
    institution, board = application.institution, application.board
    years = board.setting("service_institutions.min_years_established")
    rows = [_row("legal_entity", bool(institution.credit_code),
                 f"统一社会信用代码 {institution.credit_code}，具有独立法人资格" if institution.credit_code
                 else "未登记统一社会信用代码，无法核验独立法人资格")]
    established = institution.established_on
    if established is None:
        rows.append(_row("established", False, f"未登记成立日期，无法核验是否依法成立 {years} 年以上"))
    else:
        due = anniversary(established, years)
        rows.append(_row("established", due <= on, f"成立于 {established}，至 {on} "
                         + ("已满" if due <= on else "未满") + f" {years} 年（满 {years} 年之日为 {due}）"))
    listed = [
        r for r in BlacklistRecord.objects.filter(board=board, institution=institution) if r.active_on(on)
    ]
    rows.append(_row("blacklist", not listed,
                     "；".join(f"{r.source}自 {r.listed_on} 起列入失信/黑名单" for r in listed) if listed
                     else f"截至 {on} 无严重失信行为记录和信用黑名单记录"))
    return rows


def _number(value):
    return Decimal(str(value))


def propose_grade(figures, grades, *, attested, attestation_required, summary_submitted_on=None):
    """``(grade, rows)``: the lowest grade any metric reaches; without the no-fee attestation
    (when the board requires it) the proposal is 不合格. The grade is given on the year-end work
    summary and its evidence (seed 004 第六条3: 根据全年工作总结及印证资料评定等次), so without a
    submitted summary (``summary_submitted_on`` None) the proposal is 不合格 too."""
    rows, reached = [], []
    for key, label in METRICS:
        value, excellent, qualified = (_number(figures[key]), _number(grades["excellent"][key]),
                                       _number(grades["qualified"][key]))
        level = (
            Grade.EXCELLENT
            if value >= excellent
            else Grade.QUALIFIED
            if value >= qualified
            else Grade.UNQUALIFIED
        )
        reached.append(level)
        rows.append(
            {
                "rule": key,
                "met": level != Grade.UNQUALIFIED,
                "level": level.value,
                "reason": f"{label} {figures[key]}（优秀门槛 {excellent}，合格门槛 {qualified}）："
                          f"{level.label}",
            }
        )
    if attestation_required:
        reached.append(Grade.EXCELLENT if attested else Grade.UNQUALIFIED)
        rows.append(
            {
                "rule": "fee_attestation",
                "met": attested,
                "level": (Grade.EXCELLENT if attested else Grade.UNQUALIFIED).value,
                "reason": "已提交不向服务对象收费的承诺" if attested else "未提交不向服务对象收费的承诺",
            }
        )
    reached.append(Grade.EXCELLENT if summary_submitted_on else Grade.UNQUALIFIED)
    rows.append({
        "rule": "annual_summary",
        "met": summary_submitted_on is not None,
        "level": (Grade.EXCELLENT if summary_submitted_on else Grade.UNQUALIFIED).value,
        "reason": f"已于 {summary_submitted_on} 报送年度工作总结及印证资料" if summary_submitted_on
        else "未报送年度工作总结及印证资料",
    })
    return min(reached, key=GRADE_ORDER.index), rows
