"""The working-day calendar against chinesecalendar 1.11's data, staff overrides and 2027.

Dates checked against the package (and the State Council notices it encodes):
- 2025 National Day + Mid-Autumn: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 are 调休 workdays.
- 2026 Mid-Autumn Sep 25–27 and National Day Oct 1–7 off; Sun Sep 20 and Sat Oct 10 worked.
- 2026 Spring Festival: Feb 15 (Sun) – Feb 23 (Mon) off; Sat Feb 14 and Sat Feb 28 worked.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from boards.kernel.calendar import SHANGHAI, add_workdays, due_at, is_workday, workdays_between, year_known
from boards.kernel.models import CalendarYear, HolidayOverride
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_2025_with_adjusted_sunday_and_saturday():
    assert all(not is_workday(D(2025, 10, day)) for day in range(1, 9))
    assert is_workday(D(2025, 9, 28))  # Sunday, 调休
    assert is_workday(D(2025, 10, 11))  # Saturday, 调休
    assert add_workdays(D(2025, 9, 27), 1) == (D(2025, 9, 28), False)
    assert add_workdays(D(2025, 9, 30), 1) == (D(2025, 10, 9), False)
    assert add_workdays(D(2025, 9, 30), 3) == (D(2025, 10, 11), False)
    assert add_workdays(D(2025, 9, 30), 4) == (D(2025, 10, 13), False)


def test_mid_autumn_and_national_day_2026():
    assert [is_workday(D(2026, 9, day)) for day in (24, 25, 26, 27, 28)] == [True, False, False, False, True]
    assert is_workday(D(2026, 9, 20))  # Sunday, 调休
    assert all(not is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert is_workday(D(2026, 10, 8))
    assert is_workday(D(2026, 10, 10))  # Saturday, 调休
    assert not is_workday(D(2026, 10, 11))  # plain Sunday
    # Oct 8, 9, 10 (Sat), 12, 13
    assert add_workdays(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 13)) == 5


def test_spring_festival_2026():
    assert all(not is_workday(D(2026, 2, 15) + dt.timedelta(days=i)) for i in range(9))  # 15–23
    assert add_workdays(D(2026, 2, 13), 1) == (D(2026, 2, 14), False)  # Saturday 调休 counts
    assert add_workdays(D(2026, 2, 13), 2) == (D(2026, 2, 24), False)  # the whole break skipped
    assert add_workdays(D(2026, 2, 24), 4) == (D(2026, 2, 28), False)  # Saturday 调休 again
    # (Feb 13, Feb 28]: 14, 24, 25, 26, 27, 28
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 28)) == 6


def test_workdays_between_is_half_open_and_empty_backwards():
    assert workdays_between(D(2026, 10, 9), D(2026, 10, 10)) == 1
    assert workdays_between(D(2026, 10, 9), D(2026, 10, 9)) == 0
    assert workdays_between(D(2026, 10, 13), D(2026, 10, 1)) == 0
    assert add_workdays(D(2026, 10, 3), 0) == (D(2026, 10, 3), False)


def test_year_without_data_counts_weekends_only_and_is_provisional():
    assert year_known(2026) and not year_known(2027)
    assert is_workday(D(2027, 1, 1))  # really New Year's Day, but nobody entered it yet
    assert add_workdays(D(2026, 12, 30), 1) == (D(2026, 12, 31), False)
    # Dec 31, Jan 1 (Fri), Jan 4 (Mon)
    assert add_workdays(D(2026, 12, 30), 3) == (D(2027, 1, 4), True)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 12, 30), -1)


def test_staff_entered_year_changes_the_answer_and_ends_provisional():
    assert add_workdays(D(2026, 12, 30), 3) == (D(2027, 1, 4), True)  # warms the cache
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    # Data entered but the year not marked complete: better date, still provisional.
    assert add_workdays(D(2026, 12, 30), 3) == (D(2027, 1, 5), True)
    CalendarYear.objects.create(year=2027, is_complete=True, source="国办发明电〔2026〕")
    assert year_known(2027)
    assert add_workdays(D(2026, 12, 30), 3) == (D(2027, 1, 5), False)


def test_override_wins_over_the_package():
    assert add_workdays(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    HolidayOverride.objects.create(date=D(2026, 10, 9), is_workday=False, name="临时调整")
    HolidayOverride.objects.create(date=D(2026, 10, 11), is_workday=True, name="临时调休")
    assert not is_workday(D(2026, 10, 9))
    assert is_workday(D(2026, 10, 11))
    # Oct 8, 10, 11, 12, 13
    assert add_workdays(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    HolidayOverride.objects.filter(date=D(2026, 10, 11)).get().delete()
    assert add_workdays(D(2026, 9, 30), 5) == (D(2026, 10, 14), False)


def test_year_lookups_are_cached_not_per_day(django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(2 * 2):  # overrides + CalendarYear, for 2027 and 2028
        assert add_workdays(D(2027, 1, 1), 300).date.year == 2028
    with django_assert_num_queries(0):
        add_workdays(D(2027, 1, 1), 300)


def test_due_at_working_basis_ends_the_local_day():
    start = dt.datetime(2026, 9, 29, 17, 0, tzinfo=dt.UTC)  # Sep 30 01:00 in Shanghai
    due, provisional = due_at(start, 5, "working")
    assert due == dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=SHANGHAI)
    assert not provisional
    due, provisional = due_at(dt.datetime(2026, 12, 30, 9, tzinfo=SHANGHAI), 3, "working")
    assert (due, provisional) == (dt.datetime(2027, 1, 4, 23, 59, 59, tzinfo=SHANGHAI), True)


def test_due_at_calendar_basis_is_exact_and_never_provisional():
    start = dt.datetime(2026, 12, 25, 10, 30, 15, tzinfo=SHANGHAI)
    assert due_at(start, 10, "calendar") == (start + dt.timedelta(days=10), False)
    with pytest.raises(ValueError):
        due_at(dt.datetime(2026, 1, 5, 9), 1, "working")
    with pytest.raises(ValueError):
        due_at(start, 1, "lunar")


def test_add_workdays_command():
    out = StringIO()
    call_command("add_workdays", "2026-09-30", "5", stdout=out)
    assert out.getvalue() == "2026-10-13\n"
    out = StringIO()
    call_command("add_workdays", "2026-12-30", "3", stdout=out)
    assert out.getvalue().startswith("2027-01-04 暂定/provisional")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("add_workdays", "2026/09/30", "5")
    with pytest.raises(CommandError, match="负数"):
        call_command("add_workdays", "2026-09-30", "-1")



# --- Admin ---------------------------------------------------------------------------------


def test_platform_admin_enters_a_year_in_the_admin_and_provisional_deadlines_follow(
    celery_eager, client, board, staff_user, django_capture_on_commit_callbacks
):
    from boards.kernel.deadlines import open_deadline
    from boards.kernel.scoping import board_scope

    with board_scope(board):
        deadline = open_deadline(board, board, "test.answer", "跨年", 3, "working",
                                 starts_at=dt.datetime(2026, 12, 30, 9, tzinfo=SHANGHAI))
    assert deadline.provisional
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/boards/holidayoverride/add/", {"date": "2027-01-01", "name": "元旦"})
        assert response.status_code == 302
        response = client.post("/admin/boards/calendaryear/add/",
                               {"year": "2027", "is_complete": "on", "source": "国办发明电"})
        assert response.status_code == 302
    with board_scope(board):
        deadline.refresh_from_db()
    assert deadline.due_at == dt.datetime(2027, 1, 5, 23, 59, 59, tzinfo=SHANGHAI)
    assert not deadline.provisional


def test_calendar_admin_lists_and_refuses_users_without_a_staff_board(
    client, board, staff_user, django_assert_max_num_queries
):
    CalendarYear.objects.create(year=2027)
    HolidayOverride.objects.create(date=D(2027, 2, 5), is_workday=False, name="春节5")
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as few:
        html = client.get("/admin/boards/holidayoverride/").content.decode()
    assert "春节5" in html and ">五<" in html  # 2027-02-05 is a Friday
    for day in range(6, 28):
        HolidayOverride.objects.create(date=D(2027, 2, day), is_workday=False, name=f"春节{day}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/boards/holidayoverride/").status_code == 200
    html = client.get("/admin/boards/calendaryear/").content.decode()
    assert "2027" in html and 'alt="False"' in html  # not in the package

    from tests.factories import MembershipFactory, UserFactory

    expert = UserFactory(username="expert", is_staff=True)
    MembershipFactory(user=expert, board=board, role="expert")
    client.force_login(expert)
    assert client.get("/admin/boards/holidayoverride/").status_code == 403
    assert client.post("/admin/boards/calendaryear/add/", {"year": "2028"}).status_code == 403
    assert not CalendarYear.objects.filter(year=2028).exists()
