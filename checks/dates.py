"""Calendar arithmetic the rules share (month steps, Oslo dates, covered days) and month names for messages."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

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


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def month_labels(months: list[str]) -> str:
    """"september 2023, oktober 2023" for claimed months; text that is no month is shown as written."""
    labels = []
    for month in sorted(set(months)):
        try:
            labels.append(format_date(parse_month(month)[0], "LLLL y", locale="nb_NO"))
        except ValueError:
            labels.append(f"«{month}»")
    return ", ".join(labels)
