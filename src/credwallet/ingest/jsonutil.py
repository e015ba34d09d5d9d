"""Strict, bounded JSON parsing for untrusted input.

Every parsed tree is checked once, here at the edge, by `check_tree`: a value that passes can be
written as UTF-8, hashed, canonicalized and saved anywhere later without a surprise. Parsers of
other formats (YAML, TOML, XML) run the same check on what they produce.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from credwallet.errors import BadInput, InputTooLarge

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
# A JSON number is an IEEE double to every other processor (JSON-LD, JCS, JavaScript): an integer
# beyond the double range has no meaning anywhere and makes float() raise OverflowError.
MAX_INT = int(sys.float_info.max)

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _bounded_int(text: str) -> int:
    # Length first: int() of a hostile 4,000-digit run is quadratic work.
    if len(text) > 320 or (len(text) > 308 and abs(int(text)) > MAX_INT):
        raise ValueError(f"integer {text[:20]}... is beyond the range of a double")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # "1e400": a number Python would silently read as infinity
        raise ValueError(f"number {text[:40]} is beyond the range of a double")
    return value


# A number that could leave a double's range has 309+ digits in a row or a 3-digit exponent;
# only then do the per-number hooks run (digits inside strings match too: harmless).
_BIG_NUMBER = re.compile(r"\d{309}|[eE][+-]?\d{3}")
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


_PLAIN_KEY = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$:-]{0,39}")


# A path is a linked list (key, parent) built only as far as needed: no copying per node.
_Link = tuple[str | int, "Any"] | None


def _path(link: _Link) -> str:
    """A JSON path for messages; odd keys are shown escaped (ASCII), so the message is safe."""
    parts: list[str | int] = []
    while link is not None:
        parts.append(link[0])
        link = link[1]
    parts.reverse()
    out = "$"
    for p in parts[:12]:
        if isinstance(p, int):
            out += f"[{p}]"
        elif _PLAIN_KEY.fullmatch(p):
            out += "." + p
        else:
            out += "[" + json.dumps(p[:40], ensure_ascii=True) + "]"
    return out + (".…" if len(parts) > 12 else "")


def _string_problem(s: str) -> str | None:
    m = _SURROGATE.search(s)
    if m is None:
        return None
    return f"contains a lone surrogate (\\u{ord(m.group()):04x}), which is not Unicode text"


def _on_chain(ident: int, chain: Any) -> bool:
    while chain is not None:
        if chain[0] == ident:
            return True
        chain = chain[1]
    return False


def check_tree(value: Any, what: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse (BadInput, naming `what` and the JSON path) a parsed tree that later code could
    not safely write, hash or process: lone surrogates in strings or keys, non-finite floats,
    integers beyond the double range, nesting deeper than `max_depth`, a container that contains
    itself (YAML anchors). Scalars of other types (YAML dates, bytes) are left to the caller.

    Shared containers (YAML aliases) are checked once, so an alias "bomb" is walked linearly.
    """
    seen: set[int] = set()
    # (value, path link, depth, chain of container ids above); iterative: hostile depth is fine.
    stack: list[tuple[Any, _Link, int, Any]] = [(value, None, 0, None)]
    while stack:
        node, link, depth, chain = stack.pop()
        if isinstance(node, str):
            why = _string_problem(node)
            if why:
                raise BadInput(f"{what}: string at {_path(link)} {why}")
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if not -MAX_INT <= node <= MAX_INT:
                raise BadInput(f"{what}: integer at {_path(link)} is beyond the range of a double")
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise BadInput(f"{what}: number at {_path(link)} is not finite ({node})")
        elif isinstance(node, (dict, list, tuple)):
            ident = id(node)
            if ident in seen:
                if _on_chain(ident, chain):
                    raise BadInput(f"{what}: the value at {_path(link)} contains itself")
                continue
            seen.add(ident)
            if depth >= max_depth:
                raise BadInput(f"{what} is nested more than {max_depth} levels deep (at {_path(link)})")
            inner = (ident, chain)
            if isinstance(node, dict):
                for k, v in node.items():
                    if isinstance(k, str):
                        why = _string_problem(k)
                        if why:
                            raise BadInput(f"{what}: a key in {_path(link)} {why}")
                        key: str | int = k
                    else:
                        key = str(k)
                        if isinstance(k, (int, float)):
                            stack.append((k, (key, link), depth + 1, inner))
                    stack.append((v, (key, link), depth + 1, inner))
            else:
                stack.extend((v, (i, link), depth + 1, inner) for i, v in enumerate(node))


def loads(data: bytes | str, *, what: str = "JSON") -> Any:
    """Parse JSON with size and depth caps and `check_tree`; raises BadInput with a one-line
    message naming `what` (and, for a bad value, its JSON path)."""
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
        if _BIG_NUMBER.search(text):
            value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float,
                               parse_int=_bounded_int)
        else:  # no number can leave a double's range: the C parser alone (a Python hook per
            # number made 8 MiB of `[1,1,...]` cost seconds)
            value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        reason = str(exc)[:120].encode("ascii", "backslashreplace").decode("ascii")
        raise BadInput(f"{what} is not valid JSON: {reason}") from exc
    # The walk costs more than the parse: run it only when the text could hold what it refuses
    # (text decoded from UTF-8 has no raw surrogates: only an escape can make one).
    if _SURROGATE_ESCAPE.search(text) or (not isinstance(data, bytes) and not _utf8_clean(text)):
        check_tree(value, what)
    return value


def _utf8_clean(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dumps_compact(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


__all__ = ["MAX_DEPTH", "MAX_JSON_BYTES", "check_tree", "dumps_compact", "loads"]
