"""SD-JWT VC (issue #13 item 5): the draft's own examples, and credentials signed here.

Vectors: `tests/vectors/ietf-sd-jwt-vc/` (provenance in `tests/vectors/PROVENANCE.md`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey
from tests.verify.vutil import FETCHED, cached

from credwallet.errors import BadInput, UnsupportedFormat
from credwallet.ingest import recognise, sdjwt
from credwallet.ingest.describe import credential_view
from credwallet.models import StoredCredential
from credwallet.models.entry import encode_raw
from credwallet.verify import DictMaterial, EmptyMaterial, verify_bytes
from credwallet.verify.did_jwk import did_jwk_of

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "ietf-sd-jwt-vc"
ISS = "https://example.com/issuer"
META_URL = "https://example.com/.well-known/jwt-vc-issuer/issuer"
PID_ISS = "https://pid-issuer.aendgard.example"
PID_META_URL = "https://pid-issuer.aendgard.example/.well-known/jwt-vc-issuer"
AFTER_KB = datetime(2026, 9, 1, tzinfo=UTC)  # the examples' KB-JWTs are from 21 August 2026
NONCE, AUD = "1234567890", "https://example.com/verifier"

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def vec(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def material(**extra: Any) -> DictMaterial:
    docs = {META_URL: cached(META_URL, vec("issuer-metadata.json"), kind="key"),
            PID_META_URL: cached(PID_META_URL, vec("pid-issuer-metadata.json"), kind="key")}
    docs.update({url: cached(url, body, kind="key") for url, body in extra.items()})
    return DictMaterial(docs)


def run(raw: bytes | str, mat: Any = None, now: datetime = AFTER_KB, **kw: Any) -> Any:
    data = raw.encode() if isinstance(raw, str) else raw
    return verify_bytes(data, now=now, material=mat if mat is not None else material(), **kw)


def statuses(result: Any) -> dict[str, str]:
    return {c.check: c.status for c in result.checks}


# --- the draft's examples --------------------------------------------------------------


@pytest.mark.parametrize("name", ["issued.sd-jwt", "presented.sd-jwt", "presented-kb.sd-jwt",
                                  "pid-issued.sd-jwt", "pid-presented-kb.sd-jwt"])
def test_draft_examples_verify_with_issuer_metadata(name: str) -> None:
    result = run(vec(name), challenge=NONCE, domain=AUD)
    assert result.format == "sd-jwt-vc"
    assert result.verified, result.checks
    assert result.check("key_binding").status == "passed"
    assert "JWT VC Issuer Metadata" in result.check("key_binding").detail
    kb = "kb" in name
    assert result.check("holder_binding").status == ("passed" if kb else "skipped")


@pytest.mark.parametrize(("token", "expected"), [("presented.sd-jwt", "processed.json"),
                                                 ("presented-kb.sd-jwt", "processed-kb.json"),
                                                 ("pid-presented-kb.sd-jwt", "pid-processed.json")])
def test_processed_payload_is_the_drafts(token: str, expected: str) -> None:
    rec = recognise(vec(token))
    assert rec.document == json.loads(vec(expected))


def test_issued_example_discloses_everything_and_view_shows_only_disclosed() -> None:
    full = recognise(vec("issued.sd-jwt")).document or {}
    assert {"given_name", "family_name", "email", "address", "is_over_65"} <= full.keys()
    part = recognise(vec("presented.sd-jwt")).document or {}
    assert "given_name" not in part and "_sd" not in part and part["is_over_65"] is True
    view = credential_view(stored(vec("presented.sd-jwt")))
    assert view.issuer.id == ISS
    assert view.name == "identity_credential"
    assert view.expires == "2029-09-01T23:33:20Z" and view.issued == "2023-05-02T04:00:00Z"
    assert view.description is not None
    assert "address" in view.description and "given_name" not in view.description
    assert "Doe" not in view.model_dump_json()


def test_key_binding_jwt_checks_on_the_example() -> None:
    token = vec("presented-kb.sd-jwt")
    # Expected nonce and audience differ: replay refused.
    other = run(token, challenge="fresh")
    assert other.check("holder_binding").status == "failed"
    assert "nonce" in other.check("holder_binding").detail
    assert run(token, domain="https://rp.example").check("holder_binding").status == "failed"
    # Without expected values: reported, not enforced.
    assert "(no expected value)" in run(token).check("holder_binding").detail
    # Checked before the KB-JWT was made: issued in the future.
    early = run(token, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert early.check("holder_binding").status == "failed"
    assert "future" in early.check("holder_binding").detail
    # One disclosure withheld after the holder signed: sd_hash no longer matches.
    parts = token.decode().strip().split("~")
    dropped = "~".join([parts[0], *parts[2:]])
    result = run(dropped)
    assert result.check("proof").status == "passed"
    assert result.check("holder_binding").status == "failed"
    assert "sd_hash" in result.check("holder_binding").detail


def test_metadata_rules() -> None:
    token = vec("issued.sd-jwt")
    # Nothing cached: no key, the proof fails and says why.
    none = run(token, EmptyMaterial())
    assert none.check("proof").status == "failed" and "was not cached at import" in none.check("proof").detail
    kb = run(vec("presented-kb.sd-jwt"), EmptyMaterial())
    assert kb.check("holder_binding").status == "skipped"  # cnf from an unverified payload
    # Metadata naming another issuer must not be used.
    meta = json.loads(vec("issuer-metadata.json"))
    wrong = run(token, DictMaterial({META_URL: cached(META_URL, {**meta, "issuer": "https://example.com"})}))
    assert "must not be used" in wrong.check("proof").detail
    # Served from anywhere but the well-known URL of iss: not found.
    elsewhere = "https://example.com/.well-known/jwt-vc-issuer"
    assert run(token, DictMaterial({elsewhere: cached(elsewhere, meta)})).check("proof").status == "failed"
    # jwks_uri, cached too.
    keys_url = "https://keys.example.com/jwks.json"
    by_uri = DictMaterial({META_URL: cached(META_URL, {"issuer": ISS, "jwks_uri": keys_url}),
                           keys_url: cached(keys_url, meta["jwks"])})
    assert run(token, by_uri).verified
    # jwks and jwks_uri both: refused; the kid names a key the metadata does not list.
    both = DictMaterial({META_URL: cached(META_URL, {**meta, "jwks_uri": keys_url})})
    assert "exactly one" in run(token, both).check("proof").detail
    other_kid = {**meta, "jwks": {"keys": meta["jwks"]["keys"][1:]}}
    assert "no key with kid" in run(token, DictMaterial({META_URL: cached(META_URL, other_kid)})) \
        .check("proof").detail
    # A listed key that did not sign: the signature fails.
    swapped = {**meta, "jwks": {"keys": [{**meta["jwks"]["keys"][1], "kid": "doc-signer-05-25-2022"}]}}
    assert run(token, DictMaterial({META_URL: cached(META_URL, swapped)})).check("proof").status == "failed"
    # HTTP 404 cached: unusable.
    gone = DictMaterial({META_URL: cached(META_URL, b"", status=404)})
    assert "HTTP 404" in run(token, gone).check("proof").detail


def test_metadata_url_per_section_4() -> None:
    url = sdjwt.jwt_vc_issuer_metadata_url
    assert url("https://example.com") == "https://example.com/.well-known/jwt-vc-issuer"
    assert url("https://example.com/") == "https://example.com/.well-known/jwt-vc-issuer"
    assert url("https://example.com/tenant/1234") == "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
    assert url("https://example.com:8443/t/") == "https://example.com:8443/.well-known/jwt-vc-issuer/t"
    for bad in ("http://example.com", "https://example.com/?q=1", "https://example.com/#f", "did:web:x",
                None, "https://user@example.com/"):
        assert url(bad) is None, bad


def test_tampered_disclosures_fail_the_proof() -> None:
    token = vec("issued.sd-jwt").decode().strip()
    jwt, *disclosures, last = token.split("~")
    assert last == ""
    salt, name, _value = json.loads(base64.urlsafe_b64decode(disclosures[0] + "=="))
    forged = b64(json.dumps([salt, name, "Mallory"]).encode())
    cases = {
        "changed value": "~".join([jwt, forged, *disclosures[1:], ""]),
        "sent twice": "~".join([jwt, disclosures[0], *disclosures, ""]),
        "foreign disclosure": "~".join([jwt, b64(b'["salt", "extra", 1]'), ""]),
    }
    for label, bad in cases.items():
        result = run(bad)
        assert result.check("proof").status == "failed", label
        assert not result.verified
        # The view never shows what did not match a signed digest.
        assert "Mallory" not in json.dumps(recognise(bad.encode()).document)


# --- credentials signed here -----------------------------------------------------------


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def disclosure(*parts: Any) -> tuple[str, str]:
    enc = b64(json.dumps(list(parts)).encode())
    return enc, b64(hashlib.sha256(enc.encode()).digest())


def issue(payload: dict[str, Any], key: Any, header: dict[str, Any] | None = None,
          disclosures: tuple[str, ...] | list[str] = (), kb: str | None = None) -> str:
    head = {"alg": "ES256", "typ": "dc+sd-jwt", **(header or {})}
    jwt = jws.serialize_compact(head, json.dumps(payload).encode(), key, algorithms=[head["alg"]])
    return jwt + "~" + "".join(d + "~" for d in disclosures) + (kb or "")


def kb_jwt(presented: str, holder: Any, *, alg: str = "ES256", typ: str = "kb+jwt",
           iat: int = int(FETCHED.timestamp()), **claims: Any) -> str:
    body = {"nonce": NONCE, "aud": AUD, "iat": iat,
            "sd_hash": b64(hashlib.sha256(presented.encode()).digest()), **claims}
    return jws.serialize_compact({"alg": alg, "typ": typ}, json.dumps(body).encode(), holder,
                                 algorithms=[alg])


def stored(raw: bytes) -> StoredCredential:
    text, encoding = encode_raw(raw.strip())
    return StoredCredential(id="0" * 12, format="sd-jwt-vc", raw=text, raw_encoding=encoding,
                            source="test", imported_at=FETCHED)


def own_issuer(key: Any) -> tuple[str, DictMaterial]:
    iss = "https://issuer.example/tenant"
    url = "https://issuer.example/.well-known/jwt-vc-issuer/tenant"
    meta = {"issuer": iss, "jwks": {"keys": [{**key.as_dict(private=False), "kid": "k1"}]}}
    return iss, DictMaterial({url: cached(url, meta)})


def test_recursive_array_and_decoy_disclosures() -> None:
    key = ECKey.generate_key("P-256")
    iss, mat = own_issuer(key)
    street, d_street = disclosure("s1", "street", "Main St 1")
    country, d_country = disclosure("s2", "country", "NL")
    address, d_address = disclosure("s3", "address", {"_sd": [d_street, d_country], "city": "Delft"})
    nl, d_nl = disclosure("s4", "NL")
    de, d_de = disclosure("s5", "DE")
    decoy = b64(hashlib.sha256(b"decoy").digest())
    payload = {"iss": iss, "vct": "urn:example:badge", "iat": 1735689600, "exp": 1893456000,
               "_sd": [d_address, decoy], "nationalities": [{"...": d_nl}, {"...": d_de}, "FR"],
               "_sd_alg": "sha-256"}
    everything = issue(payload, key, {"kid": "k1"}, [address, street, country, nl, de])
    result = run(everything, mat)
    assert result.verified, result.checks
    doc = recognise(everything.encode()).document
    assert doc == {"iss": iss, "vct": "urn:example:badge", "iat": 1735689600, "exp": 1893456000,
                   "address": {"city": "Delft", "street": "Main St 1", "country": "NL"},
                   "nationalities": ["NL", "DE", "FR"]}
    # The holder withholds the street and Germany: gone from the processed payload, still valid.
    some = issue(payload, key, {"kid": "k1"}, [address, country, nl])
    assert run(some, mat).verified
    assert recognise(some.encode()).document == {**doc, "address": {"city": "Delft", "country": "NL"},
                                                 "nationalities": ["NL", "FR"]}
    # A nested disclosure without its parent matches no digest the issuer signed (reachable).
    orphan = run(issue(payload, key, {"kid": "k1"}, [street]), mat)
    assert orphan.check("proof").status == "failed" and "matches no digest" in orphan.check("proof").detail


@pytest.mark.parametrize(("label", "mutate", "reason"), [
    ("duplicate digest", lambda p, d: p.update(_sd=[d, d]), "more than once"),
    ("reserved name", None, "reserved"),
    ("existing claim", None, "already exists"),
    ("unknown hash", lambda p, d: p.update(_sd_alg="md5"), "_sd_alg"),
    ("_sd not an array", lambda p, d: p.update(_sd=d), "not an array"),
])
def test_rfc9901_must_rejects(label: str, mutate: Any, reason: str) -> None:
    key = ECKey.generate_key("P-256")
    iss, mat = own_issuer(key)
    name = {"reserved name": "_sd", "existing claim": "vct"}.get(label, "given_name")
    enc, dg = disclosure("salt", name, "x")
    payload: dict[str, Any] = {"iss": iss, "vct": "urn:example:t", "_sd": [dg]}
    if mutate is not None:
        mutate(payload, dg)
    result = run(issue(payload, key, {"kid": "k1"}, [enc]), mat)
    assert result.check("proof").status == "failed", label
    assert reason in result.check("proof").detail, (label, result.check("proof").detail)


def test_registered_claims_must_not_be_disclosed_and_dates_apply() -> None:
    key = ECKey.generate_key("P-256")
    iss, mat = own_issuer(key)
    enc, dg = disclosure("salt", "exp", 1700000000)
    token = issue({"iss": iss, "vct": "urn:example:t", "_sd": [dg]}, key, {"kid": "k1"}, [enc])
    hidden_exp = run(token, mat)
    assert hidden_exp.check("schema").status == "failed" and "exp" in hidden_exp.check("schema").detail
    assert hidden_exp.check("expiry").status == "failed"  # and the disclosed date still counts
    expired = run(issue({"iss": iss, "vct": "urn:example:t", "exp": 1700000000}, key, {"kid": "k1"}), mat)
    assert expired.check("expiry").status == "failed"
    future = run(issue({"iss": iss, "vct": "urn:example:t", "nbf": 1893456000}, key, {"kid": "k1"}), mat)
    assert future.check("not_before").status == "failed"
    untyped = run(issue({"iss": iss, "vct": "urn:example:t"}, key, {"kid": "k1", "typ": "JWT"}), mat)
    assert untyped.check("schema").status == "failed" and "dc+sd-jwt" in untyped.check("schema").detail
    legacy = run(issue({"iss": iss, "vct": "urn:example:t"}, key, {"kid": "k1", "typ": "vc+sd-jwt"}), mat)
    assert legacy.verified and "up to -05" in legacy.check("schema").detail
    status = {"status_list": {"idx": 3, "uri": "https://issuer.example/statuslists/1"}}
    listed = run(issue({"iss": iss, "vct": "urn:example:t", "status": status}, key, {"kid": "k1"}), mat)
    assert listed.check("revocation").status == "warning"  # the Status List Token is not cached
    assert "was not cached at import" in listed.check("revocation").detail


def test_holder_key_binding_own_credentials() -> None:
    key = ECKey.generate_key("P-256")
    holder = ECKey.generate_key("P-256")
    iss, mat = own_issuer(key)
    enc, dg = disclosure("salt", "given_name", "Sam")
    payload = {"iss": iss, "vct": "urn:example:t", "_sd": [dg], "cnf": {"jwk": holder.as_dict(private=False)}}
    sd = issue(payload, key, {"kid": "k1"}, [enc])
    assert run(sd + kb_jwt(sd, holder), mat, challenge=NONCE, domain=AUD).verified
    wrong_holder = run(sd + kb_jwt(sd, ECKey.generate_key("P-256")), mat)
    assert wrong_holder.check("holder_binding").status == "failed"
    wrong_typ = run(sd + kb_jwt(sd, holder, typ="JWT"), mat)
    assert "kb+jwt" in wrong_typ.check("holder_binding").detail
    no_nonce = run(sd + kb_jwt(sd, holder, nonce=7), mat)
    assert no_nonce.check("holder_binding").status == "failed"
    other_sd = issue(payload, key, {"kid": "k1"}, [])
    assert "sd_hash" in run(sd + kb_jwt(other_sd, holder), mat).check("holder_binding").detail
    no_cnf = issue({"iss": iss, "vct": "urn:example:t"}, key, {"kid": "k1"})
    assert "cnf" in run(no_cnf + kb_jwt(no_cnf, holder), mat).check("holder_binding").detail


def test_did_issuer_and_wallet_recipient() -> None:
    key = OKPKey.generate_key("Ed25519")
    iss = did_jwk_of(key.as_dict(private=False))
    token = issue({"iss": iss, "vct": "urn:example:t", "sub": "did:example:me"}, key, {"alg": "EdDSA"})
    result = run(token, EmptyMaterial(), identities=["did:example:me"])
    assert result.verified, result.checks
    assert "earlier SD-JWT VC drafts" in result.check("key_binding").detail
    assert result.check("recipient").status == "passed"


def _cert(subject: str, public: Any, signer: Any, issuer: str, *, san: str | None = None,
          days: int = 365) -> x509.Certificate:
    start = FETCHED - timedelta(days=1)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(public).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + timedelta(days=days)))
    if san is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _x5c(*certs: x509.Certificate) -> list[str]:
    return [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in certs]


def test_x5c_chain_checked_but_never_anchored() -> None:
    root_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Test Root", root_key.public_key(), root_key, "Test Root")
    iss = "https://issuer.example/tenant"
    leaf = _cert("Issuer", leaf_key.public_key(), root_key, "Test Root", san=iss)
    payload = {"iss": iss, "vct": "urn:example:t"}
    jose_leaf = ECKey.import_key(leaf_key)
    token = issue(payload, jose_leaf, {"x5c": _x5c(leaf, root)})
    result = run(token, EmptyMaterial())
    assert result.check("proof").status == "passed", result.checks
    binding = result.check("key_binding")
    assert binding.status == "failed" and not result.verified
    assert "self-consistent" in binding.detail and "no trust anchor" in binding.detail
    assert f"iss {iss} is a subjectAltName" in binding.detail
    # A chain whose links do not sign each other is reported as such (still not bound).
    stranger = ec.generate_private_key(ec.SECP256R1())
    fake_root = _cert("Test Root", stranger.public_key(), stranger, "Test Root")
    broken = run(issue(payload, jose_leaf, {"x5c": _x5c(leaf, fake_root)}), EmptyMaterial())
    assert "not signed by certificate #2" in broken.check("key_binding").detail
    # Past the leaf's validity.
    late = run(token, EmptyMaterial(), now=FETCHED + timedelta(days=800))
    assert "not valid at" in late.check("key_binding").detail
    # The same key published in the issuer's metadata binds it (metadata is the anchor).
    _, mat = own_issuer(jose_leaf)
    anchored = run(token, mat)
    assert anchored.verified, anchored.checks
    assert "the same key as the x5c" in anchored.check("key_binding").detail
    # Garbage in x5c: a failed proof with a reason, never a traceback.
    junk = run(issue(payload, jose_leaf, {"x5c": ["not base64!"]}), EmptyMaterial())
    assert junk.check("proof").status == "failed" and "x5c" in junk.check("proof").detail


def test_recognition_edges() -> None:
    key = ECKey.generate_key("P-256")
    # A long issuer-signed JWT (a big header or payload) is still recognised by its first '~'.
    big = issue({"iss": "https://x.example", "vct": "urn:x", "pad": "p" * 20000}, key)
    assert recognise(big.encode()).format == "sd-jwt-vc"
    with pytest.raises(UnsupportedFormat, match="vct"):
        recognise(issue({"iss": "https://x.example"}, key).encode())
    with pytest.raises(UnsupportedFormat, match="VCDM"):
        recognise(issue({"@context": ["https://www.w3.org/ns/credentials/v2"]}, key,
                        {"typ": "vc+sd-jwt"}).encode())
    with pytest.raises(BadInput):
        recognise(issue({"vct": "urn:x"}, key).encode() + b"~!!")
    with pytest.raises(BadInput):
        recognise(issue({"vct": "urn:x"}, key).encode() + b"not-a-jwt")
    none = b64(json.dumps({"alg": "none", "typ": "dc+sd-jwt"}).encode()) + "." + \
        b64(json.dumps({"vct": "urn:x", "iss": "https://x.example"}).encode()) + ".c2ln~"
    result = run(none, EmptyMaterial())
    assert result.check("proof").status == "failed" and "not allowed" in result.check("proof").detail


def test_import_fetches_the_issuer_metadata_and_its_jwks_uri() -> None:
    """fetch/rounds: verifying an SD-JWT VC with an https iss asks for its well-known metadata,
    then for the jwks_uri it names (fake client, no network); the material then verifies the
    credential offline."""
    import asyncio
    from types import SimpleNamespace

    from credwallet.fetch.client import HttpStatusError, Response
    from credwallet.fetch.documents import Fetcher, Session
    from credwallet.fetch.guard import Origin
    from credwallet.fetch.rounds import derive, offline_verification

    keys_url = "https://keys.example.com/jwks.json"
    meta = json.loads(vec("issuer-metadata.json"))
    served = {META_URL: {"issuer": ISS, "jwks_uri": keys_url}, keys_url: meta["jwks"]}
    asked: list[str] = []

    class FakeClient:
        policy = SimpleNamespace(max_documents=50, max_document_bytes=1 << 20, max_image_bytes=1 << 20)
        guard = None

        async def get(self, url: str, **_: Any) -> Response:
            asked.append(url)
            if url not in served:
                raise HttpStatusError(f"{url}: HTTP 404", 404)
            return Response(url, url, 200, "application/json", json.dumps(served[url]).encode(), FETCHED)

    fetcher = Fetcher(Session(FakeClient()), Origin.of(ISS))  # type: ignore[arg-type]
    rounds = asyncio.run(derive(fetcher, recognise(vec("presented.sd-jwt")),
                                offline_verification(AFTER_KB)))
    assert asked == [META_URL, keys_url] and rounds == 2
    assert run(vec("presented.sd-jwt"), DictMaterial(fetcher.out.material)).verified
