"""Calendar arithmetic the rules share: month steps, Oslo dates, covered days."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def oslo_date(timestamp: str) -> date:
    """The Norwegian local date of an ISO 8601 timestamp; a naive one is taken as Oslo time."""
    moment = datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(OSLO).date()


def parse_month(text: str) -> tuple[date, date]:
    """First and last day of a "YYYY-MM" month."""
    year, month = (int(part) for part in text.strip().split("-")[:2])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def covered_days(first: date, last: date, start: date | None, end: date | None) -> int:
    """Days of [first, last] inside [start, end], both ends counted; open ends cover everything."""
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    return max(0, (hi - lo).days + 1)


def months_between(start: date, end: date) -> list[str]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current.strftime("%Y-%m"))
        current = add_months(current, 1)
    return months


def day_before(day: date) -> date:
    return day - timedelta(days=1)
