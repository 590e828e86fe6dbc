"""Honest floors of the measured list endpoints (bench only, never product code).

A floor returns the same ``results`` as its endpoint for the same caller and page: the same fields,
the same consent filtering, the same nested categories, the same formats (decimals as strings,
datetimes in the current time zone, choice labels), computed the plainest way: ``.values()`` and
dicts, serialised by ``JsonResponse``. It authenticates like its endpoint (API key lookup and hash
check, or the session), runs under the same board scope (the middleware), orders and pages the
same, and leaves out everything that is not the answer: DRF, role and module checks, throttling,
counts and links, the evidence entry. ``scripts/bench/run.py`` checks before measuring that each
floor's results equal its endpoint's, so a floor that returns less fails the bench.
"""

from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from rest_framework.request import Request

from alliance.models import FinancingNeed, Matchmaking, MatchState, NeedState, Product, ProductType
from alliance.steps import MATCH_STEPS
from boards.enterprises.models import (
    DataCategory,
    DataConsent,
    Enterprise,
    FinancialYear,
    FinancingEvent,
    Qualification,
    QualificationKind,
)
from boards.enterprises.services.consent import in_force
from boards.enterprises.tiers import tier_names
from boards.kernel.api.authentication import ApiKeyAuthentication
from boards.kernel.models import Filing, FilingState, Notification
from boards.kernel.steps import available
from policies.matching import describe
from policies.models import Award, AwardState, Policy
from policies.steps import AWARD_STEPS

PRODUCT_FIELDS = ("id", "institution__code", "institution__name", "institution__kind", "name", "product_type",
                  "description", "amount_min", "amount_max", "rate_min", "rate_max", "term_min_months",
                  "term_max_months", "approval_days", "target_tiers", "required_qualifications",
                  "for_tech_enterprises", "board_preference", "is_published", "created_at", "updated_at")


def page_size(request):
    try:
        return max(1, min(200, int(request.GET.get("page_size", 50))))
    except ValueError:
        return 50


def api_key(request):
    result = ApiKeyAuthentication().authenticate(Request(request))
    return result[1] if result else None


