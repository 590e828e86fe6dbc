"""Fast bulk generator for the bench (PostgreSQL only): COPY for enterprise data, INSERT ... SELECT
generate_series for deadlines. Not seed_demo: it makes 100k enterprises in seconds.

Invariants of what it writes:
- every enterprise has a valid 统一社会信用代码 (boards.uscc), unique per board;
- every enterprise has exactly one consent in force that the bench institution can use (its own or
  an all-members one), always including ``basic``; some enterprises also carry consents that must
  NOT count (another institution's, expired, revoked), so the consent gate has something to reject;
- every row is written as the application role inside ``board_scope``, so RLS ``WITH CHECK`` accepts
  it and reads under the same scope see it.
"""

import datetime as dt
import json
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from alliance.models import Body, Membership, MembershipState, Product, ProductType
from boards.enterprises.models import (
    DataCategory,
    DataConsent,
    Enterprise,
    EnterpriseStatus,
    FinancialYear,
    FinancingEvent,
    FinancingKind,
    Qualification,
    QualificationKind,
)
from boards.enterprises.tiers import tier_names
from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.dbroles import as_owner
from boards.kernel.models import ApiKey, Board, BoardKind, BoardMembership, Institution, InstitutionKind, Role
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc

PREFECTURES = [("呼和浩特市", "150102"), ("包头市", "150203"), ("鄂尔多斯市", "150602"), ("赤峰市", "150402"),
               ("乌鲁木齐市", "650104"), ("晋中市", "140702")]
INDUSTRIES = ["稀土新材料", "智能装备", "节水灌溉科技", "生物医药", "新能源", "乳制品加工", "软件信息",
              "草业科技"]
WORDS = ["华达", "博安", "宏联", "智腾", "蒙达", "天衡", "中科", "正元", "金桥", "瑞丰", "泰和", "鑫源"]
OPTIONAL = [DataCategory.QUALIFICATIONS, DataCategory.FINANCIALS, DataCategory.FINANCING]
REGULATORS = [{"code": "jrb", "name": "金融办"}, {"code": "kjt", "name": "科技厅"}]


@dataclass
class Caller:
    """An institution user with an API key on one board (what wrk sends)."""

    board: Board
    institution: Institution
    user: object
    token: str

    @property
    def header(self):
        return f"Api-Key {self.token}"


def _now():
    return timezone.now()


def copy_rows(model, rows):
    """COPY dict rows into ``model``'s table; missing fields take the field default (auto_now:
    now). Runs on the current connection inside a transaction, so the caller's board scope (RLS)
    applies."""
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and isinstance(f, models.AutoField))]
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = _now()
        elif field.has_default() or field.null or isinstance(field, (models.CharField, models.TextField)):
            defaults[field.attname] = field.get_default()
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    count = 0
    # COPY FROM refuses tables under RLS: COPY into a constraint-free temporary twin, then one
    # INSERT ... SELECT, which RLS checks like any insert.
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE bench_copy ON COMMIT DROP AS SELECT {columns} FROM "{table}" '
                       "WITH NO DATA")
        with cursor.cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for field in fields:
                    value = row[field.attname] if field.attname in row else defaults[field.attname]
                    if isinstance(field, models.JSONField) and value is not None:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)
                count += 1
        cursor.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM bench_copy')
        cursor.execute("DROP TABLE bench_copy")
    return count


def make_board(slug):
    board = Board.objects.create(
        slug=slug, name_zh=f"压测专板 {slug}", name_en=f"Bench board {slug}", short_name=slug,
        kind=BoardKind.BOARD, operator="压测运营机构", region="内蒙古", filing_prefix=slug.upper()[:20],
        regulators=REGULATORS,
    )
    return board


def make_institution(code, name):
    return Institution.objects.create(code=code, name=name, kind=InstitutionKind.BANK,
                                      credit_code=make_uscc(random.Random(code), "150102"))


