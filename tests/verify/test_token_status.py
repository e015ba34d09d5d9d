"""IETF Token Status List for SD-JWT VCs (draft-ietf-oauth-status-list): the draft's own lists and
signed token, and Status List Tokens signed here, each refusal with its reason.

Vectors: `tests/vectors/token-status/` (provenance in its PROVENANCE.md).
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey
from tests.verify.vutil import FETCHED

from credwallet.models import CachedDocument
from credwallet.pathways.held import credential_status
from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify import token_status as ts
from credwallet.verify.did_jwk import did_jwk_of

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "token-status"
ISS = "https://issuer.example/tenant"
META_URL = "https://issuer.example/.well-known/jwt-vc-issuer/tenant"
LIST_URI = "https://issuer.example/statuslists/1"
NOW = FETCHED + timedelta(hours=1)
TYP = "application/statuslist+jwt"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# --- building tokens -----------------------------------------------------------------------------


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pack(values: list[int], bits: int) -> bytes:
    """A Status List byte array written independently of the reader: entry i occupies bits
    [i*bits, (i+1)*bits) of the array counted from the least significant bit of byte 0."""
    whole = 0
    for i, v in enumerate(values):
        whole |= v << (i * bits)
    size = (len(values) * bits + 7) // 8
    return whole.to_bytes(size, "little")


def lst(values: list[int], bits: int) -> str:
    return b64(zlib.compress(pack(values, bits), 9))


def sign(claims: dict[str, Any], key: Any, header: dict[str, Any] | None = None) -> str:
    head = {"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1", **(header or {})}
    return jws.serialize_compact(head, json.dumps(claims).encode(), key, algorithms=[head["alg"]])


def list_claims(values: list[int] | None = None, bits: int = 2, **extra: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": LIST_URI, "iat": int(FETCHED.timestamp()) - 60, "exp": int((FETCHED + timedelta(days=30))
                                                                          .timestamp()),
        "ttl": 43200, "status_list": {"bits": bits, "lst": lst(values or [0, 1, 2, 3, 0, 0, 0, 1], bits)}}
    claims.update(extra)
    return {k: v for k, v in claims.items() if v is not None}


def credential(key: Any, idx: int = 0, uri: str = LIST_URI, iss: str = ISS, **extra: Any) -> str:
    payload = {"iss": iss, "vct": "urn:example:badge", "iat": int(FETCHED.timestamp()) - 3600,
               "status": {"status_list": {"idx": idx, "uri": uri}}, **extra}
    head = {"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"}
    return jws.serialize_compact(head, json.dumps(payload).encode(), key, algorithms=["ES256"]) + "~"


def doc(url: str, body: bytes | str, *, kind: str = "key", status: int = 200,
        media_type: str = "application/json", fetched: datetime = FETCHED) -> CachedDocument:
    raw = body.encode() if isinstance(body, str) else body
    return CachedDocument.make(url, kind, raw, fetched, media_type=media_type, http_status=status)


def issuer_material(keys: list[Any], token: str | bytes | None = None, **list_doc: Any) -> DictMaterial:
    jwks = [{**k.as_dict(private=False), "kid": f"k{i + 1}"} for i, k in enumerate(keys)]
    docs = {META_URL: doc(META_URL, json.dumps({"issuer": ISS, "jwks": {"keys": jwks}}))}
    if token is not None:
        docs[LIST_URI] = doc(LIST_URI, token, kind="token_status_list", **{"media_type": TYP, **list_doc})
    return DictMaterial(docs)


def revocation(raw: str, material: Any, now: datetime = NOW) -> Any:
    result = verify_bytes(raw.encode(), now=now, material=material)
    return result.check("revocation"), result


@pytest.fixture(scope="module")
def key() -> ECKey:
    return ECKey.generate_key("P-256")


# --- the draft's Status Lists --------------------------------------------------------------------


def draft_lists() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((VECTORS / "status-lists.json").read_text(encoding="utf-8"))
    return list(data["lists"])


@pytest.mark.parametrize("entry", draft_lists(), ids=lambda e: f"{e['bits']}bit-{e['entries']}")
def test_draft_status_lists_read_as_the_draft_states(entry: dict[str, Any]) -> None:
    bits, raw = ts.decode({"bits": entry["bits"], "lst": entry["lst"]})
    assert bits == entry["bits"]
    assert len(raw) * 8 // bits == entry["entries"]
    stated = {int(k): v for k, v in entry["statuses"].items()}
    if "byte_array" in entry:  # the section 4.1 figures: bytes and compressed form as drawn
        assert list(raw) == entry["byte_array"]
        assert zlib.decompress(bytes.fromhex(entry["compressed_hex"])) == raw
        assert [ts.value_at(raw, i, bits) for i in range(entry["entries"])] == \
            [stated[i] for i in range(entry["entries"])]
        return
    for idx, value in stated.items():
        assert ts.value_at(raw, idx, bits) == value, idx
    # Every other entry is 0: the non-zero entries are exactly the stated non-zero ones.
    per_byte = 8 // bits
    nonzero = {i * per_byte + j for i, byte in enumerate(raw) if byte
               for j in range(per_byte) if ts.value_at(raw, i * per_byte + j, bits)}
    assert nonzero == {i for i, v in stated.items() if v}
    assert pack([ts.value_at(raw, i, bits) for i in range(16)], bits) == raw[:16 * bits // 8]
    with pytest.raises(ts.TokenStatusError, match="beyond the list"):
        ts.value_at(raw, entry["entries"], bits)


def test_reader_and_independent_writer_agree() -> None:
    rng = random.Random(7)
    for bits in ts.BITS:
        values = [rng.randrange(1 << bits) for _ in range(203)]
        got_bits, raw = ts.decode({"bits": bits, "lst": lst(values, bits)})
        assert [ts.value_at(raw, i, got_bits) for i in range(len(values))] == values


@pytest.mark.parametrize(("status_list", "reason"), [
    ({"bits": 3, "lst": "eNrbuRgAAhcBXQ"}, "not one of 1, 2, 4, 8"),
    ({"bits": True, "lst": "eNrbuRgAAhcBXQ"}, "not one of 1, 2, 4, 8"),
    ({"bits": 1, "lst": "eNrbuRg*AhcBXQ"}, "not base64url"),
    ({"bits": 1, "lst": b64(b"plain bytes, not zlib")}, "not ZLIB"),
    ({"bits": 1, "lst": b64(zlib.compress(b"\x00" * 64)[:-6])}, "truncated"),
    ({"bits": 1, "lst": b64(zlib.compress(b"\x00" * 64) + b"extra")}, "after the end"),
    ({"bits": 1, "lst": b64(gzip.compress(b"\x00" * 8))}, "not ZLIB"),  # gzip, not the ZLIB format
    ({"bits": 1}, "lst is missing"),
    ("a string", "not an object"),
])
def test_malformed_status_lists_are_refused(status_list: Any, reason: str) -> None:
    with pytest.raises(ts.TokenStatusError, match=reason):
        ts.decode(status_list)


def test_zip_bomb_stops_at_the_cap() -> None:
    bomb = zlib.compress(b"\x00" * (ts.MAX_LIST_BYTES + 1), 9)
    assert len(bomb) < 64 * 1024
    with pytest.raises(ts.TokenStatusError, match="decompression bomb"):
        ts.decode({"bits": 1, "lst": b64(bomb)})
    exact = zlib.compress(b"\x00" * ts.MAX_LIST_BYTES, 9)  # exactly the cap is still a list
    assert len(ts.decode({"bits": 8, "lst": b64(exact)})[1]) == ts.MAX_LIST_BYTES


@pytest.mark.parametrize(("claim", "reason"), [
    ({"idx": -1, "uri": LIST_URI}, "negative"),
    ({"idx": "3", "uri": LIST_URI}, "not an integer"),
    ({"idx": 1.5, "uri": LIST_URI}, "not an integer"),
    ({"idx": True, "uri": LIST_URI}, "not an integer"),
    ({"idx": 2**40, "uri": LIST_URI}, "beyond any list"),
    ({"uri": LIST_URI}, "not an integer"),
    ({"idx": 0}, "uri is missing"),
    ({"idx": 0, "uri": "http://issuer.example/statuslists/1"}, "not an https URL"),
    ({"idx": 0, "uri": "ftp://issuer.example/l"}, "not an https URL"),
    ({"idx": 0, "uri": "https://user@issuer.example/l"}, "no user name"),
    ({"idx": 0, "uri": "https://issuer.example:99999/l"}, "not a URL"),
    ({"idx": 0, "uri": "/statuslists/1"}, "with a host"),
    ([0, LIST_URI], "not an object"),
])
def test_reference_rules(claim: Any, reason: str) -> None:
    with pytest.raises(ts.TokenStatusError, match=reason):
        ts.reference(claim)


def test_plain_http_only_on_loopback() -> None:
    for uri in ("http://127.0.0.1:8080/l", "http://localhost/l", "http://[::1]/l", "https://x.example/l"):
        assert ts.reference({"idx": 0, "uri": uri}).uri == uri


# --- the draft's signed Status List Token -----------------------------------------------------------


def test_the_drafts_signed_token_answers_for_its_issuer(key: ECKey) -> None:
    """The example token of the draft (kid 12, iss https://example.com), checked with the
    published key through the issuer's JWT VC Issuer Metadata, for a credential of that issuer."""
    token = (VECTORS / "status-list-token.jwt").read_text(encoding="ascii").strip()
    draft_key = json.loads((VECTORS / "status-list-key.json").read_text(encoding="utf-8"))
    iss, meta_url, uri = "https://example.com", "https://example.com/.well-known/jwt-vc-issuer", \
        "https://example.com/statuslists/1"
    meta: dict[str, Any] = {"issuer": iss, "jwks": {"keys": [{**key.as_dict(private=False), "kid": "k1"},
                                                          draft_key]}}
    material = DictMaterial({meta_url: doc(meta_url, json.dumps(meta)),
                             uri: doc(uri, token, kind="token_status_list", media_type=TYP)})
    # The 1-bit list of section 4.1: index 0 INVALID, 1 VALID, 3 INVALID, 16 beyond the list.
    revoked, result = revocation(credential(key, 0, uri, iss), material)
    assert revoked.status == "failed" and revoked.detail.startswith("revoked: INVALID (0x01) at index 0")
    assert not result.verified and result.check("proof").status == "passed"
    valid, result = revocation(credential(key, 1, uri, iss), material)
    assert valid.status == "passed", valid.detail
    assert "VALID (0x00) at index 1" in valid.detail and valid.detail.endswith("signed by https://example.com/.well-known/jwt-vc-issuer#12")
    assert "as of 2026-01-01T00:00:00Z" in valid.detail and result.verified
    assert revocation(credential(key, 3, uri, iss), material)[0].status == "failed"
    beyond = revocation(credential(key, 16, uri, iss), material)[0]
    assert beyond.status == "failed" and "index 16 is beyond the list (16 entries of 1 bit)" in beyond.detail
    # Its ttl is 12 hours: a day after the fetch the VALID answer is stale (a warning).
    stale = revocation(credential(key, 1, uri, iss), material, FETCHED + timedelta(days=1))[0]
    assert stale.status == "warning" and "ttl ran out at 2026-01-01T12:00:00Z" in stale.detail
    # Without the draft's key in the metadata, the token is not the issuer's.
    only_mine = {"issuer": iss, "jwks": {"keys": [meta["jwks"]["keys"][0]]}}
    material = DictMaterial({meta_url: doc(meta_url, json.dumps(only_mine)),
                             uri: doc(uri, token, kind="token_status_list", media_type=TYP)})
    refused = revocation(credential(key, 1, uri, iss), material)[0]
    assert refused.status == "failed" and "no key with kid '12'" in refused.detail


# --- status values --------------------------------------------------------------------------------


@pytest.mark.parametrize(("idx", "status", "start"), [
    (0, "passed", "not revoked or suspended: VALID (0x00) at index 0"),
    (1, "failed", "revoked: INVALID (0x01)"),
    (2, "failed", "suspended: SUSPENDED (0x02)"),
    (3, "failed", "status not established: 0x03 at index 3"),
])
def test_status_values(key: ECKey, idx: int, status: str, start: str) -> None:
    check, result = revocation(credential(key, idx), issuer_material([key], sign(list_claims(), key)))
    assert check.status == status and check.detail.startswith(start), check.detail
    assert result.verified is (status == "passed")


def test_application_specific_and_unassigned_values_never_read_as_valid(key: ECKey) -> None:
    token = sign(list_claims([0, 3, 12, 15, 4, 255], bits=8), key)
    for idx, word in ((1, "application-specific"), (2, "application-specific"), (3, "application-specific"),
                      (4, "unassigned"), (5, "unassigned")):
        check, result = revocation(credential(key, idx), issuer_material([key], token))
        assert check.status == "failed" and word in check.detail and not result.verified, (idx, check)


def test_suspended_reads_as_suspended_and_invalid_as_revoked(key: ECKey) -> None:
    token = sign(list_claims(), key)
    for idx, word in ((1, "revoked"), (2, "suspended"), (0, "verified")):
        _, result = revocation(credential(key, idx), issuer_material([key], token))
        assert credential_status(result, None, NOW)[0] == word


# --- the Status List Token's rules --------------------------------------------------------------


def _refused(key: ECKey, token: str | bytes, reason: str, **list_doc: Any) -> None:
    check, result = revocation(credential(key, 0), issuer_material([key], token, **list_doc))
    assert check.status == "failed", check
    assert check.detail.startswith(f"status not established: Status List Token {LIST_URI} (as of "), check
    assert reason in check.detail, check.detail
    assert not result.verified and result.check("proof").status == "passed"


def test_signed_by_another_key(key: ECKey) -> None:
    stranger = ECKey.generate_key("P-256")
    _refused(key, sign(list_claims(), stranger), "the signature does not verify with")
    _refused(key, sign(list_claims(), stranger, {"kid": "k9"}), "no key with kid 'k9'")
    # The token carrying its own key (jwk) or an x5c nobody anchors: never the issuer's.
    _refused(key, sign(list_claims(), stranger, {"jwk": stranger.as_dict(private=False)}),
             "does not verify with")


def test_signed_by_another_key_of_the_same_metadata_passes(key: ECKey) -> None:
    second = ECKey.generate_key("P-256")
    token = sign(list_claims(), second, {"kid": "k2"})
    check, _ = revocation(credential(key, 0), issuer_material([key, second], token))
    assert check.status == "passed" and "#k2" in check.detail


@pytest.mark.parametrize(("header", "reason"), [
    ({"typ": "JWT"}, "has typ 'JWT', not statuslist+jwt"),
    ({"typ": None}, "has typ None"),
    ({"alg": "HS256"}, "not allowed"),
])
def test_header_rules(key: ECKey, header: dict[str, Any], reason: str) -> None:
    if header.get("alg") == "HS256":
        from joserfc.jwk import OctKey

        token = sign(list_claims(), OctKey.generate_key(256), header)
    else:
        head = {k: v for k, v in {"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1", **header}.items()
                if v is not None}
        token = jws.serialize_compact(head, json.dumps(list_claims()).encode(), key, algorithms=["ES256"])
    _refused(key, token, reason)


def test_typ_with_media_type_prefix_is_accepted(key: ECKey) -> None:
    token = sign(list_claims(), key, {"typ": "application/statuslist+jwt"})
    assert revocation(credential(key, 0), issuer_material([key], token))[0].status == "passed"


@pytest.mark.parametrize(("extra", "reason"), [
    ({"sub": "https://issuer.example/statuslists/2"}, "has sub 'https://issuer.example/statuslists/2', not"),
    ({"sub": None}, "has sub None"),
    ({"iss": "https://other.example"}, "is issued by 'https://other.example', not the credential's"),
    ({"iat": None}, "has no iat"),
    ({"iat": "yesterday"}, "has iat 'yesterday', not a NumericDate"),
    ({"iat": int((NOW + timedelta(days=1)).timestamp())}, "after the time of the check"),
    ({"nbf": int((NOW + timedelta(days=1)).timestamp())}, "is not valid before"),
    ({"exp": int((NOW - timedelta(seconds=1)).timestamp())}, "expired at 2026-01-01T00:59:59Z"),
    ({"ttl": 0}, "has ttl 0, not a positive number"),
    ({"ttl": "12h"}, "has ttl '12h'"),
    ({"status_list": {"bits": 3, "lst": "eNrbuRgAAhcBXQ"}}, "bits 3 is not one of 1, 2, 4, 8"),
    ({"status_list": {"bits": 1, "lst": "not base64!"}}, "lst is not base64url"),
    ({"status_list": None}, "status_list claim is missing"),
])
def test_claim_rules(key: ECKey, extra: dict[str, Any], reason: str) -> None:
    _refused(key, sign(list_claims(**extra), key), reason)  # None: the claim left out


def test_expired_list_says_refresh(key: ECKey) -> None:
    token = sign(list_claims(), key)
    check, _ = revocation(credential(key, 0), issuer_material([key], token), FETCHED + timedelta(days=31))
    assert check.status == "failed" and "expired at" in check.detail and "credwallet refresh" in check.detail


def test_zip_bomb_in_a_signed_token(key: ECKey) -> None:
    bomb = b64(zlib.compress(b"\x00" * (ts.MAX_LIST_BYTES * 4), 9))
    _refused(key, sign(list_claims(status_list={"bits": 1, "lst": bomb}), key), "decompression bomb")


def test_index_out_of_range(key: ECKey) -> None:
    check, _ = revocation(credential(key, 8), issuer_material([key], sign(list_claims(), key)))
    assert check.status == "failed" and "index 8 is beyond the list (8 entries of 2 bits)" in check.detail


def test_not_a_jwt_and_cwt_form(key: ECKey) -> None:
    _refused(key, b"\xd2\x84\x43\xa1\x01\x26", "CWT form (application/statuslist+cwt)")
    _refused(key, "eyJhbGciOiJFUzI1NiJ9.e30", "not a usable Status List Token in JWT form")
    _refused(key, "\u00e9t\u00e9".encode(), "not a Status List Token in JWT form")
    _refused(key, sign(list_claims(), key), "CWT form", media_type="application/statuslist+cwt")


def test_tampered_list_fails_the_signature(key: ECKey) -> None:
    head, body, sig = sign(list_claims([0, 0, 0, 0], bits=1), key).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["status_list"]["lst"] = lst([1, 1, 1, 1], 1)
    forged = f"{head}.{b64(json.dumps(claims).encode())}.{sig}"
    _refused(key, forged, "the signature does not verify")


def test_not_cached_or_http_error_is_not_checked(key: ECKey) -> None:
    missing, result = revocation(credential(key, 0), issuer_material([key]))
    assert missing.status == "warning" and "was not cached at import" in missing.detail
    assert "credwallet refresh" in missing.detail and result.verified  # never checked, not passed
    gone, _ = revocation(credential(key, 0), issuer_material([key], b"", status=404))
    assert gone.status == "warning" and "answered HTTP 404" in gone.detail
    # Cached under a lookalike URL (trailing slash): not the list the credential names.
    assert revocation(credential(key, 0, LIST_URI + "/"), issuer_material([key], sign(list_claims(), key))
                      )[0].status == "warning"


def test_status_claim_shapes(key: ECKey) -> None:
    material = issuer_material([key], sign(list_claims(), key))
    head = {"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"}

    def with_status(status: Any) -> Any:
        payload = {"iss": ISS, "vct": "urn:example:badge", "status": status}
        raw = jws.serialize_compact(head, json.dumps(payload).encode(), key, algorithms=["ES256"]) + "~"
        return revocation(raw, material)[0]

    assert with_status("revoked").status == "failed"
    other = with_status({"status_assertion": {}})
    assert other.status == "warning" and "(status_assertion) is not supported" in other.detail
    bad_idx = with_status({"status_list": {"idx": -4, "uri": LIST_URI}})
    assert bad_idx.status == "failed"
    assert "Token Status List: status_list idx -4 is negative" in bad_idx.detail


def test_did_issuer_signs_its_list() -> None:
    issuer = OKPKey.generate_key("Ed25519")
    iss = did_jwk_of(issuer.as_dict(private=False))
    head = {"alg": "EdDSA", "typ": "dc+sd-jwt"}
    payload = {"iss": iss, "vct": "urn:example:t", "status": {"status_list": {"idx": 1, "uri": LIST_URI}}}
    raw = jws.serialize_compact(head, json.dumps(payload).encode(), issuer, algorithms=["EdDSA"]) + "~"

    def listed(signer: Any, **claims: Any) -> Any:
        token = jws.serialize_compact({"alg": "EdDSA", "typ": "statuslist+jwt"},
                                      json.dumps(list_claims(**claims)).encode(), signer,
                                      algorithms=["EdDSA"])
        material = DictMaterial({LIST_URI: doc(LIST_URI, token, kind="token_status_list", media_type=TYP)})
        return revocation(raw, material)[0]

    revoked = listed(issuer)
    assert revoked.status == "failed" and revoked.detail.startswith("revoked: INVALID"), revoked.detail
    assert listed(issuer, iss=iss).status == "failed"  # its own iss: fine, still revoked
    stranger = listed(OKPKey.generate_key("Ed25519"))
    assert stranger.status == "failed" and "does not verify" in stranger.detail


def test_no_iss_means_no_issuer_to_bind(key: ECKey) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from tests.verify.test_sd_jwt_vc import _cert, _x5c

    private = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("Issuer", private.public_key(), private, "Issuer")
    signer = ECKey.import_key(private)
    payload = {"vct": "urn:example:t", "status": {"status_list": {"idx": 0, "uri": LIST_URI}}}
    head = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": _x5c(cert)}
    raw = jws.serialize_compact(head, json.dumps(payload).encode(), signer, algorithms=["ES256"]) + "~"
    token = sign(list_claims(), signer, {"x5c": _x5c(cert)})
    material = DictMaterial({LIST_URI: doc(LIST_URI, token, kind="token_status_list", media_type=TYP)})
    check = revocation(raw, material)[0]
    assert check.status == "failed" and "the credential has no iss" in check.detail


def test_x5c_list_counts_only_when_the_metadata_lists_its_key(key: ECKey) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from tests.verify.test_sd_jwt_vc import _cert, _x5c

    private = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("Issuer", private.public_key(), private, "Issuer", san=ISS)
    signer = ECKey.import_key(private)
    token = sign(list_claims(), signer, {"x5c": _x5c(cert), "kid": "k2"})
    anchored = revocation(credential(key, 0), issuer_material([key, signer], token))[0]
    assert anchored.status == "passed" and anchored.detail.endswith("tenant#k2")  # the metadata's key
    unanchored = revocation(credential(key, 0), issuer_material([key], token))[0]
    assert unanchored.status == "failed" and "not bound to the issuer" in unanchored.detail
    assert "no trust anchor" in unanchored.detail


# --- hostile input never escapes as an exception ------------------------------------------------

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
JSONISH = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bits=JSONISH, lst_text=st.one_of(st.text(max_size=60), st.binary(max_size=60).map(b64)),
       idx=st.integers(0, 600))
def test_any_status_list_is_an_answer_or_a_reason(bits: Any, lst_text: str, idx: int) -> None:
    try:
        got_bits, raw = ts.decode({"bits": bits, "lst": lst_text})
    except ts.TokenStatusError:
        return
    try:
        assert 0 <= ts.value_at(raw, idx, got_bits) < (1 << got_bits)
    except ts.TokenStatusError as exc:
        assert "beyond the list" in str(exc)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claim=JSONISH, claims=st.dictionaries(st.sampled_from(["sub", "iss", "iat", "exp", "nbf", "ttl",
                                                              "status_list"]), JSONISH, max_size=7))
def test_any_reference_and_token_claims_give_a_check(key: ECKey, claim: Any, claims: dict[str, Any]) -> None:
    from credwallet.verify.did_jwk import public_key_from_jwk

    bound = public_key_from_jwk(key.as_dict(private=False), "the issuer's key")
    bound.bound_controller = ISS
    material = issuer_material([key], sign({"sub": LIST_URI, **claims}, key))
    for reference in (claim, {"idx": 0, "uri": LIST_URI}):
        check = ts.status_check(reference, ISS, material, NOW, lambda header: ([bound], ""))
        assert check.status in ("passed", "failed", "warning") and check.detail, check
