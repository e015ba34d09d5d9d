"""Regular expressions for `name_regex` that cannot run away.

Names come from issuers, patterns from whoever wrote the pathway (maybe a downloaded file).
Python's `re` backtracks and has no timeout, so a pattern such as `^(a+)+$` against a long
hostile name never finishes. Patterns are checked once, when the pathway is validated: no
repetition inside a repetition, no alternation inside a repetition, no backreferences, at
most two repetitions in all. What is left runs in at most quadratic time, and names are
cut to MAX_NAME characters before matching.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The stdlib parser `re` itself uses (3.11+: re._parser; typeshed has no stub for it).
sre_parse: Any = importlib.import_module("re._parser")

MAX_NAME = 256
MAX_REPEATS = 2
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


class UnsafeRegex(ValueError):
    pass


def _walk(items: Any, in_repeat: bool, count: list[int]) -> None:
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            if high == sre_parse.MAXREPEAT or high > 1:
                if in_repeat:
                    raise UnsafeRegex("a repetition inside a repetition (like (a+)+) can take "
                                      "forever on some names")
                count[0] += 1
                if count[0] > MAX_REPEATS:
                    raise UnsafeRegex(f"more than {MAX_REPEATS} repetitions; use name_pattern "
                                      "(a glob) for looser matches")
                _walk(body, True, count)
            else:
                if in_repeat and _low != high:
                    # (a?){30} backtracks like (a*)*: an optional item inside a repetition.
                    raise UnsafeRegex("an optional item inside a repetition (like (a?){30}) can "
                                      "take forever on some names")
                _walk(body, in_repeat, count)
        elif op is sre_parse.BRANCH:
            if in_repeat:
                raise UnsafeRegex("alternatives inside a repetition (like (a|ab)*) can take "
                                  "forever on some names")
            for branch in av[1]:
                _walk(branch, in_repeat, count)
        elif op in (sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS):
            raise UnsafeRegex("backreferences are not allowed")
        elif op is sre_parse.SUBPATTERN:
            _walk(av[3], in_repeat, count)
        elif op is sre_parse.ATOMIC_GROUP:
            _walk(av, in_repeat, count)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            _walk(av[1], in_repeat, count)


def check_regex(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` if it is safe to run on untrusted names; else UnsafeRegex."""
    if len(pattern) > 500:
        raise UnsafeRegex("longer than 500 characters")
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise UnsafeRegex(f"not a valid regular expression: {exc}") from None
    _walk(parsed, False, [0])
    return compiled


def search(compiled: re.Pattern[str], name: str) -> bool:
    return compiled.search(name[:MAX_NAME]) is not None
