"""The dates reports are asked for: financial years, quarter ends, and the defaults the
report pages use when no date is given. One copy for the pages, the API and
``pathways report``.

- A financial year ``YYYY-YY`` (e.g. ``2025-26``) runs 1 April to 31 March; the
  employment rate of a year is counted on its last day.
- The employment-rate page defaults to the end of the last complete financial year
  (the last 31 March on or before today): that is the date of the ASCOF return, and a
  finished year's figures no longer move. Any other date can be asked for.
- The outcomes and savings pages default to the last 12 months: from the day after
  the same date a year ago up to today, both inclusive.
- The outcomes page splits its job starts by financial year (each year cut to the
  period), to set them beside the authority's job-start targets, which are per year.
- Quarter ends are 30 June, 30 September, 31 December and 31 March. The trend on the
  employment-rate page shows the last 8 quarter ends on or before the reporting date
  (the reporting date itself when it is a quarter end).
"""

from __future__ import annotations

import datetime as dt
import re

FINANCIAL_YEAR = re.compile(r"(\d{4})-(\d{2})")
#: (month, day) of each quarter end, in calendar order.
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))
TREND_QUARTERS = 8


def financial_year_end(value: str) -> dt.date:
    """The last day (31 March) of a ``YYYY-YY`` financial year such as ``2025-26``;
    anything else raises ValueError with a message for the person who typed it."""
    match = FINANCIAL_YEAR.fullmatch(value.strip())
    if not match or int(match[2]) != (int(match[1]) + 1) % 100:
        raise ValueError("give a financial year as YYYY-YY, e.g. 2025-26")
    return dt.date(int(match[1]) + 1, 3, 31)


def financial_year_of(day: dt.date) -> str:
    """``2025-26`` for any day from 1 April 2025 to 31 March 2026."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def year_ending(day: dt.date) -> dt.date:
    """The last day (31 March) of the financial year a day falls in."""
    return dt.date(day.year if day.month <= 3 else day.year + 1, 3, 31)


def financial_years(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """Each financial year the period touches, oldest first: ``(its last day, its first
    day in the period, its last day in the period)``."""
    years = []
    last = year_ending(start)
    while True:
        years.append((last, max(start, dt.date(last.year - 1, 4, 1)), min(end, last)))
        if last >= end:
            return years
        last = dt.date(last.year + 1, 3, 31)


def last_year_end(today: dt.date) -> dt.date:
    """The last 31 March on or before ``today``: the end of the last complete year."""
    year_end = dt.date(today.year, 3, 31)
    return year_end if year_end <= today else dt.date(today.year - 1, 3, 31)


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months up to ``today`` inclusive (a year ago tomorrow to today)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = dt.date(today.year - 1, 2, 28)
    return year_ago + dt.timedelta(days=1), today


def quarter_end_on_or_before(day: dt.date) -> dt.date:
    for year in (day.year, day.year - 1):
        for month, last in reversed(QUARTER_ENDS):
            end = dt.date(year, month, last)
            if end <= day:
                return end
    raise AssertionError("unreachable: 31 December of the year before is always earlier")


def quarter_ends(day: dt.date, count: int = TREND_QUARTERS) -> list[dt.date]:
    """The last ``count`` quarter ends on or before ``day``, oldest first."""
    ends = [quarter_end_on_or_before(day)]
    while len(ends) < count:
        ends.append(quarter_end_on_or_before(ends[-1] - dt.timedelta(days=1)))
    return ends[::-1]