def make_caller(board, institution, username):
    """An institution user with the role, an alliance membership (admitted) and an API key."""
    user = get_user_model().objects.create_user(username=username, password=None)
    BoardMembership.objects.create(user=user, board=board, role=Role.INSTITUTION_USER,
                                   institution=institution)
    prefix, secret, token = generate_key()
    ApiKey.objects.create(board=board, institution=institution, user=user, prefix=prefix,
                          key_hash=hash_secret(secret), label="bench")
    with board_scope(board):
        if not Membership.objects.filter(board=board, institution=institution).exists():
            Membership.objects.create(
                board=board, institution=institution, body=Body.INVESTMENT, state=MembershipState.ADMITTED,
                executive_lead="张经理", liaison_name="李联络", liaison_phone="0471-0000000",
                admitted_on=timezone.localdate())
    return Caller(board, institution, user, token)


def _unique_codes(rng, count, region_codes):
    seen = set()
    while len(seen) < count:
        seen.add(make_uscc(rng, rng.choice(region_codes)))
    return list(seen)


@transaction.atomic
def enterprises(board, count, *, institution, other_institution, granted_by, seed=1):
    """``count`` admitted enterprises with consents, a qualification, two financial years and
    (every other one) a financing event. Returns the number of rows written per table."""
    rng = random.Random(seed)
    now = _now()
    tiers = list(tier_names(board)) or [""]
    codes = _unique_codes(rng, count, [code for _, code in PREFECTURES])
    written = {}
    with board_scope(board):
        first = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        def enterprise_rows():
            for i in range(count):
                prefecture, _ = rng.choice(PREFECTURES)
                industry = rng.choice(INDUSTRIES)
                yield {"board_id": board.pk, "credit_code": codes[i], "prefecture": prefecture,
                       "industry": industry, "status": EnterpriseStatus.ADMITTED, "tier": rng.choice(tiers),
                       "name": f"{prefecture[:2]}{rng.choice(WORDS)}{industry}有限公司{i:06d}",
                       "founded_on": dt.date(2005 + i % 18, 1 + i % 12, 1 + i % 28),
                       "registered_capital": 1_000_000 + (i % 500) * 10_000,
                       "admitted_on": dt.date(2025, 3, 1)}

        written["enterprise"] = copy_rows(Enterprise, enterprise_rows())
        ids = list(Enterprise.objects.filter(board=board, pk__gt=first).order_by("pk")
                   .values_list("pk", flat=True))

        def consent_rows():
            year = dt.timedelta(days=365)
            for pk in ids:
                categories = [DataCategory.BASIC, *[c for c in OPTIONAL if rng.random() < 0.6]]
                base = {"board_id": board.pk, "enterprise_id": pk, "granted_by_id": granted_by.pk,
                        "granted_at": now - dt.timedelta(days=30)}
                # In force: for the bench institution (70 %) or for all members.
                yield {**base, "institution_id": institution.pk if rng.random() < 0.7 else None,
                       "categories": [c.value for c in categories], "expires_at": now + year}
                roll = rng.random()
                if roll < 0.05:  # another institution's: must not widen what the caller sees
                    yield {**base, "institution_id": other_institution.pk,
                           "categories": [c.value for c in DataCategory], "expires_at": now + year}
                elif roll < 0.10:  # expired
                    yield {**base, "institution_id": institution.pk, "categories": list(DataCategory.values),
                           "expires_at": now - dt.timedelta(days=1)}
                elif roll < 0.15:  # revoked
                    yield {**base, "institution_id": institution.pk, "categories": list(DataCategory.values),
                           "expires_at": now + year, "revoked_at": now - dt.timedelta(days=2)}

        written["consent"] = copy_rows(DataConsent, consent_rows())
        kinds = QualificationKind.values
        written["qualification"] = copy_rows(Qualification, (
            {"board_id": board.pk, "enterprise_id": pk, "kind": kinds[i % len(kinds)],
             "issuer": "工业和信息化部",
             "issued_on": dt.date(2024, 1 + i % 12, 1), "valid_until": dt.date(2027, 1 + i % 12, 1)}
            for i, pk in enumerate(ids)))
        written["financial_year"] = copy_rows(FinancialYear, (
            {"board_id": board.pk, "enterprise_id": pk, "year": year, "revenue": 10_000_000 + i,
             "net_profit": 1_000_000 + i, "rd_expense": 500_000, "total_assets": 20_000_000}
            for i, pk in enumerate(ids) for year in (2024, 2025)))
        written["financing"] = copy_rows(FinancingEvent, (
            {"board_id": board.pk, "enterprise_id": pk, "kind": FinancingKind.EQUITY, "amount": 5_000_000,
             "investor_name": "压测创投基金", "financing_round": "A", "occurred_on": dt.date(2025, 6, 1)}
            for pk in ids[::2]))
    return written


