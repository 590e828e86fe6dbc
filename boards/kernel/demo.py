"""Demo data for ``manage.py seed_demo``: the four tenants, one user per role per tenant,
institutions with their users, and a registry where apps plug in their own per-board seeders.

Invariants: every write is an update_or_create on a natural key (slug, code, username,
membership triple), so running the seed again changes nothing. The demo password is set only here.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.utils.module_loading import autodiscover_modules

from boards.kernel.models import Board, BoardMembership, Institution, InstitutionKind, Role
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Output(Protocol):
    """Where the seed reports (a management command's ``stdout``)."""

    def write(self, msg: str, /) -> object: ...


Seeder = Callable[[Board, Output], object]

DEMO_PASSWORD = "zhuanban-demo-2026"
EMAIL_DOMAIN = "example.com"

# Demo username of a role on a board: "<board slug>.<suffix>", e.g. "nmg-kcb.staff".
ROLE_USERNAMES = {
    Role.EXCHANGE_STAFF: "staff",
    Role.LOCAL_BUREAU: "bureau",
    Role.ENTERPRISE_USER: "enterprise",
    Role.EXPERT: "expert",
    Role.INSTITUTION_USER: "institution",
    Role.CREDIT_ENHANCER: "enhancer",
    Role.REGULATOR: "regulator",
    Role.PLATFORM_ADMIN: "admin",
}
# Roles that work in the web admin (DOMAIN.md section 8).
ADMIN_ROLES = {Role.EXCHANGE_STAFF, Role.LOCAL_BUREAU, Role.PLATFORM_ADMIN}
PLATFORM_ADMIN_USERNAME = "platform.admin"
ENHANCER_KINDS = {InstitutionKind.GUARANTEE, InstitutionKind.REGUARANTEE, InstitutionKind.INSURANCE,
                  InstitutionKind.PRODUCTIVITY_CENTRE}

BOARDS: list[dict[str, Any]] = [  # each board's seed: its fields and its demo data
    {
        "slug": "nmg-kcb",
        "name_zh": "内蒙古科技创新专板",
        "short_name": "内蒙古科创板",
        "name_en": "Inner Mongolia Science and Technology Innovation Board",
        "kind": "board",
        "operator": "内蒙古股权交易中心、内蒙古生产力促进中心有限公司",
        "region": "内蒙古自治区",
        "filing_prefix": "NMG-KCB",
        "regulators": [{"code": "jrb", "name": "自治区金融办"}, {"code": "kjt", "name": "自治区科技厅"}],
        "config": {"modules": ["boards", "admission", "custody", "disclosure", "reviews", "alliance",
                               "risksharing", "policies", "listing_cultivation", "research_visits",
                               "operation_reports", "tracking_evaluation"]},
        # Demo-only data below: not Board fields.
        "bureau_prefecture": "呼和浩特市",
        "role_institutions": {Role.EXCHANGE_STAFF: "NMGEX", Role.INSTITUTION_USER: "IMB",
                              Role.CREDIT_ENHANCER: "NMPC"},
        # (prefecture, prefix of enterprise names, 6-digit division where they register)
        "places": [("呼和浩特市", "内蒙古", "150105"), ("包头市", "包头", "150203"),
                   ("赤峰市", "赤峰", "150402"), ("通辽市", "通辽", "150502"),
                   ("鄂尔多斯市", "鄂尔多斯市", "150602"), ("乌兰察布市", "乌兰察布", "150902")],
        "industries": ["稀土功能材料", "新材料科技", "乳业科技", "生物科技", "智能装备", "风电科技",
                       "氢能科技", "信息技术", "草业科技", "检测技术"],
    },
    {
        "slug": "xj-zjtx",
        "name_zh": "新疆“专精特新”专板",
        "short_name": "新疆专精特新专板",
        "name_en": "Xinjiang Specialised, Refined, Distinctive and Innovative SME Board",
        "kind": "board",
        "operator": "新疆股权交易中心",
        "region": "新疆维吾尔自治区",
        "filing_prefix": "XJ-ZJTX",
        "regulators": [{"code": "gxt", "name": "自治区工信厅"},
                       {"code": "jrjg", "name": "自治区地方金融监管局"},
                       {"code": "zjj", "name": "新疆证监局"}],
        "config": {"modules": ["boards", "admission", "custody", "disclosure", "policies",
                               "listing_cultivation", "research_visits", "operation_reports",
                               "tracking_evaluation", "roadshows", "equity_incentives"],
                   # No alliance here: any securities firm serving the board may serve a listing path.
                   "cultivation": {"securities_body": ""}},
        "bureau_prefecture": "乌鲁木齐市",
        "role_institutions": {Role.EXCHANGE_STAFF: "XJEX", Role.INSTITUTION_USER: "XJBANK",
                              Role.CREDIT_ENHANCER: "XJGUAR"},
        "places": [("乌鲁木齐市", "新疆", "650104"), ("昌吉回族自治州", "昌吉", "652301"),
                   ("克拉玛依市", "克拉玛依", "650204"), ("伊犁哈萨克自治州", "伊犁", "654002"),
                   ("巴音郭楞蒙古自治州", "库尔勒", "652801"), ("哈密市", "哈密", "650502")],
        "industries": ["硅基新材料", "石油装备", "光伏科技", "棉纺科技", "特色农业科技", "生物科技",
                       "软件技术", "储能科技", "节水灌溉科技", "精细化工"],
    },
    {
        "slug": "ordos",
        "name_zh": "鄂尔多斯市金融支持人才和科技创新工作方案（2022—2025年）",
        "short_name": "鄂尔多斯人才科创金融",
        "name_en": "Ordos Finance for Talent and Technology Innovation Programme 2022–2025",
        "kind": "programme",
        "operator": "鄂尔多斯市人民政府金融工作办公室",
        "region": "内蒙古自治区鄂尔多斯市",
        "filing_prefix": "ORDOS",
        "regulators": [{"code": "jrb", "name": "鄂尔多斯市政府金融办"}],
        "config": {"modules": ["boards", "policies", "ordos_ledger", "alliance", "roadshows"],
                   # 鄂金办发〔2022〕53号 runs 2022–2025: the ledger closed with its final figures.
                   "policies": {"ledger_last_year": 2025},
                   # A programme without admission: its registered enterprises present at 项目路演 (第13条).
                   "roadshows": {"signup_statuses": ["prospect", "admitted"]}},
        "bureau_prefecture": "康巴什区",
        "role_institutions": {Role.INSTITUTION_USER: "ORDOSBANK", Role.CREDIT_ENHANCER: "ORDOSGUAR"},
        "places": [("东胜区", "鄂尔多斯市", "150602"), ("康巴什区", "鄂尔多斯市", "150603"),
                   ("达拉特旗", "达拉特旗", "150621"), ("准格尔旗", "准格尔旗", "150622"),
                   ("伊金霍洛旗", "伊金霍洛旗", "150627"), ("鄂托克旗", "鄂托克旗", "150624")],
        "industries": ["煤化工技术", "氢能科技", "新能源科技", "羊绒科技", "智能装备", "现代煤炭技术",
                       "碳材料科技", "信息技术"],
    },
    {
        "slug": "jinzhong",
        "name_zh": "晋中市科技金融服务机构遴选及考核",
        "short_name": "晋中科技金融服务机构",
        "name_en": "Jinzhong Sci-Tech Finance Service Institutions Programme",
        "kind": "programme",
        "operator": "晋中市科学技术局",
        "region": "山西省晋中市",
        "filing_prefix": "JZ",
        "regulators": [{"code": "kjt", "name": "山西省科学技术厅"}],
        "config": {"modules": ["boards", "service_institutions", "alliance", "policies"]},
        "bureau_prefecture": "榆次区",
        "role_institutions": {Role.INSTITUTION_USER: "JCKJ", Role.CREDIT_ENHANCER: "SXZDB"},
        "places": [("榆次区", "晋中", "140702"), ("太谷区", "山西", "140703"), ("介休市", "介休", "140781"),
                   ("平遥县", "平遥", "140728"), ("祁县", "祁县", "140727"), ("寿阳县", "寿阳", "140725")],
        "industries": ["农业科技", "生物科技", "新材料科技", "液压科技", "智能装备", "信息技术",
                       "食品科技", "节能科技"],
    },
]
BOARD_FIELDS = ("name_zh", "short_name", "name_en", "kind", "operator", "region", "filing_prefix",
                "regulators", "config")

# (code, name, kind, 6-digit division of registration, boards it serves)
INSTITUTIONS = [
    ("BOC", "中国银行股份有限公司", "bank", "110102", ["nmg-kcb", "xj-zjtx"]),
    ("IMB", "内蒙古银行股份有限公司", "bank", "150105", ["nmg-kcb", "ordos"]),
    ("ORDOSBANK", "鄂尔多斯银行股份有限公司", "bank", "150602", ["ordos"]),
    ("XJBANK", "新疆银行股份有限公司", "bank", "650104", ["xj-zjtx"]),
    ("URCB", "乌鲁木齐银行股份有限公司", "bank", "650102", ["xj-zjtx"]),
    ("JSHB", "晋商银行股份有限公司", "bank", "140105", ["jinzhong"]),
    ("NMGEX", "内蒙古股权交易中心股份有限公司", "exchange", "150105", ["nmg-kcb"]),
    ("XJEX", "新疆股权交易中心有限公司", "exchange", "650104", ["xj-zjtx"]),
    ("NMPC", "内蒙古生产力促进中心有限公司", "productivity_centre", "150105", ["nmg-kcb"]),
    ("NMZDB", "内蒙古再担保有限公司", "reguarantee", "150105", ["nmg-kcb", "ordos"]),
    ("NMGUAR", "内蒙古中小企业融资担保有限公司", "guarantee", "150105", ["nmg-kcb"]),
    ("ORDOSGUAR", "鄂尔多斯市融资担保有限公司", "guarantee", "150602", ["ordos"]),
    ("XJGUAR", "新疆融资担保有限责任公司", "guarantee", "650104", ["xj-zjtx"]),
    ("SXZDB", "山西省融资再担保集团有限公司", "reguarantee", "140105", ["jinzhong"]),
    ("PICCJZ", "中国人民财产保险股份有限公司晋中市分公司", "insurance", "140702", ["jinzhong"]),
    ("NMKCFUND", "内蒙古科创投资基金管理有限公司", "fund", "150105", ["nmg-kcb", "ordos"]),
    ("XJFUND", "新疆天山创业投资管理有限公司", "fund", "650104", ["xj-zjtx"]),
    ("HTZQ", "恒泰证券股份有限公司", "securities", "150102", ["nmg-kcb", "ordos"]),
    ("SWHY", "申万宏源证券承销保荐有限责任公司", "securities", "650102", ["xj-zjtx"]),
    ("SXZQ", "山西证券股份有限公司", "securities", "140105", ["jinzhong"]),
    ("NMCPA", "内蒙古正信会计师事务所有限责任公司", "accounting", "150105", ["nmg-kcb"]),
    ("NMLAW", "内蒙古正和律师事务所", "law", "150105", ["nmg-kcb"]),
    ("NMVAL", "内蒙古中实资产评估有限公司", "valuation", "150105", ["nmg-kcb"]),
    ("NMAMC", "内蒙古金融资产管理有限公司", "amc", "150105", ["nmg-kcb", "ordos"]),
    ("JCKJ", "晋中晋创科技金融服务有限公司", "consulting", "140702", ["jinzhong"]),
]

COMPANY_FORMS = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
BRAND_FIRST = "蒙华创瑞鑫恒博天金中宏远泰锐晟智卓新源通"
BRAND_SECOND = "达科信盛德诚辉丰安越拓联宇合邦隆腾睿峰航"


# --- Registry of per-board seeders ------------------------------------------------------------

_SEEDERS: list[tuple[int, Seeder]] = []


def demo_seeder(order: int) -> Callable[[Seeder], Seeder]:
    """Register ``fn(board, stdout)`` to run for every demo board inside that board's scope,
    after the kernel data, lowest ``order`` first (ties: registration order); ``stdout`` is the
    command's output. Apps put their seeders in ``<app>/demo.py``; seed_demo imports those
    modules, so no command edit is needed. A seeder must be idempotent like the rest:
    update_or_create on natural keys."""

    def register(fn: Seeder) -> Seeder:
        _SEEDERS.append((order, fn))
        return fn

    return register


def board_seeders() -> list[Seeder]:
    autodiscover_modules("demo")
    return [fn for _, fn in sorted(_SEEDERS, key=lambda item: item[0])]


# --- Generated enterprises -------------------------------------------------------------------


def demo_enterprises(slug: str, count: int = 50, prefecture: str | None = None) -> list[dict[str, Any]]:
    """``count`` enterprises for demo board ``slug``: dicts with name, credit_code (a valid
    统一社会信用代码 of the place it registers in), prefecture and industry — the name's place, the
    code's division and the prefecture agree. Names and codes are distinct and the same on every
    call, so seeders can update_or_create on them. Given ``prefecture``, all are registered there
    (another sequence: none of them is among the board's general ones)."""
    data: dict[str, Any] = next(b for b in BOARDS if b["slug"] == slug)
    places = [place for place in data["places"] if prefecture in (None, place[0])]
    rng = random.Random(f"enterprises:{slug}" + (f":{prefecture}" if prefecture else ""))
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    if prefecture:  # never one of the general sequence's names or codes
        general = demo_enterprises(slug, 50 + count)
        seen = {value for row in general for value in (row["name"], row["credit_code"])}
    while len(result) < count:
        prefecture, prefix, division = rng.choice(places)
        industry = rng.choice(data["industries"])
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        name = f"{prefix}{brand}{industry}{rng.choice(COMPANY_FORMS)}"
        code = make_uscc(rng, division)
        if name in seen or code in seen:
            continue
        seen.update((name, code))
        result.append({"name": name, "credit_code": code, "prefecture": prefecture, "industry": industry})
    return result


# --- Kernel seed -----------------------------------------------------------------------------


def institution_role(kind: str) -> Role:
    """The role an institution's own users hold on the boards it serves."""
    if kind == InstitutionKind.EXCHANGE:
        return Role.EXCHANGE_STAFF
    return Role.CREDIT_ENHANCER if kind in ENHANCER_KINDS else Role.INSTITUTION_USER


def demo_user(username: str, first_name: str, *, is_staff: bool = False, is_superuser: bool = False) -> User:
    user, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={"first_name": first_name, "email": f"{username}@{EMAIL_DOMAIN}", "is_active": True,
                  "is_staff": is_staff, "is_superuser": is_superuser},
    )
    return user


