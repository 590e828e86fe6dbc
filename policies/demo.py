"""Demo data of the policies app (seed_demo): the numbered policies of seeds [001] (Inner Mongolia),
[002] (Xinjiang) and [003] (Ordos) on their boards; on the Inner Mongolia board the 300,000-yuan
first-listing award in every state and a guarantee firm's claims of this year, the last one cut
to the cap; on the Ordos board the targets with their 2022–2025 actuals, the 14-task ledger and a
year of quarterly reports by the lead units, some late and two still overdue.

Idempotent: policies and targets on their codes, tasks on their numbers, awards on (enterprise,
policy), claims on (firm, period), actuals on (target, year), reports on (unit, quarter).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel import demo
from boards.kernel.models import BoardMembership, Filing, Institution, Role
from policies import ordos, selectors, services
from policies.models import (
    Award,
    GuaranteeClaim,
    LedgerUnit,
    Policy,
    ProgrammeTarget,
    QuarterlyReport,
    ReportState,
    TargetActual,
)

NMG_001 = {
    "source_document": "内蒙古自治区关于加强财政金融协同服务科技“突围”工程的意见",
    "document_number": "内党金办发〔2025〕15号",
    "issuing_bodies": ["中共内蒙古自治区委员会金融委员会办公室", "内蒙古自治区科学技术厅",
                       "内蒙古自治区财政厅", "中国人民银行内蒙古自治区分行",
                       "国家金融监督管理总局内蒙古监管局", "中国证券监督管理委员会内蒙古监管局"],
    "valid_from": dt.date(2025, 3, 26),
}
TECH_KINDS = ["tech_sme", "high_tech", "tech_benchmark", "innovative_enterprise"]
XJ_002 = {
    "source_document": "关于开展自治区“专精特新”专板入板申报工作的通知 三、配套政策",
    "document_number": "",
    "issuing_bodies": ["新疆维吾尔自治区工业和信息化厅", "新疆维吾尔自治区地方金融监督管理局",
                       "中国证券监督管理委员会新疆监管局"],
}
SPECIALISED = {"type": "qualification", "kinds": ["specialized_sme", "little_giant"]}
ORDOS_003 = {
    "source_document": "鄂尔多斯市金融支持人才和科技创新工作方案（2022—2025年）",
    "document_number": "鄂金办发〔2022〕53号",
    "issuing_bodies": ["鄂尔多斯市人民政府金融工作办公室", "中共鄂尔多斯市委组织部", "鄂尔多斯市科学技术局",
                       "鄂尔多斯市财政局", "鄂尔多斯市人力资源和社会保障局", "鄂尔多斯市市场监督管理局"],
    "valid_from": dt.date(2022, 1, 1), "valid_until": dt.date(2025, 12, 31),
}

POLICIES = {
    "nmg-kcb": [
        {**NMG_001, "code": "nmg-first-listing-award", "source_clause": "一、（一）",
         "title": "科技创新专板优选层、上市层首次挂牌奖补",
         "summary": "对首次在区域性股权市场（内蒙古股权交易中心）“科技创新专板”优选层和上市层"
                    "挂牌的科技型企业，一次性给予每家企业30万元奖补。",
         "responsible_units": ["科技厅", "财政厅"], "payer": "kjt", "beneficiary": "enterprise",
         "conditions": [{"type": "tier_entry", "tiers": ["premium", "listing"]},
                        {"type": "qualification", "kinds": TECH_KINDS}],
         "benefit_kind": "fixed", "amount": Decimal("300000"), "recurrence": "one_time",
         "auto_propose": True},
        {**NMG_001, "code": "nmg-high-tech-first", "source_clause": "一、（一）",
         "title": "首次认定国家高新技术企业财政奖补",
         "summary": "对首次认定的国家高新技术企业给予财政奖补（金额由主管部门核定）。",
         "responsible_units": ["科技厅", "财政厅"], "payer": "kjt", "beneficiary": "enterprise",
         "conditions": [{"type": "first_qualification", "kinds": ["high_tech"], "within_years": 1}],
         "benefit_kind": "unspecified", "recurrence": "one_time"},
        {**NMG_001, "code": "nmg-benchmark-first", "source_clause": "一、（一）",
         "title": "自治区科技标杆企业认定财政奖补",
         "summary": "对自治区认定的自治区科技标杆企业给予财政奖补（金额由主管部门核定）。",
         "responsible_units": ["科技厅", "财政厅"], "payer": "kjt", "beneficiary": "enterprise",
         "conditions": [{"type": "first_qualification", "kinds": ["tech_benchmark"], "within_years": 1}],
         "benefit_kind": "unspecified", "recurrence": "one_time"},
        {**NMG_001, "code": "nmg-guarantee-subsidy", "source_clause": "一、（四）",
         "title": "融资担保风险补偿和保费补助",
         "summary": "落实《内蒙古自治区融资担保公司风险补偿和保费补助资金管理办法》（内财金规〔2023〕36号），"
                    "对当年新增科技型小微企业融资担保（再担保）业务的融资担保公司给予风险补偿和保费补助，"
                    "每家每年风险补偿上限不超500万元。",
         "responsible_units": ["财政厅", "党委金融办"], "payer": "jrb", "beneficiary": "guarantee_firm",
         "benefit_kind": "formula", "cap": Decimal("5000000"), "recurrence": "yearly"},
        {**NMG_001, "code": "nmg-npl-tolerance", "source_clause": "五、（十四）",
         "title": "小微型科技企业不良贷款容忍度",
         "summary": "小微型科技企业不良贷款容忍度可较各项贷款不良率提高不超过3个百分点。",
         "responsible_units": ["内蒙古金融监管局", "中国人民银行内蒙古自治区分行", "内蒙古证监局",
                               "党委金融办", "科技厅"],
         "beneficiary": "institution", "benefit_kind": "none", "recurrence": "yearly",
         "parameters": {"npl_tolerance_above_overall_pp_max": 3}},
    ],
    "xj-zjtx": [
        {**XJ_002, "code": "xj-tier-support", "source_clause": "（一）",
         "title": "专板规范层、培育层企业支持",
         "summary": "自治区人民政府办公厅《自治区专精特新中小企业倍增培育行动计划（2023-2025年）》"
                    "明确对进入专板“规范层”“培育层”企业予以支持。",
         "valid_from": dt.date(2023, 1, 1), "valid_until": dt.date(2025, 12, 31), "payer": "gxt",
         "beneficiary": "enterprise", "conditions": [{"type": "tier", "tiers": ["standard", "cultivation"]}],
         "benefit_kind": "unspecified", "recurrence": "yearly"},
        {**XJ_002, "code": "xj-tutoring-subsidy", "source_clause": "（一）",
         "title": "首发上市辅导备案补助",
         "summary": "对申请首发上市辅导备案的“专精特新”企业予以上市政策补助"
                    "（《倍增培育行动计划（2023-2025年）》）。",
         "valid_from": dt.date(2023, 1, 1), "valid_until": dt.date(2025, 12, 31), "payer": "gxt",
         "beneficiary": "enterprise",
         "conditions": [SPECIALISED, {"type": "qualification", "kinds": ["ipo_tutoring"]}],
         "benefit_kind": "unspecified", "recurrence": "one_time"},
        {**XJ_002, "code": "xj-ipo-filing-subsidy", "source_clause": "（一）",
         "title": "首发上市申请补助",
         "summary": "对成功提交首发上市申请的“专精特新”企业予以上市政策补助"
                    "（《倍增培育行动计划（2023-2025年）》）。",
         "valid_from": dt.date(2023, 1, 1), "valid_until": dt.date(2025, 12, 31), "payer": "gxt",
         "beneficiary": "enterprise",
         "conditions": [SPECIALISED,
                        {"type": "manual", "label": "已成功提交首发上市申请（交易所受理通知书）"}],
         "benefit_kind": "unspecified", "recurrence": "one_time"},
        {**XJ_002, "code": "xj-neeq-fast-track", "source_clause": "（二）",
         "title": "全国股转系统挂牌审核“快车道”",
         "summary": "对在股交中心挂牌的专精特新中小企业、专精特新“小巨人”企业、制造业单项冠军企业、“专精特新”"
                    "专板培育层企业等4类企业，开通审核“快车道”，提供申报前咨询、优先受理、快速审核等专项支持措施。",
         "valid_from": dt.date(2023, 12, 25), "beneficiary": "enterprise",
         "conditions": [{"type": "any",
                         "conditions": [SPECIALISED, {"type": "tier", "tiers": ["cultivation"]}]}],
         "benefit_kind": "none", "recurrence": "one_time",
         "parameters": {"categories": ["专精特新中小企业", "专精特新“小巨人”企业", "制造业单项冠军企业",
                                       "专板培育层企业"]}},
    ],
    "ordos": [
        {**ORDOS_003, "code": "ordos-relending", "source_clause": "附件1 二、（一）1",
         "title": "科技创新专项再贷款",
         "summary": "引导辖内金融机构积极争取人民银行2000亿元科技创新专项再贷款额度，支持高新技术企业、"
                    "“专精特新”“小巨人”企业等科技企业有效获得低成本融资。",
         "responsible_units": ["人民银行鄂尔多斯市中心支行", "市政府金融办"], "beneficiary": "institution",
         "benefit_kind": "none", "recurrence": "yearly",
         "parameters": {"relending_quota_yuan": "200000000000"}},
        {**ORDOS_003, "code": "ordos-innovation-fund", "source_clause": "附件1 二、（二）7",
         "title": "科技创新基金",
         "summary": "加快30亿元科技创新基金募集进度，并持续扩大基金规模，重点支持由行业主管部门认定的"
                    "高层次人才团队创新创业项目。",
         "responsible_units": ["市财政局", "市转型发展投资公司"], "beneficiary": "enterprise",
         "conditions": [{"type": "manual", "label": "由行业主管部门认定的高层次人才团队创新创业项目"}],
         "benefit_kind": "none", "recurrence": "one_time", "parameters": {"fund_size_yuan": "3000000000"}},
    ],
}

GOALS = "鄂金办发〔2022〕53号 附件1 一、工作目标"
LEDGER = "鄂金办发〔2022〕53号 附件2 第{}项"
# (code, title, kind, threshold, unit, source, demo actuals 2022..2025)
TARGETS = [
    ("loan_growth", "人才和科创贷款年增速", "yearly_min", 30, "%", GOALS, [34.2, 31.5, 27.8, 32.1]),
    ("first_loan_growth", "人才和科创企业“首贷户”年增长", "yearly_min", 20, "%", GOALS,
     [22.4, 18.6, 21.0, 20.3]),
    ("listings", "科创或带有科技属性的企业上市挂牌融资", "period_total", 2, "家", GOALS, [0, 1, 0, 1]),
    ("funds", "新设服务人才和科技创新的私募基金管理机构或投资基金", "period_total", 3, "个（支）", GOALS,
     [1, 1, 0, 2]),
    ("products", "金融机构开发“人才投”“人才贷”“人才保”“人才险”等金融服务项目", "yearly_min", 3, "项",
     GOALS, [3, 5, 2, 4]),
    ("matchmaking", "线上线下融资对接活动", "yearly_min", 4, "次", LEDGER.format(14), [4, 6, 5, 3]),
    ("ip_pledge", "知识产权质押融资“入园惠企”活动", "yearly_min", 2, "次", LEDGER.format(3), [2, 3, 1, 2]),
    ("talents", "引进金融高端人才", "period_total", 20, "名", LEDGER.format(10), [4, 6, 5, 3]),
]
# Units whose report is late in a quarter: (unit index + quarter index) % LATE_EVERY == 0.
LATE_EVERY = 4
STILL_OPEN = 2  # in the latest quarter, the last units have not reported yet


def _seed_policies(board):
    for data in POLICIES.get(board.slug, []):
        policy, _ = Policy.objects.update_or_create(board=board, code=data["code"], defaults=data)
        policy.full_clean()


STEP_ARGUMENTS: dict[Callable[..., Any], dict[str, str]] = {
    services.disburse_award: {"reference": "NMG-KJT-2026-0001"},
    services.reject_award: {"reason": "经核查，该企业不属于首次在优选层、上市层挂牌，不予支持。"},
}


def _seed_awards(board, stdout):
    """The first-listing award in every state, on enterprises of the tiers it names."""
    policy = Policy.objects.get(board=board, code="nmg-first-listing-award")
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    verify, approve, disburse = services.verify_award, services.approve_award, services.disburse_award
    steps = [[], [verify], [verify, approve], [verify, approve, disburse], [services.reject_award]]
    candidates = Enterprise.objects.filter(board=board, tier__in=["premium", "listing"]) \
        .order_by("credit_code")
    done = 0
    for enterprise, run in zip(candidates, steps, strict=False):
        if Award.objects.filter(enterprise=enterprise, policy=policy).exists():
            continue
        award = services.apply_for_award(enterprise, policy, proposed=True, source="demo")
        for step in run:
            award = step(award, actor=staff, **STEP_ARGUMENTS.get(step, {}))
        done += 1
    year = timezone.localdate().year
    if done and not Filing.objects.filter(board=board, kind="policies.awards", year=year).exists():
        services.file_awards(board, year=year, actor=staff)
    stdout.write(f"{board.short_name}：首次挂牌奖补 {Award.objects.filter(board=board).count()} 笔")


def _seed_guarantee_claims(board, stdout):
    firm = Institution.objects.get(code="NMGUAR")
    user = get_user_model().objects.get(username="inst.nmguar")
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    year = timezone.localdate().year
    for label, amount, approve in (("第一季度", "200000000.00", True), ("第二季度", "250000000.00", True),
                                   ("第三季度", "100000000.00", False)):
        period = f"{year}年{label}"
        if GuaranteeClaim.objects.filter(board=board, institution=firm, period_label=period).exists():
            continue
        claim = services.declare_guarantee_business(
            board, institution=firm, year=year, period_label=period, guarantee_amount=Decimal(amount),
            enterprise_count=40, actor=user)
        if approve:
            services.approve_guarantee_claim(claim, actor=staff)
    stdout.write(f"{board.short_name}：担保补助申报 {GuaranteeClaim.objects.filter(board=board).count()} 笔")


def _unit_contacts(board, units):
    """The bureau's demo user reports for the first unit (市政府金融办 leads most tasks); each
    other unit gets a contact account of its own."""
    users = get_user_model().objects
    for index, unit in enumerate(units):
        if unit.contact_id:
            continue
        if unit.name == "市政府金融办":
            unit.contact = users.get(username=f"{board.slug}.bureau")
        else:
            username = f"{board.slug}.unit{index:02d}"
            unit.contact, _ = users.get_or_create(username=username, defaults={
                "first_name": f"{unit.name}联系人", "email": f"{username}@{demo.EMAIL_DOMAIN}",
                "password": make_password(demo.DEMO_PASSWORD)})
            BoardMembership.objects.get_or_create(user=unit.contact, board=board, role=Role.LOCAL_BUREAU)
        unit.save(update_fields=["contact"])


def _last_quarters(count, last_year=None):
    """The last ``count`` ended quarters (of the programme, when it ended), oldest first."""
    year, quarter = selectors.last_ended_quarter(timezone.localdate())
    if last_year is not None and year > last_year:
        year, quarter = last_year, 4
    quarters = []
    for _ in range(count):
        quarters.insert(0, (year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarters


def _seed_ordos(board, stdout):
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    for position, (code, title, kind, threshold, unit, source, actuals) in enumerate(TARGETS):
        target, _ = ProgrammeTarget.objects.update_or_create(board=board, code=code, defaults={
            "title": title, "kind": kind, "threshold": threshold, "unit": unit, "first_year": 2022,
            "last_year": 2025, "source": source, "position": position})
        for year, value in zip(range(2022, 2026), actuals, strict=True):
            if not TargetActual.objects.filter(target=target, year=year).exists():
                ordos.record_target_actual(target, year=year, value=Decimal(str(value)), actor=staff)
    ordos.load_ledger(board)
    units = list(LedgerUnit.objects.filter(board=board, tasks__isnull=False).distinct().order_by("name"))
    _unit_contacts(board, units)
    last_year = board.setting("policies.ledger_last_year")
    quarters = _last_quarters(4, last_year)
    # a closed programme has every report in (some late); a running one waits for its last units
    ended = last_year is not None and timezone.localdate().year > last_year
    still_open = 0 if ended else STILL_OPEN
    for q_index, (y, q) in enumerate(quarters):
        ordos.open_quarter_reports(board, y, q)
        for u_index, unit in enumerate(units):
            latest = q_index == len(quarters) - 1
            if latest and u_index >= len(units) - still_open:
                continue
            report = QuarterlyReport.objects.select_related("deadline").get(board=board, unit=unit, year=y,
                                                                            quarter=q)
            if report.state != ReportState.OPEN:
                continue
            late = (u_index + q_index) % LATE_EVERY == 0
            at = min(report.deadline.due_at + dt.timedelta(days=2 if late else -1), timezone.now())
            entries = {entry.task.number: {
                "progress": f"{y}年第{q}季度：{entry.task.title}按计划推进，已完成阶段性工作。",
                "problems": "部分金融机构产品审批周期较长。" if late else "",
                "next_steps": "继续推动落实，下季度开展专项调度。"}
                for entry in report.entries.select_related("task")}
            ordos.submit_quarterly_report(report, actor=unit.contact, entries=entries, at=at)
    stdout.write(f"{board.short_name}：目标 {len(TARGETS)} 项，重点任务 14 项，季度台账 "
                 f"{QuarterlyReport.objects.filter(board=board).count()} 份")


EXTRAS = {"nmg-kcb": [_seed_awards, _seed_guarantee_claims]}


@demo.demo_seeder(order=60)
def seed_policies(board, stdout):
    if "policies" not in board.setting("modules", []):
        return
    _seed_policies(board)
    for seed in EXTRAS.get(board.slug, []):
        seed(board, stdout)
    if "ordos_ledger" in board.setting("modules", []):
        _seed_ordos(board, stdout)