@transaction.atomic
def products(board, institution, count, *, published_share=0.9, seed=2):
    rng = random.Random(seed)
    types = ProductType.values
    with board_scope(board):
        return copy_rows(Product, (
            {"board_id": board.pk, "institution_id": institution.pk, "name": f"{institution.name}产品{i:04d}",
             "product_type": types[i % len(types)], "description": "面向专板企业的压测产品。",
             "amount_min": 100_000, "amount_max": 10_000_000, "rate_min": 3.5, "rate_max": 6.0,
             "term_min_months": 3, "term_max_months": 36, "approval_days": 5 + i % 10,
             "target_tiers": [], "required_qualifications": [],
             "is_published": rng.random() < published_share}
            for i in range(count)))


@transaction.atomic
def deadlines(board, count, *, due, subject_id="1"):
    """``count`` open deadlines of ``board``, ``due`` of them with their next action already due
    (the rest due 1-60 days from now). Set-based: 1M rows take seconds, not minutes."""
    content_type = ContentType.objects.get_for_model(Board)
    with board_scope(board), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO boards_deadline (board_id, content_type_id, object_id, kind, title, basis, amount,
              starts_at, due_at, provisional, state, paused_seconds, paused_workdays, stage, next_action_at,
              assignee_role, url, created_at)
            SELECT %(board)s, %(ct)s, %(subject)s, 'bench.deadline', '压测期限 ' || g, 'calendar', 10,
              t - interval '10 days', t, false, 'open', 0, 0, 0, t, 'exchange_staff', '', now()
            FROM (SELECT g, CASE WHEN g <= %(due)s THEN now() - (g %% 600) * interval '1 minute'
                                 ELSE now() + interval '1 day' + (g %% 86400) * interval '1 minute' END AS t
                  FROM generate_series(1, %(count)s) AS g) AS s
            """,
            {"board": board.pk, "ct": content_type.pk, "subject": subject_id, "due": due, "count": count},
        )
        return cursor.rowcount


def analyze():
    """As the owner role (boards.kernel.dbroles): the runtime role owns no table, and PostgreSQL analyzes
    only the tables of their owner."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@dataclass
class World:
    """What the runner measures against."""

    small: Caller  # board with ``small_size`` enterprises
    large: Caller
    other: Institution
    deadline_board: Board
    rows: dict
    staff: object = None  # exchange staff on both enterprise boards (the filings and awards lists)


