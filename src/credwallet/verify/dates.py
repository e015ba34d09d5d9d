"""Strict XML Schema dateTime parsing for credential dates (timezone required or assumed UTC)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
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


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")
