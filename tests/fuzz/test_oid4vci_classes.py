"""Crash and time-budget classes of OID4VCI issuance (the `oid4vci` and `offer` targets of
tests/fuzz/harness.py): a hostile issuer server, a hostile offer. Each class first as the
example the fuzzer found, then generated broadly, through `issuance.import_sources` against the
in-memory issuer of tests/fuzz/oid4vci_targets.py (every answer from the test)."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import oid4vci_targets as oid
from tests.fuzz.harness import TARGETS, check
from tests.fuzz.invariant import fuzz_settings

TARGET = TARGETS["oid4vci"]
TOKEN = f"{oid.ISSUER}/token"
CREDENTIAL = f"{oid.ISSUER}/credential"


@pytest.fixture(autouse=True, scope="module")
def warm() -> None:
    """Imports and keys made once, outside the 5 s budget of the first input."""
    TARGET.run(oid.oid4vci_seeds()[0])


def spec(seed: int = 0) -> dict[str, Any]:
    return copy.deepcopy(json.loads(oid.oid4vci_seeds()[seed]))


def items_of(doc: dict[str, Any]) -> list[Any]:
    """Run one issuance; a finding of the invariant fails the test, else the import items.
    The wall-clock alarm is generous (a shared machine); budgets are asserted in CPU time."""
    data = json.dumps(doc).encode("utf-8", "surrogatepass")
    finding = check(TARGET, data, seconds=60)
    assert finding is None, finding.summary + "\n" + finding.trace
    return list(TARGET.run(data))


def test_the_well_formed_issuer_is_imported_and_verified() -> None:
    """The seeds reach storage: otherwise every mutation would stop at the first step."""
    for n in (0, 1, 2, 4, 6, 7, 8, 11):
        items = items_of(spec(n))
        assert items and all(i.status == "imported" for i in items), (n, items)
        assert all(i.verification is not None and i.verification.verified for i in items), n


# --- issuer values that go into an HTTP header --------------------------------------------------


def test_access_token_with_a_non_ascii_character_is_refused() -> None:
    # It was sent as `Authorization: Bearer <token>`; httpx raised UnicodeEncodeError (exit 70).
    doc = spec()
    doc["responses"][TOKEN]["body"]["access_token"] = "\u202e"
    [item] = items_of(doc)
    assert item.status == "failed" and item.exit_code == 3
    assert "access_token" in (item.error or "")


@given(token=st.text(min_size=1, max_size=40))
@fuzz_settings(40)
def test_any_access_token_is_used_or_refused_cleanly(token: str) -> None:
    doc = spec()
    doc["responses"][TOKEN]["body"]["access_token"] = token
    [item] = items_of(doc)
    visible = all(" " <= c <= "~" for c in token)
    assert (item.status == "imported") == visible, (token, item.error)


# --- the time budget: issuer text is shown cut short, whatever its size --------------------------


def test_huge_error_description_with_a_long_token_is_fast() -> None:
    # Every window of every secret was searched for in the whole of the issuer's text.
    doc = spec()
    doc["responses"][TOKEN]["body"]["access_token"] = "T" * 16 * 1024
    doc["responses"][CREDENTIAL] = {"status": 400, "body": {
        "error": "invalid_proof", "error_description": "x" * (4 * 2**20)}}
    started = time.process_time()
    [item] = items_of(doc)
    assert time.process_time() - started < 2.0
    assert item.status == "failed" and "invalid_proof" in (item.error or "")


def test_access_token_longer_than_the_cap_is_refused() -> None:
    doc = spec()
    doc["responses"][TOKEN]["body"]["access_token"] = "T" * (16 * 1024 + 1)
    [item] = items_of(doc)
    assert item.status == "failed" and "access_token" in (item.error or "")


def test_secret_repeated_at_the_edge_of_the_shown_text_is_still_withheld() -> None:
    doc = spec(9)  # token endpoint refuses with an error_description
    code = json.loads(oid.oid4vci_seeds()[9])["offer"]["grants"][oid.PRE]["pre-authorized_code"]
    doc["responses"][TOKEN]["body"]["error_description"] = "y" * 190 + code
    [item] = items_of(doc)
    assert code[:8] not in (item.error or "") and "withheld" in (item.error or "")


@pytest.mark.parametrize("where", ["metadata", "token", "credential"])
def test_deep_and_wide_answers_are_refused_in_budget(where: str) -> None:
    url = {"metadata": oid.METADATA_URL, "token": TOKEN, "credential": CREDENTIAL}[where]
    for body in ('{"a":' * 5000 + "1" + "}" * 5000, "[" + "1," * 2_000_000 + "1]",
                 '{"credentials": [' + ",".join(['{"credential": "x"}'] * 100_000) + "]}"):
        doc = spec()
        doc["responses"][url] = {"status": 200, "headers": {"content-type": "application/json"},
                                 "body": body}
        started = time.process_time()
        [item] = items_of(doc)
        assert time.process_time() - started < 5.0, where
        assert item.status == "failed", (where, item)