@transaction.atomic
def build(small_size=1000, large_size=100_000, products_per_institution=300, deadline_count=10_000,
          deadline_due=1000, neighbours=9, log=print):
    """The bench world: two enterprise boards, ``neighbours`` more boards of ``large_size``
    enterprises each (other tenants' rows in the same tables: 10 × 100k by default), one deadline
    board; returns a World."""
    staff = get_user_model().objects.create_user(username="bench.staff", password=None)
    bank = make_institution("BENCH-BANK", "压测银行")
    other = make_institution("BENCH-OTHER", "另一家压测机构")
    rows = {}
    callers = {}
    for name, size in (("small", small_size), ("large", large_size)):
        board = make_board(f"bench-{name}")
        BoardMembership.objects.create(user=staff, board=board, role=Role.EXCHANGE_STAFF)
        callers[name] = make_caller(board, bank, f"bench.{name}.institution")
        make_caller(board, other, f"bench.{name}.other")
        written = enterprises(board, size, institution=bank, other_institution=other, granted_by=staff)
        written["product"] = products(board, bank, products_per_institution)
        written["product"] += products(board, other, products_per_institution // 3, seed=3)
        if name == "small":
            written["lists"] = lists(callers[name], staff)
        rows[name] = written
        log(f"  {board.slug}: {written}")
    rows["neighbours"] = {"boards": neighbours, "enterprise": 0}
    for n in range(1, neighbours + 1):
        board = make_board(f"bench-n{n}")
        written = enterprises(board, large_size, institution=bank, other_institution=other, granted_by=staff,
                              seed=10 + n)
        rows["neighbours"]["enterprise"] += written["enterprise"]
        log(f"  {board.slug}: {written}")
    deadline_board = make_board("bench-deadlines")
    BoardMembership.objects.create(user=staff, board=deadline_board, role=Role.EXCHANGE_STAFF)
    rows["deadlines"] = deadlines(deadline_board, deadline_count, due=deadline_due)
    log(f"  {deadline_board.slug}: {rows['deadlines']} open deadlines, {deadline_due} due")
    transaction.on_commit(analyze)  # as the owner, which needs a login outside the transaction
    return World(callers["small"], callers["large"], other, deadline_board, rows, staff)


@transaction.atomic
def lists(caller, staff, count=600):
    """What the other list endpoints show on ``caller``'s board: matchmakings (the pushed enterprises)
    and white-listed financing needs of the first ``count`` enterprises, policies and awards,
    filings, and ``count`` notifications each for the institution user and for staff."""
    from alliance.models import FinancingNeed, Matchmaking, MatchState, NeedState
    from boards.kernel.models import Filing, FilingState, Notification
    from policies.models import Award, AwardState, Policy

    board, now = caller.board, _now()
    from risksharing import config as risksharing_config

    modules = sorted({*board.setting("modules", []), "alliance", "policies", "risksharing"})
    board.config = {**board.config, "modules": modules, "risksharing": risksharing_config.DEFAULT}
    board.save(update_fields=["config"])
    with board_scope(board):
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:count])
        needs = FinancingNeed.objects.bulk_create(
            FinancingNeed(board=board, enterprise_id=pk, amount=3_000_000 + i, use="研发投入", term_months=12,
                          product_types=["credit_loan"], summary="某稀土新材料企业，拟融资用于扩产。",
                          state=NeedState.WHITELISTED, curated_at=now - dt.timedelta(minutes=i))
            for i, pk in enumerate(ids))
        states = [MatchState.PUSHED, MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT, MatchState.FINANCED]
        Matchmaking.objects.bulk_create(
            Matchmaking(board=board, institution=caller.institution, enterprise_id=pk,
                        need=needs[i] if i % 2 else None, state=states[i % 4],
                        financed_amount=1_000_000 if states[i % 4] == MatchState.FINANCED else None,
                        match_reasons=[{"criterion": "industry", "met": True, "reason": "行业匹配"}],
                        pushed_at=now - dt.timedelta(minutes=i))
            for i, pk in enumerate(ids))
        policies = Policy.objects.bulk_create(
            Policy(board=board, code=f"bench-{i:04d}", title=f"压测政策{i}", summary="压测政策内容",
                   source_document="压测文件", document_number=f"压测〔2026〕{i}号", payer="kjt",
                   issuing_bodies=["科技厅"], valid_from=dt.date(2025, 1, 1), beneficiary="enterprise",
                   benefit_kind="fixed", amount=300_000, recurrence="one_time",
                   conditions=[{"type": "qualification", "kinds": ["high_tech"]}])
            for i in range(count // 2))
        award_states = [AwardState.APPLIED, AwardState.VERIFIED, AwardState.APPROVED, AwardState.REJECTED]
        Award.objects.bulk_create(
            Award(board=board, policy=policies[i % len(policies)], enterprise_id=pk,
                  state=award_states[i % 4], applied_at=now - dt.timedelta(minutes=i),
                  reasons=[{"condition": "高新技术企业", "met": True}])
            for i, pk in enumerate(ids))
        Filing.objects.bulk_create(
            Filing(board=board, year=2026, sequence=i + 1, number=f"BENCH-2026-{i + 1:04d}",
                   kind="quarterly", addressee="jrb", subject=f"压测报备{i}", template_name="bench.html",
                   context={}, state=FilingState.RENDERED if i % 2 else FilingState.QUEUED,
                   sha256="0" * 64 if i % 2 else "")
            for i in range(count))
        Notification.objects.bulk_create(
            Notification(board=board, user=user, verb="bench.notice", title=f"压测通知{i}", body="压测内容",
                         url="/", created_at=now - dt.timedelta(minutes=i))
            for user in (caller.user, staff) for i in range(count))
        financing_cases(board, caller.institution, ids, now)
    return count


def financing_cases(board, funder, enterprise_ids, now):
    """A financing case per enterprise sent to ``funder`` (the funder list): its 推荐函, its request
    with an answer clock (a third already answered), and a 担保推荐函 from a guarantor on every other
    case (the second letter the funder reads)."""
    from boards.kernel.models import Deadline, Filing, FilingState
    from risksharing.models import CaseState, EnhancerView, FinancingCase, FunderRequest, RequestState

    guarantor = make_institution("BENCH-GUAR", "压测融资担保公司")
    count = len(enterprise_ids)

    def letters(offset, kind):
        return Filing.objects.bulk_create(
            Filing(board=board, year=2026, sequence=offset + i + 1, kind=kind, addressee="jrb",
                   number=f"BENCH-RS-2026-{offset + i + 1:04d}", subject=f"压测函件{offset + i}",
                   template_name="bench.html", context={}, state=FilingState.RENDERED, sha256="0" * 64)
            for i in range(count))

    recommendations, guarantees = letters(10_000, "rs_recommendation"), letters(20_000, "rs_guarantee")
    content_type = ContentType.objects.get_for_model(Board)
    clocks = Deadline.objects.bulk_create(
        Deadline(board=board, content_type=content_type, object_id="1", kind="bench.answer",
                 title="资金方答复", basis="working", amount=5, starts_at=now,
                 due_at=now + dt.timedelta(days=7 + i % 5), next_action_at=now + dt.timedelta(days=5),
                 assignee_role="institution_user")
        for i in range(count))
    cases = FinancingCase.objects.bulk_create(
        FinancingCase(board=board, enterprise_id=pk, mode="1" if i % 2 else "2",
                      state=CaseState.WITH_FUNDERS, amount_requested=2_000_000 + i, purpose="购置生产设备",
                      recommendation_letter=recommendations[i], meeting_at=now - dt.timedelta(days=3),
                      created_at=now - dt.timedelta(minutes=i))
        for i, pk in enumerate(enterprise_ids))
    FunderRequest.objects.bulk_create(
        FunderRequest(board=board, case=case, funder=funder, sent_at=now - dt.timedelta(minutes=i),
                      answer_deadline=clocks[i],
                      **({"state": RequestState.AGREED, "amount": 1_500_000, "conditions": "需提供担保",
                          "answered_at": now} if i % 3 == 0 else {}))
        for i, case in enumerate(cases))
    EnhancerView.objects.bulk_create(
        EnhancerView(board=board, case=case, institution=guarantor, intent=True, opinion="同意担保",
                     guarantee_amount=1_000_000, recorded_at=now, letter=guarantees[i])
        for i, case in enumerate(cases) if i % 2 == 0)
