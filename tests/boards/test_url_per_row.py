"""kernel url_per_row: a page's per-row URLs are reversed once, and each is exactly what ``reverse``
gives for that row, whatever the ids and the fixed arguments hold (an id that contains another
argument's placeholder, a board slug that contains one)."""

import pytest
from django.urls import reverse

from boards.kernel.api.rows import url_per_row
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


def test_an_id_holding_the_next_placeholder_is_written_as_it_is(board):
    url = url_per_row("api-financing-case-letter", ("pk", "letter"), board=board.slug)
    for case, letter in ((1, 2), (900000002, 7), (1900000002, 5), (3, 900000001), (900000001, 900000002)):
        assert url(pk=case, letter=letter) == reverse(
            "api-financing-case-letter", kwargs={"board": board.slug, "pk": case, "letter": letter})


def test_a_slug_holding_a_placeholder_stays_as_it_is(db):
    board = BoardFactory(slug="q-900000001", name_zh="测试专板", filing_prefix="Q-9")
    url = url_per_row("api-filing-download", ("pk",), board=board.slug)
    assert url(pk=7) == reverse("api-filing-download", kwargs={"board": board.slug, "pk": 7})
