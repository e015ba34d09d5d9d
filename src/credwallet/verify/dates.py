"""Strict XML Schema dateTime parsing for credential dates (timezone required or assumed UTC),
and date arithmetic that is total at the calendar's edges.

Python's datetime spans the years 1-9999; `+`/`-` past either end and `astimezone` of a
year-1 time with a positive offset raise OverflowError. Every shift of a date in credwallet
goes through `shift`, which clamps to the edge instead: a window reaching before year 1
("issued within 5 years" of 0001-06-01) includes everything from the start of the calendar,
and one reaching past 9999 ("expires within 30 days" of 9999-12-20) includes everything to its
end. Comparisons between aware datetimes never overflow, so clamped edges compare correctly.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

_DT = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$")


def parse_datetime(value: Any) -> datetime | None:
    """Parse an xsd:dateTime; None when malformed. A missing offset is read as UTC."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    m = _DT.match(value.strip())
    if not m:
        return None
    frac = (m.group(7) or "")[:7]  # "." + at most 6 digits: Python keeps microseconds
    tz = m.group(8) or "Z"
    text = f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}:{m.group(5)}:{m.group(6)}{frac}"
    text += "+00:00" if tz == "Z" else tz
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 lies before the calendar's start
        return None


MIN_UTC = datetime.min.replace(tzinfo=UTC)
MAX_UTC = datetime.max.replace(tzinfo=UTC)


def shift(dt: datetime, delta: timedelta) -> datetime:
    """`dt + delta`, clamped to MIN_UTC/MAX_UTC instead of raising OverflowError."""
    try:
        return dt + delta
    except OverflowError:
        return MAX_UTC if delta > timedelta(0) else MIN_UTC


def to_utc(dt: datetime) -> datetime:
    """`dt` in UTC (naive read as UTC), clamped at the calendar's edges."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:
        offset = dt.utcoffset() or timedelta(0)
        return MIN_UTC if offset > timedelta(0) else MAX_UTC


def years(n: float) -> timedelta:
    """`n` years of 365.25 days, saturating at timedelta's own range."""
    try:
        return timedelta(days=365.25 * n)
    except OverflowError:
        return timedelta.max if n > 0 else timedelta.min


def iso(dt: datetime) -> str:
    return to_utc(dt).isoformat().replace("+00:00", "Z")


def parse_at(value: str, *, lenient: bool = False) -> datetime:
    """An `--at` option: an aware UTC datetime, or ValueError with a one-line reason.

    `lenient` also accepts what Python's fromisoformat reads (date-only, no offset). A time
    whose offset moves it outside the years 1-9999 in UTC is refused rather than clamped: the
    user asked for a moment the calendar cannot hold."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError("not an ISO-8601 date-time (e.g. 2030-01-01T00:00:00Z)")
    strict = parse_datetime(value)
    if strict is not None:
        return strict
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO-8601 date-time (e.g. 2030-01-01T00:00:00Z)") from None
    if dt.tzinfo is not None:
        try:
            dt.astimezone(UTC)
        except OverflowError:
            raise ValueError("lies outside the years 1-9999 once its UTC offset is applied") \
                from None
    if not lenient:
        raise ValueError("not an ISO-8601 date-time (e.g. 2030-01-01T00:00:00Z)")
    return to_utc(dt)


def numeric_date(value: Any) -> datetime | None:
    """An RFC 7519 NumericDate (seconds since the epoch) as a UTC datetime; None when it is not
    a number or lies outside the calendar (a hostile `1e300`, NaN or infinity must not raise)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
