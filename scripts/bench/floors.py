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

from alliance.models import Product, ProductType
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

def enterprises(request, board):
    key = api_key(request)
    if key is None:
        return unauthorized()
    now = timezone.now()
    grants = DataConsent.objects.filter(in_force(now),
                                        Q(institution=key.institution_id) | Q(institution=None))
    page = list(Enterprise.objects.filter(board=request.board, pk__in=grants.values("enterprise_id"))
                .order_by("name", "id")
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