def grant_role(user: User, board: Board, role: str, institution: Institution | None = None,
               prefecture: str = "") -> None:
    BoardMembership.objects.update_or_create(
        user=user, board=board, role=role,
        defaults={"institution": institution, "prefecture": prefecture, "is_active": True},
    )


def set_demo_password(users: Iterable[User]) -> None:
    """Give every user the demo password unless their hash already verifies it. They share one
    hash (the password is public anyway): hashing ~60 users with argon2 would take ~12 s."""
    verified: dict[str, bool] = {}
    stale: list[int] = []
    for user in users:
        if user.password not in verified:
            verified[user.password] = check_password(DEMO_PASSWORD, user.password)
        if not verified[user.password]:
            stale.append(user.pk)
    if stale:
        get_user_model().objects.filter(pk__in=stale).update(password=make_password(DEMO_PASSWORD))


def seed_demo(stdout: Output) -> None:
    """Create or update all demo data, then run every registered seeder. Call inside a transaction."""
    boards: dict[str, Board] = {}
    for data in BOARDS:
        boards[data["slug"]], _ = Board.objects.update_or_create(
            slug=data["slug"], defaults={field: copy.deepcopy(data[field]) for field in BOARD_FIELDS}
        )
    institutions: dict[str, Institution] = {}
    for code, name, kind, division, _slugs in INSTITUTIONS:
        institutions[code], _ = Institution.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind,
                      "credit_code": make_uscc(random.Random(f"institution:{code}"), division)},
        )

    users: list[User] = []
    for data in BOARDS:
        board = boards[data["slug"]]
        for role, suffix in ROLE_USERNAMES.items():
            # The enterprise account is the board's 集团 account, acting for a few of its companies.
            label = "集团（企业用户）" if role == Role.ENTERPRISE_USER else role.label
            user = demo_user(f"{board.slug}.{suffix}", f"{board.short_name}{label}",
                             is_staff=role in ADMIN_ROLES)
            code = data["role_institutions"].get(role)
            prefecture = data["bureau_prefecture"] if role == Role.LOCAL_BUREAU else ""
            grant_role(user, board, role, institutions.get(code), prefecture)
            users.append(user)
    admin = demo_user(PLATFORM_ADMIN_USERNAME, "平台管理员", is_staff=True, is_superuser=True)
    for board in boards.values():
        grant_role(admin, board, Role.PLATFORM_ADMIN)
    users.append(admin)
    for code, _name, kind, _division, slugs in INSTITUTIONS:
        institution = institutions[code]
        role = institution_role(kind)
        user = demo_user(f"inst.{code.lower()}", institution.name, is_staff=role in ADMIN_ROLES)
        for slug in slugs:
            grant_role(user, boards[slug], role, institution)
        users.append(user)
    set_demo_password(users)
    stdout.write(f"专板/项目 {len(boards)} 个，机构 {len(institutions)} 家，演示账号 {len(users)} 个")

    for board in boards.values():
        with board_scope(board):
            for seed in board_seeders():
                seed(board, stdout)
