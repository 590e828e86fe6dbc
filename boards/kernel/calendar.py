"""Chinese working-day calendar (工作日): weekends and statutory holidays off, 调休 days on.

Sources, strongest first: ``HolidayOverride`` rows staff enter; the ``chinese_calendar``
package (it knows 2004–2026 and raises NotImplementedError beyond); weekends alone.
A year is *known* when the package covers it or staff marked its ``CalendarYear`` complete;
any answer that counted a day of an unknown year is *provisional*.

Per-year data is cached in the process for ``CACHE_SECONDS``; saving or deleting a
HolidayOverride or CalendarYear clears this process's cache at once (signals, see
BoardsConfig.ready), other processes pick the change up when their entry expires.
"""

import datetime as dt
import time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays

from boards.kernel.models import CalendarYear, DayBasis, HolidayOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE_YEARS = range(min(_package_holidays).year, max(_package_holidays).year + 1)
CACHE_SECONDS = 60
END_OF_DAY = dt.time(23, 59, 59)
ONE_DAY = dt.timedelta(days=1)


class WorkdayResult(NamedTuple):
    date: dt.date
    provisional: bool


class _Year(NamedTuple):
    overrides: dict
    known: bool


_cache: dict[int, tuple[float, _Year]] = {}  # year -> (expiry on the monotonic clock, the year)


def clear_cache(**kwargs: Any) -> None:
    """Forget cached years (signal receiver for HolidayOverride/CalendarYear changes)."""
    _cache.clear()


def _year(year: int) -> _Year:
    hit = _cache.get(year)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    overrides = dict(HolidayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))
    known = year in PACKAGE_YEARS or CalendarYear.objects.filter(year=year, is_complete=True).exists()
    data = _Year(overrides, known)
    _cache[year] = (time.monotonic() + CACHE_SECONDS, data)
    return data


def year_known(year: int) -> bool:
    return _year(year).known


def is_workday(d: dt.date) -> bool:
    override = _year(d.year).overrides.get(d)
    if override is not None:
        return override
    if d.year in PACKAGE_YEARS:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def add_workdays(d: dt.date, n: int) -> WorkdayResult:
    """The n-th working day after ``d`` (``d`` itself for n=0); provisional when a day
    counted or skipped, i.e. in (d, result], lies in an unknown year."""
    if n < 0:
        raise ValueError("add_workdays needs n >= 0")
    day = d
    for _ in range(n):
        day += ONE_DAY
        while not is_workday(day):
            day += ONE_DAY
    provisional = any(not year_known(y) for y in range((d + ONE_DAY).year, day.year + 1))
    return WorkdayResult(day, provisional)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Number of working days in (a, b]; 0 when b <= a."""
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        count += is_workday(day)
    return count


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def due_at(start: dt.datetime, amount: int, basis: str) -> tuple[dt.datetime, bool]:
    """Deadline for ``amount`` days from the aware datetime ``start``: ``(due, provisional)``.

    Working basis: 23:59:59 Asia/Shanghai of the amount-th working day after the start's
    local date. Calendar basis: exactly ``start + amount days``, never provisional.
    """
    if start.tzinfo is None:
        raise ValueError("due_at needs an aware datetime")
    if basis == DayBasis.CALENDAR:
        return start + dt.timedelta(days=amount), False
    if basis != DayBasis.WORKING:
        raise ValueError(f"unknown day basis {basis!r}")
    day, provisional = add_workdays(local_date(start), amount)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI), provisional
