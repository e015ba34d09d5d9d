"""Attacks on the IETF Token Status List check (verify/token_status.py) of SD-JWT VCs.

Each test signs real Status List Tokens (joserfc) and verifies through `verify_bytes`: a list
another party signed, a list for another URL, a list past its `exp`, hostile claim types.
The answer must never be "passed" for a revoked entry, and never an exception.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from joserfc.jwk import ECKey

from tests.verify.test_token_status import (
    FETCHED,
    LIST_URI,
    NOW,
    credential,
    issuer_material,
    list_claims,
    revocation,
    sign,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def key() -> ECKey:
    return ECKey.generate_key("P-256")


@pytest.mark.parametrize("bits", [1.0, 2.0, 4.0, 8.0])
def test_a_float_bits_value_is_refused_not_a_crash(key: ECKey, bits: float) -> None:
    """JSON `2.0` equals 2 in Python (`2.0 in (1, 2, 4, 8)`), then indexes bytes with a float:
    the issuer's own signed list crashed verification (TypeError, exit 70)."""
    claims = list_claims([0, 1, 0, 0], bits=2)
    claims["status_list"]["bits"] = bits
    check, result = revocation(credential(key, idx=1), issuer_material([key], sign(claims, key)))
    assert check.status == "failed" and "bits" in check.detail, check
    assert not result.verified


@pytest.mark.parametrize("idx", [True, 1.0, "1", -1, 2**64, None, [1]])
def test_hostile_indexes_fail_closed(key: ECKey, idx: Any) -> None:
    token = sign(list_claims([0, 0, 0, 0], bits=2), key)
    check, result = revocation(credential(key, idx=idx), issuer_material([key], token))
    assert check.status == "failed", check
    assert not result.verified


def test_a_list_signed_by_another_issuer_never_passes(key: ECKey) -> None:
    """The other party's list says VALID for the revoked index; its key is not the issuer's."""
    other = ECKey.generate_key("P-256")
    token = sign(list_claims([0, 0, 0, 0], bits=2), other, {"jwk": other.as_dict(private=False)})
    check, result = revocation(credential(key, idx=1), issuer_material([key], token))
    assert check.status == "failed", check
    assert not result.verified


def test_a_list_for_another_url_is_not_swapped_in(key: ECKey) -> None:
    """The issuer's own, valid list for another URL (all VALID), cached where the revoking list
    belongs: `sub` names where it was published, so it answers nothing here."""
    for sub in (LIST_URI + "/", LIST_URI + "#x", LIST_URI.upper(), LIST_URI.replace("/1", "/%31"),
                "https://issuer.example/statuslists/2"):
        token = sign(list_claims([0, 0, 0, 0], bits=2, sub=sub), key)
        check, result = revocation(credential(key, idx=1), issuer_material([key], token))
        assert check.status == "failed" and "sub" in check.detail, (sub, check)
        assert not result.verified


def test_an_expired_list_answers_nothing_and_a_stale_one_only_warns(key: ECKey) -> None:
    expired = sign(list_claims([0, 0], bits=2, exp=int((FETCHED + timedelta(minutes=1)).timestamp())),
                   key)
    check, _ = revocation(credential(key, idx=1), issuer_material([key], expired))
    assert check.status == "failed" and "expired" in check.detail, check
    stale = sign(list_claims([0, 0], bits=2, ttl=60), key)
    check, _ = revocation(credential(key, idx=1), issuer_material([key], stale), NOW)
    assert check.status == "warning" and "ttl" in check.detail, check