def iso(value):
    """A datetime as the API writes it."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value):
    return None if value is None else value.isoformat()


def money(value):
    return None if value is None else str(value)


def answer(results):
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False,
                                                                 "separators": (",", ":")})


def unauthorized():
    return JsonResponse({}, status=401)


# --- Enterprises ------------------------------------------------------------------------------------

def enterprises(request, board, pushed=False):
    key = api_key(request)
    if key is None:
        return unauthorized()
    now = timezone.now()
    grants = DataConsent.objects.filter(in_force(now),
                                        Q(institution=key.institution_id) | Q(institution=None))
    rows = Enterprise.objects.filter(board=request.board, pk__in=grants.values("enterprise_id"))
    if pushed:
        rows = rows.filter(pk__in=Matchmaking.objects.filter(institution=key.institution_id)
                           .values("enterprise_id"))
    page = list(rows.order_by("name", "id")
                .values("id", "name", "credit_code", "prefecture", "industry", "tier")[:page_size(request)])
    ids = [row["id"] for row in page]
    consented = {}
    for enterprise_id, categories in grants.filter(enterprise_id__in=ids).values_list("enterprise_id",
                                                                                     "categories"):
        consented.setdefault(enterprise_id, set()).update(categories)
    with_category = {c: [pk for pk in ids if c in consented[pk]] for c in DataCategory.values}
    kind_names = dict(QualificationKind.choices)
    related = {pk: {"qualifications": [], "financials": [], "financing": []} for pk in ids}
    if with_category[DataCategory.QUALIFICATIONS]:
        qualified = with_category[DataCategory.QUALIFICATIONS]
        for row in Qualification.objects.filter(enterprise_id__in=qualified).values(
                "enterprise_id", "kind", "issuer", "issued_on", "valid_until", "financing_round"):
            related[row["enterprise_id"]]["qualifications"].append({
                "kind": row["kind"], "kind_name": str(kind_names.get(row["kind"], row["kind"])),
                "issuer": row["issuer"], "issued_on": day(row["issued_on"]),
                "valid_until": day(row["valid_until"]), "financing_round": row["financing_round"]})
    if with_category[DataCategory.FINANCIALS]:
        for row in FinancialYear.objects.filter(enterprise_id__in=with_category[DataCategory.FINANCIALS]) \
                .order_by("-year").values("enterprise_id", "year", "revenue", "net_profit", "rd_expense",
                                          "total_assets"):
            related[row["enterprise_id"]]["financials"].append({
                "year": row["year"], "revenue": money(row["revenue"]), "net_profit": money(row["net_profit"]),
                "rd_expense": money(row["rd_expense"]), "total_assets": money(row["total_assets"])})
    if with_category[DataCategory.FINANCING]:
        for row in FinancingEvent.objects.filter(enterprise_id__in=with_category[DataCategory.FINANCING]) \
                .order_by("-occurred_on").values("enterprise_id", "kind", "amount", "investor_name",
                                                 "financing_round", "occurred_on"):
            related[row["enterprise_id"]]["financing"].append({
                "kind": row["kind"], "amount": money(row["amount"]), "investor_name": row["investor_name"],
                "financing_round": row["financing_round"], "occurred_on": day(row["occurred_on"])})
    tiers = tier_names(request.board)
    results = []
    for row in page:
        categories = consented[row["id"]]
        item = {"id": row["id"], "categories": sorted(categories)}
        if DataCategory.BASIC in categories:
            item.update(name=row["name"], credit_code=row["credit_code"], prefecture=row["prefecture"],
                        industry=row["industry"], tier=row["tier"],
                        tier_name=tiers.get(row["tier"], row["tier"]))
        if DataCategory.QUALIFICATIONS in categories:
            item["qualifications"] = related[row["id"]]["qualifications"]
        if DataCategory.FINANCIALS in categories:
            item["financials"] = related[row["id"]]["financials"]
        if DataCategory.FINANCING in categories:
            item["financing"] = related[row["id"]]["financing"]
        results.append(item)
    return answer(results)


# --- Products and the catalogue ----------------------------------------------------------------------

def _products(request, queryset):
    type_names = {value: str(label) for value, label in ProductType.choices}
    results = []
    for row in queryset.order_by("name", "id").values(*PRODUCT_FIELDS)[:page_size(request)]:
        results.append({
            "id": row["id"],
            "institution": {"code": row["institution__code"], "name": row["institution__name"],
                            "kind": row["institution__kind"]},
            "name": row["name"], "product_type": row["product_type"],
            "product_type_name": type_names.get(row["product_type"], row["product_type"]),
            "description": row["description"], "amount_min": money(row["amount_min"]),
            "amount_max": money(row["amount_max"]), "rate_min": money(row["rate_min"]),
            "rate_max": money(row["rate_max"]), "term_min_months": row["term_min_months"],
            "term_max_months": row["term_max_months"], "approval_days": row["approval_days"],
            "target_tiers": row["target_tiers"], "required_qualifications": row["required_qualifications"],
            "for_tech_enterprises": row["for_tech_enterprises"], "board_preference": row["board_preference"],
            "is_published": row["is_published"], "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"])})
    return answer(results)


def products(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    return _products(request, Product.objects.filter(board=request.board, institution=key.institution_id))


def catalogue(request, board):
    # Public like the catalogue itself: no authentication. The same rows as alliance.selectors.catalogue:
    # published products of institutions admitted to the alliance on this board.
    from alliance import selectors

    return _products(request, selectors.catalogue(request.board))


def pushed_enterprises(request, board):
    return enterprises(request, board, pushed=True)


# --- The alliance's matchmakings and white list ------------------------------------------------------

def labels(choices):
    return {value: str(label) for value, label in choices}


def consenting(institution_id, enterprise_ids):
    """The ids of ``enterprise_ids`` with a consent in force for the institution (or for all members)."""
    now = timezone.now()
    grants = DataConsent.objects.filter(in_force(now), Q(institution=institution_id) | Q(institution=None),
                                        enterprise_id__in=enterprise_ids)
    return set(grants.values_list("enterprise_id", flat=True))


def matchmakings(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    names = ["id", "enterprise_id", "enterprise__name", "need_id", "need__amount", "need__term_months",
             "need__summary", "state", "match_reasons", "reason_category", "reason_text", "failed_from",
             "value_report_requested_at", "value_report_id", "financed_amount", "financed_instrument",
             "financed_on", "is_case", "pushed_at", "updated_at"]
    columns = [f.attname for f in Matchmaking._meta.concrete_fields]
    page = list(Matchmaking.objects.filter(board=request.board, institution=key.institution_id)
                .order_by("-pushed_at", "-id").values(*dict.fromkeys(names + columns))[:page_size(request)])
    consents = consenting(key.institution_id, [row["enterprise_id"] for row in page])
    states = labels(MatchState.choices)
    results = []
    for row in page:
        steps = available(MATCH_STEPS, Matchmaking(**{name: row[name] for name in columns}))
        results.append({
            "id": row["id"], "enterprise": row["enterprise_id"],
            "enterprise_name": row["enterprise__name"] if row["enterprise_id"] in consents else None,
            "need": None if row["need_id"] is None else {
                "id": row["need_id"], "amount": money(row["need__amount"]),
                "term_months": row["need__term_months"], "summary": row["need__summary"]},
            "state": row["state"], "state_name": states[row["state"]], "allowed_steps": sorted(steps),
            "match_reasons": row["match_reasons"], "reason_category": row["reason_category"],
            "reason_text": row["reason_text"], "failed_from": row["failed_from"],
            "value_report_requested_at": iso(row["value_report_requested_at"]),
            "value_report_ready": row["value_report_id"] is not None,
            "financed_amount": money(row["financed_amount"]),
            "financed_instrument": row["financed_instrument"], "financed_on": day(row["financed_on"]),
            "is_case": row["is_case"], "pushed_at": iso(row["pushed_at"]),
            "updated_at": iso(row["updated_at"])})
    return answer(results)


def financing_needs(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    page = list(FinancingNeed.objects.filter(board=request.board, state=NeedState.WHITELISTED)
                .order_by("-curated_at", "-id")
                .values("id", "enterprise_id", "enterprise__name", "enterprise__industry", "enterprise__tier",
                        "amount", "term_months", "product_types", "summary", "curated_at")
                [:page_size(request)])
    consents = consenting(key.institution_id, [row["enterprise_id"] for row in page])
    return answer([{
        "id": row["id"], "enterprise": row["enterprise_id"] if row["enterprise_id"] in consents else None,
        "enterprise_name": row["enterprise__name"] if row["enterprise_id"] in consents else None,
        "industry": row["enterprise__industry"], "tier": row["enterprise__tier"],
        "amount": money(row["amount"]),
        "term_months": row["term_months"], "product_types": row["product_types"], "summary": row["summary"],
        "whitelisted_at": iso(row["curated_at"])} for row in page])


# --- Policies, awards, filings, notifications --------------------------------------------------------

def session_user(request):
    """The logged-in user of a session request (the session and user lookups Django makes)."""
    return request.user if request.user.is_authenticated else None


def policies(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    tiers = tier_names(request.board)
    names = {name: labels(Policy._meta.get_field(name).choices)
             for name in ("beneficiary", "benefit_kind", "recurrence")}
    results = []
    for row in Policy.objects.filter(board=request.board, is_active=True).order_by("code").values(
            "code", "title", "summary", "source_document", "document_number", "source_clause",
            "issuing_bodies",
            "responsible_units", "valid_from", "valid_until", "beneficiary", "conditions", "benefit_kind",
            "amount", "formula", "cap", "recurrence", "auto_propose", "parameters")[:page_size(request)]:
        results.append({
            "code": row["code"], "title": row["title"], "summary": row["summary"],
            "source_document": row["source_document"], "document_number": row["document_number"],
            "source_clause": row["source_clause"], "issuing_bodies": row["issuing_bodies"],
            "responsible_units": row["responsible_units"], "valid_from": day(row["valid_from"]),
            "valid_until": day(row["valid_until"]), "beneficiary": row["beneficiary"],
            "beneficiary_display": names["beneficiary"][row["beneficiary"]], "conditions": row["conditions"],
            "condition_texts": [describe(condition, tiers) for condition in row["conditions"]],
            "benefit_kind": row["benefit_kind"],
            "benefit_kind_display": names["benefit_kind"][row["benefit_kind"]],
            "amount": money(row["amount"]), "formula": row["formula"], "cap": money(row["cap"]),
            "recurrence": row["recurrence"], "recurrence_display": names["recurrence"][row["recurrence"]],
            "auto_propose": row["auto_propose"], "parameters": row["parameters"]})
    return answer(results)


def awards(request, board):
    # Staff (the bench's session caller) see every award with its allowed steps.
    if session_user(request) is None:
        return unauthorized()
    columns = [f.attname for f in Award._meta.concrete_fields]
    states = labels(AwardState.choices)
    results = []
    for row in Award.objects.filter(board=request.board).order_by("-applied_at", "-pk").values(
            *columns, "policy__code", "policy__title", "enterprise__name")[:page_size(request)]:
        steps = available(AWARD_STEPS, Award(**{name: row[name] for name in columns}))
        results.append({
            "id": row["id"], "policy": row["policy__code"], "policy_title": row["policy__title"],
            "enterprise": row["enterprise_id"], "enterprise_name": row["enterprise__name"],
            "period": row["period"], "state": row["state"], "state_display": states[row["state"]],
            "amount": money(row["amount"]), "reasons": row["reasons"],
            "proposed_automatically": row["proposed_automatically"], "source": row["source"],
            "applied_at": iso(row["applied_at"]), "verified_at": iso(row["verified_at"]),
            "approved_at": iso(row["approved_at"]), "year": row["year"],
            "disbursed_at": iso(row["disbursed_at"]),
            "payment_reference": row["payment_reference"], "rejected_at": iso(row["rejected_at"]),
            "rejection_reason": row["rejection_reason"], "allowed_steps": sorted(steps)})
    return answer(results)


def filings(request, board):
    if session_user(request) is None:
        return unauthorized()
    slug = request.board.slug
    results = []
    for row in Filing.objects.filter(board=request.board).order_by("-year", "-sequence").values(
            "id", "number", "year", "sequence", "kind", "addressee", "subject", "subject_type", "subject_id",
            "state", "sha256", "created_at", "rendered_at")[:page_size(request)]:
        results.append({
            "id": row["id"], "number": row["number"], "year": row["year"], "sequence": row["sequence"],
            "kind": row["kind"], "addressee": row["addressee"],
            "addressee_name": request.board.regulator_name(row["addressee"]), "subject": row["subject"],
            "subject_type": row["subject_type"], "subject_id": row["subject_id"], "state": row["state"],
            "sha256": row["sha256"], "created_at": iso(row["created_at"]),
            "rendered_at": iso(row["rendered_at"]),
            "download_url": f"/api/v1/{slug}/filings/{row['id']}/download/"
            if row["state"] == FilingState.RENDERED else None})
    return answer(results)


def notifications(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    rows = Notification.objects.filter(board=request.board, user=key.user_id).order_by("-created_at").values(
        "id", "verb", "title", "body", "url", "created_at", "read_at")[:page_size(request)]
    return answer([{**row, "created_at": iso(row["created_at"]), "read_at": iso(row["read_at"])}
                   for row in rows])




# --- Risk sharing -------------------------------------------------------------------------------------

LETTER = ("_id", "__kind", "__number", "__subject", "__state")  # a letter's columns, after its FK's name

def financing_cases(request, board):
    """The cases sent to the caller's institution: the case, its enterprise, the caller's own request
    with its answer clock, and both letters (the 推荐函 and every 担保推荐函 that went out with it)."""
    from risksharing.models import CaseState, EnhancerView, FinancingCase, FunderRequest, RequestState

    key = api_key(request)
    if key is None:
        return unauthorized()
    board, slug, modes = request.board, request.board.slug, request.board.setting("risksharing.modes", {})
    page = list(FinancingCase.objects.filter(board=board, funder_requests__funder=key.institution_id)
                .order_by("-created_at", "-id")
                .values("id", "state", "mode", "amount_requested", "purpose", "meeting_at",
                        "enterprise__name", "enterprise__credit_code", "enterprise__prefecture",
                        "enterprise__industry", "enterprise__main_business", "enterprise__tier",
                        *(f"recommendation_letter{name}" for name in LETTER))[:page_size(request)])
    ids = [row["id"] for row in page]
    requests = {row["case_id"]: row for row in FunderRequest.objects.filter(
        case__in=ids, funder=key.institution_id).values(
        "case_id", "id", "state", "sent_at", "answer_deadline__due_at", "answer_deadline__provisional",
        "amount", "conditions", "reasons", "answered_at")}
    guarantees = {}
    for row in (EnhancerView.objects.filter(case__in=ids, intent=True, letter__isnull=False).order_by("id")
                .values("case_id", *(f"letter{name}" for name in LETTER))):
        guarantees.setdefault(row["case_id"], []).append(tuple(row[f"letter{name}"] for name in LETTER))
    case_states, request_states = labels(CaseState.choices), labels(RequestState.choices)
    tiers = tier_names(board)
    results = []
    for row in page:
        mine = requests[row["id"]]
        letters = ([tuple(row[f"recommendation_letter{name}"] for name in LETTER)]
                   if row["recommendation_letter_id"] else [])
        results.append({
            "id": row["id"], "state": row["state"], "state_display": case_states[row["state"]],
            "mode": row["mode"], "mode_name": modes.get(row["mode"], {}).get("name", row["mode"]),
            "enterprise": {**{name: row[f"enterprise__{name}"] for name in
                              ("name", "credit_code", "prefecture", "industry", "main_business")},
                           "tier": tiers.get(row["enterprise__tier"], "")},
            "amount_requested": money(row["amount_requested"]), "purpose": row["purpose"],
            "meeting_at": iso(row["meeting_at"]),
            "request": {
                "id": mine["id"], "state": mine["state"], "state_display": request_states[mine["state"]],
                "sent_at": iso(mine["sent_at"]), "answer_due_at": iso(mine["answer_deadline__due_at"]),
                "answer_due_provisional": bool(mine["answer_deadline__provisional"]),
                "can_answer": mine["state"] == RequestState.SENT, "amount": money(mine["amount"]),
                "conditions": mine["conditions"], "reasons": mine["reasons"],
                "answered_at": iso(mine["answered_at"])},
            "letters": [{"id": pk, "kind": kind, "number": number, "subject": subject, "state": state,
                         "download_url": f"/api/v1/{slug}/financing-cases/{row['id']}/letters/{pk}/"}
                        for pk, kind, number, subject, state in [*letters, *guarantees.get(row["id"], [])]]})
    return answer(results)
