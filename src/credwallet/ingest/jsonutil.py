"""Strict, bounded JSON parsing for untrusted input."""

from __future__ import annotations

import json
import re
from typing import Any

from credwallet.errors import BadInput, InputTooLarge

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """Cheap pre-scan so a hostile 1 MB of '[' cannot reach the recursive parser."""
    if text.count("[") + text.count("{") <= limit:
        return True
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def loads(data: bytes | str, *, what: str = "JSON") -> Any:
    """Parse JSON with size and depth caps; raises BadInput with a one-line message."""
    if len(data) > MAX_JSON_BYTES:
        raise InputTooLarge(f"{what} is larger than {MAX_JSON_BYTES // (1024 * 1024)} MiB")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{what} is not valid UTF-8") from exc
    else:
        text = data.removeprefix("\ufeff")
    if not _depth_ok(text):
        raise BadInput(f"{what} is nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"{what} is not valid JSON: {str(exc)[:120]}") from exc


def dumps_compact(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
