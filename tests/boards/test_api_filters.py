"""The kernel's filter backend (boards/kernel/api/filters.py): a list's FilterSet is built only when
the query names one of its filters, and the answers stay django-filter's."""

from unittest import mock

import pytest
from django_filters import FilterSet
from rest_framework.test import APIClient

from alliance.selectors import CatalogueFilter
from boards.kernel.api.filters import names_a_filter
from boards.kernel.scoping import board_scope
from tests.factories import ProductFactory
from tests.support.alliance import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(board):
    bank = member(board, "IMB")
    other = member(board, "BOC")
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution, name="科创信用贷",
                       amount_min=100_000, amount_max=5_000_000)
        ProductFactory(board=board, institution=other.institution, name="知识产权质押贷",
                       amount_min=1_000_000, amount_max=10_000_000)
    return f"/api/v1/{board.slug}/alliance/catalogue/"


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_a_list_without_filter_parameters_builds_no_filterset_and_answers_every_row(catalogue):
    client = APIClient()
    with mock.patch.object(FilterSet, "__init__", side_effect=AssertionError("FilterSet built")):
        names = _names(client.get(catalogue, {"page_size": 10, "ordering": "name"}))
    assert names == ["知识产权质押贷", "科创信用贷"]


def test_a_named_filter_still_filters_and_a_bad_value_is_still_400_in_chinese(catalogue):
    client = APIClient()
    assert _names(client.get(catalogue, {"amount": "6000000"})) == ["知识产权质押贷"]
    assert _names(client.get(catalogue, {"institution": "IMB"})) == ["科创信用贷"]
    response = client.get(catalogue, {"amount": "很多"})
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["details"], response.json()


def test_range_parameters_count_as_naming_their_filter():
    assert names_a_filter({"amount": "1"}, CatalogueFilter)
    assert not names_a_filter({"page_size": "10", "ordering": "name", "cursor": "x"}, CatalogueFilter)

    class Ranged(FilterSet):
        from django_filters import RangeFilter
        amount = RangeFilter()

    assert names_a_filter({"amount_min": "1"}, Ranged)
    assert not names_a_filter({"amountx": "1"}, Ranged)


def test_a_generated_filterset_class_is_made_once_per_view(board):
    from boards.kernel.api.filters import FilterBackend
    from risksharing.api.views import CaseList
    from risksharing.models import FinancingCase

    backend, view = FilterBackend(), CaseList()
    with board_scope(board):
        first = backend.get_filterset_class(view, FinancingCase.objects.none())
        assert first is backend.get_filterset_class(view, FinancingCase.objects.none())
    assert set(first.base_filters) == {"state", "mode"}
