"""Bench-only urlconf (settings.ROOT_URLCONF when ZHUANBAN_BENCH=1): the whole platform plus the
raw floors, which exist in no normal run.

A floor is the least work that returns the same rows as the endpoint it measures: the same
authentication (API key lookup and hash check, where the endpoint needs one), the same board
scope (BoardScopeMiddleware runs, the URL carries ``<board>``), the same ordering and page size,
rows fetched with ``.values()`` and returned as a JsonResponse. No serializer, consent logic,
count, throttling or evidence.
"""

from unittest import mock

from django.http import JsonResponse
from django.urls import include, path, resolve
from rest_framework.request import Request

from alliance.models import Product
from boards.enterprises.models import Enterprise
from boards.kernel.api.authentication import ApiKeyAuthentication

ENTERPRISE_FIELDS = ("id", "name", "credit_code", "prefecture", "industry", "tier")
PRODUCT_FIELDS = ("id", "institution__code", "institution__name", "name", "product_type", "description",
                  "amount_min", "amount_max", "rate_min", "rate_max", "term_min_months", "term_max_months",
                  "approval_days", "target_tiers", "required_qualifications", "for_tech_enterprises",
                  "board_preference", "is_published", "created_at", "updated_at")


def _page_size(request):
    try:
        return max(1, min(200, int(request.GET.get("page_size", 50))))
    except ValueError:
        return 50


def _key(request):
    result = ApiKeyAuthentication().authenticate(Request(request))
    return result[1] if result else None


def _rows(queryset, request, fields):
    rows = queryset.order_by("name", "id").values(*fields)[:_page_size(request)]
    return JsonResponse({"results": list(rows)})


def floor_enterprises(request, board):
    key = _key(request)
    if key is None:
        return JsonResponse({}, status=401)
    return _rows(Enterprise.objects.filter(board=request.board), request, ENTERPRISE_FIELDS)


def floor_products(request, board):
    key = _key(request)
    if key is None:
        return JsonResponse({}, status=401)
    return _rows(Product.objects.filter(board=request.board, institution=key.institution_id), request,
                 PRODUCT_FIELDS)


def floor_catalogue(request, board):
    # Public like the catalogue itself: no authentication.
    return _rows(Product.objects.filter(board=request.board, is_published=True), request, PRODUCT_FIELDS)


def without_evidence(request, board):
    """The enterprise list itself, everything included but its evidence entry: the reference of the
    evidence bench row ("the same reads without it"). Sync workers serve one request at a time, so
    the patch touches no other request."""
    from boards.enterprises.api import enterprises

    view = resolve(f"/api/v1/{board}/enterprises/")
    with mock.patch.object(enterprises, "record_institution_read", lambda *args, **kwargs: None):
        return view.func(request, *view.args, **view.kwargs)


urlpatterns = [
    path("bench-noevidence/<slug:board>/enterprises/", without_evidence),
    path("bench-floor/<slug:board>/enterprises/", floor_enterprises),
    path("bench-floor/<slug:board>/products/", floor_products),
    path("bench-floor/<slug:board>/catalogue/", floor_catalogue),
    path("", include("config.urls")),
]
