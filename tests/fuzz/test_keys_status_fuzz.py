"""Key material, JOSE headers, status lists and issuer registries from hostile documents."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import CredwalletError
from credwallet.models import VerificationResult
from credwallet.trust.registry import parse_registry
from credwallet.verify import EmptyMaterial, verify_bytes
from credwallet.verify.keys import KeyUnavailable, key_from_vm_object
from credwallet.verify.status import MAX_LIST_BITS, StatusError, bit_at, decode_bitstring
from tests.fuzz.invariant import fuzz_settings, outcome, peak_memory
from tests.fuzz.strategies import JSON_VALUES, ODD_SCALARS, b64url, b64url_json
from tests.verify.vutil import NOW, ob3_credential

FAST = fuzz_settings(100)
B64 = st.binary(max_size=80).map(b64url)
JWK_VALUES = st.one_of(B64, ODD_SCALARS, st.just("A" * 3000), st.just(b64url(b"\xff" * 600)))
JWKS = st.fixed_dictionaries(
    {"kty": st.sampled_from(["RSA", "EC", "OKP", "oct", "", "rsa", 5])},
    optional={"crv": st.sampled_from(["P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448", "X25519",
                                      "P-999", 7]),
              "x": JWK_VALUES, "y": JWK_VALUES, "n": JWK_VALUES, "e": JWK_VALUES, "kid": ODD_SCALARS,
              "alg": ODD_SCALARS, "use": ODD_SCALARS},
)


@pytest.mark.parametrize("jwk", [{"kty": "OKP", "crv": "P-256"}, {"kty": "EC", "crv": "Ed25519"}],
                         ids=["OKP-P-256", "EC-Ed25519"])
def test_jwk_curve_of_another_key_type(jwk: dict[str, Any]) -> None:
    # joserfc raises KeyError for these; it used to escape as exit 70.
    x = b64url(b"\x01" * 32)
    header = {"alg": "ES256", "jwk": {**jwk, "x": x, "y": x}}
    token = ".".join([b64url_json(header), b64url_json({"vc": ob3_credential("did:example:i")}),
                      b64url(b"\x01" * 64)])
    res = outcome(verify_bytes, token.encode(), now=NOW, material=EmptyMaterial())
    assert isinstance(res, VerificationResult) and not res.verified


def _raises_only(fn: Any, allowed: tuple[type[BaseException], ...], *args: Any) -> Any:
    try:
        return fn(*args)
    except allowed as exc:
        return exc
    except Exception as exc:
        raise AssertionError(f"{fn.__name__} raised {type(exc).__name__}: {str(exc)[:200]}") from None


@given(jwk=JWKS, alg=st.sampled_from(["RS256", "ES256", "EdDSA"]), kid=st.one_of(st.none(), ODD_SCALARS))
@FAST
def test_jwt_with_hostile_embedded_jwk(jwk: dict[str, Any], alg: str, kid: Any) -> None:
    """The JWK in the header reaches joserfc and cryptography: any key gives a clean result."""
    header: dict[str, Any] = {"alg": alg, "jwk": jwk}
    if kid is not None:
        header["kid"] = kid
    token = ".".join([b64url_json(header), b64url_json({"vc": ob3_credential("did:example:i")}),
                      b64url(b"\x01" * 64)])
    res = outcome(verify_bytes, token.encode(), now=NOW, material=EmptyMaterial())
    assert isinstance(res, VerificationResult | CredwalletError)
    if isinstance(res, VerificationResult):
        assert not res.verified


@given(vm=st.dictionaries(st.sampled_from(["publicKeyMultibase", "publicKeyJwk", "publicKeyBase58",
                                           "publicKeyPem", "controller", "type", "id"]),
                          st.one_of(ODD_SCALARS, JWKS, B64, st.just("z" + "1" * 60))))
@FAST
def test_verification_method_objects(vm: dict[str, Any]) -> None:
    _raises_only(key_from_vm_object, (KeyUnavailable,), vm, "https://issuer.example/key#1")


@given(st.one_of(ODD_SCALARS, st.text(alphabet="uH4sIA-_=+/abc0", max_size=60),
                 st.binary(max_size=60).map(lambda b: "u" + b64url(gzip.compress(b))),
                 st.binary(max_size=60).map(lambda b: "u" + b64url(b))))
@FAST
def test_decode_bitstring(encoded: Any) -> None:
    bits = _raises_only(decode_bitstring, (StatusError,), encoded)
    if isinstance(bits, bytes):
        assert len(bits) <= MAX_LIST_BITS // 8


def test_status_list_gzip_bomb_is_capped() -> None:
    bomb = "u" + b64url(gzip.compress(b"\0" * (64 * 1024 * 1024), 9))  # 64 MiB of zeros, 64 KiB
    result: list[Any] = []
    peak = peak_memory(lambda: result.append(_raises_only(decode_bitstring, (StatusError,), bomb)))
    assert isinstance(result[0], StatusError)
    assert peak < 64 * 1024 * 1024, f"peak {peak // 2**20} MiB"


@given(st.binary(max_size=40), st.integers(0, 2**40), st.integers(1, 16))
@FAST
def test_bit_at(bits: bytes, index: int, size: int) -> None:
    # Callers (status._bitstring_entry) only pass index >= 0 and 1 <= statusSize <= 16.
    res = _raises_only(bit_at, (StatusError,), bits, index, size)
    if isinstance(res, int):
        assert 0 <= res < 2**size
        assert (index + 1) * size <= len(bits) * 8
    else:
        assert (index + 1) * size > len(bits) * 8


REGISTRY_SHAPES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({"registry": st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=4)}),
    st.fixed_dictionaries({"entries": st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=4)}),
    st.fixed_dictionaries({"issuers": st.lists(st.one_of(JSON_VALUES, st.fixed_dictionaries(
        {"id": ODD_SCALARS, "name": ODD_SCALARS, "url": ODD_SCALARS})), max_size=4)}),
    st.lists(st.fixed_dictionaries({"id": ODD_SCALARS}, optional={"name": ODD_SCALARS}), max_size=4),
)


@given(REGISTRY_SHAPES)
@FAST
def test_registry_documents(doc: Any) -> None:
    outcome(parse_registry, json.dumps(doc).encode(), fetched_at=datetime(2026, 1, 1, tzinfo=UTC))


@given(st.binary(max_size=200))
@FAST
def test_registry_random_bytes(body: bytes) -> None:
    outcome(parse_registry, body, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_b64_helpers_roundtrip() -> None:
    assert base64.urlsafe_b64decode(b64url(b"abc") + "=") == b"abc"
