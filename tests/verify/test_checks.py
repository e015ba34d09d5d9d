"""Recipient matching (incl. salted hashes) and strict date parsing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from credwallet.verify.checks import expiry_check, not_before_check, recipient_check
from credwallet.verify.dates import parse_datetime

MINE = ["learner@example.org", "did:key:z6MkLearner"]


def _sha(value: str, salt: str = "") -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


@pytest.mark.parametrize("claimed,hashed,salt,hit", [
    ("learner@example.org", False, None, True),
    ("Learner@Example.org", False, None, True),
    ("mailto:learner@example.org", False, None, True),
    ("did:key:z6MkLearner", False, None, True),
    (_sha("learner@example.org", "NaCl"), True, "NaCl", True),
    (_sha("learner@example.org"), True, None, True),
    ("md5$" + hashlib.md5(b"learner@example.orgpepper").hexdigest(), True, "pepper", True),
    (_sha("learner@example.org", "other-salt"), True, "NaCl", False),
    ("someone@else.org", False, None, False),
    ("sha1$" + hashlib.sha1(b"learner@example.org").hexdigest(), True, None, False),
])
def test_recipient(claimed: str, hashed: bool, salt: str | None, hit: bool) -> None:
    check = recipient_check([(claimed, hashed, salt)], MINE)
    assert check.status == ("passed" if hit else "warning")
    assert check.detail


def test_recipient_never_fails() -> None:
    assert recipient_check([], MINE).status == "warning"
    assert recipient_check([("x@y.z", False, None)], []).status == "warning"


@pytest.mark.parametrize("text,ok", [
    ("2025-01-01T00:00:00Z", True), ("2025-01-01T00:00:00.123456789Z", True),
    ("2025-01-01T02:00:00+02:00", True), ("2025-01-01T00:00:00", True),
    ("2025-01-01", False), ("2025-13-01T00:00:00Z", False), ("yesterday", False), ("", False),
])
def test_parse_datetime(text: str, ok: bool) -> None:
    assert (parse_datetime(text) is not None) is ok


def test_dates_are_timezone_aware() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert not_before_check("2026-01-01T02:00:00+03:00", "validFrom", now).status == "passed"
    assert expiry_check("2025-12-31T23:59:59Z", "validUntil", now).status == "failed"
    assert expiry_check("2026-01-01T00:00:00Z", "validUntil", now).status == "failed"
    assert expiry_check(None, "validUntil", now).status == "passed"
