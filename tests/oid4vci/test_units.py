"""Pieces of the OID4VCI flow on their own: offers, PKCE, proofs, the stored model."""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credwallet.errors import BadInput
from credwallet.oid4vci.grants import Pkce
from credwallet.oid4vci.metadata import well_known
from credwallet.oid4vci.offer import looks_like_offer, parse_link
from credwallet.oid4vci.proof import ProofPlan, ed25519_key, p256_key, proof_jwt

REPO = Path(__file__).resolve().parents[2]


def test_well_known_inserts_before_the_path() -> None:
    # OID4VCI 1.0 section 12.2.2 examples
    assert well_known("https://issuer.example.com/tenant", "openid-credential-issuer") == \
        "https://issuer.example.com/.well-known/openid-credential-issuer/tenant"
    assert well_known("https://tenant.issuer.example.com", "openid-credential-issuer") == \
        "https://tenant.issuer.example.com/.well-known/openid-credential-issuer"


def test_pkce_s256_matches_rfc7636_appendix_b() -> None:
    pkce = Pkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert "dBjftJ" not in repr(pkce)


def test_offer_links() -> None:
    offer = {"credential_issuer": "https://issuer.example", "credential_configuration_ids": ["a"],
             "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                 "pre-authorized_code": "SECRET-CODE", "tx_code": {"length": 4}}}}
    link = "openid-credential-offer://?credential_offer=" + urllib.parse.quote(json.dumps(offer))
    ref = parse_link(link)
    assert ref.offer is not None and ref.offer.pre_authorized is not None
    assert ref.offer.pre_authorized.tx_code is not None and ref.offer.pre_authorized.tx_code.length == 4
    assert "SECRET-CODE" not in repr(ref) and "SECRET-CODE" not in ref.offer.label
    assert looks_like_offer("https://wallet.example/?credential_offer_uri=https%3A%2F%2Fx")
    assert not looks_like_offer("https://badges.example/assertions/1")
    for bad in ({**offer, "credential_issuer": "https://issuer.example?x=1"},
                {**offer, "credential_issuer": "http://issuer.example"},
                {**offer, "credential_configuration_ids": []},
                {**offer, "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {}}}):
        with pytest.raises(BadInput):
            parse_link("openid-credential-offer://?credential_offer="
                       + urllib.parse.quote(json.dumps(bad)))
    with pytest.raises(BadInput):
        parse_link("openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=x")


def test_proofs_verify_with_the_holder_keys() -> None:
    from credwallet.verify.did_jwk import public_key_from_jwk
    from credwallet.verify.suites import jose

    seed = bytes(range(32))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for key, header in ((ed25519_key(seed), "kid"), (p256_key(seed), "jwk")):
        token = proof_jwt(ProofPlan(key, header), audience="https://issuer.example", nonce="n1",
                          now=now)
        parsed = jose.parse_compact(token)
        assert parsed.header["typ"] == "openid4vci-proof+jwt"
        assert parsed.payload == {"aud": "https://issuer.example", "iat": 1767225600,
                                  "nonce": "n1"}
        assert jose.verify_signature(parsed, public_key_from_jwk(key.public_jwk, key.kid))
    assert p256_key(seed).did == p256_key(seed).did != p256_key(bytes(32)).did  # stable, per wallet
    assert ed25519_key(seed).did.startswith("did:key:z6Mk")


def test_payload_schema_describes_pending_issuance() -> None:
    from credwallet.models.entry import PendingIssuance

    schema = json.loads((REPO / "docs/schemas/formats/wallet-payload.v1.schema.json").read_text())
    part = schema["$defs"]["pendingIssuance"]
    assert set(part["properties"]) == set(PendingIssuance.model_fields)
    required = {n for n, f in PendingIssuance.model_fields.items() if f.is_required()}
    assert set(part["required"]) == required
    text = (REPO / "docs/wallet-format.md").read_text()
    for name in part["properties"]:
        assert f"`{name}`" in text
    assert "access_token" not in repr(PendingIssuance(
        transaction_id="t", access_token="SECRET", credential_issuer="https://i",
        deferred_endpoint="https://i/d", configuration_id="c", format="ldp_vc", holder_kid="k",
        created_at=datetime.now(UTC))).replace("access_token_expires_at", "")



def test_protocol_requests_are_https_only_off_loopback() -> None:
    """Codes and tokens never travel over plain http to a non-loopback host: `with_http` has
    no --insecure-http (checked by the guard before any connection is made)."""
    import ipaddress

    from credwallet.fetch.guard import Origin, Refused
    from credwallet.fetch.oid4vci_http import with_http

    async def resolver(host: str, port: int) -> list[Any]:
        return [ipaddress.ip_address("192.0.43.10")]  # stands for a public address; never used

    async def work(http: Any) -> None:
        with pytest.raises(Refused, match="plain http"):
            await http.client.guard.check("http://issuer.example/token", Origin(),
                                          user_given=False)
        await http.client.guard.check("http://127.0.0.1:9/token", Origin.of(
            "http://127.0.0.1:9/"), user_given=False)  # loopback: allowed over http

    with_http(work, origin_url="", resolver=resolver)


def test_proof_iat_is_the_moment_of_signing_not_the_commands_start() -> None:
    """A learner may take minutes in the browser before the credential request: the proof's
    `iat` must be fresh then, whatever `now` the command started with."""
    import asyncio
    import time
    from datetime import timedelta

    from credwallet.oid4vci.credential import request
    from credwallet.oid4vci.grants import Token
    from credwallet.oid4vci.http import Reply
    from credwallet.oid4vci.metadata import Configuration, IssuerMetadata
    from credwallet.oid4vci.proof import plan_for

    sent: list[Any] = []

    class Http:
        async def get(self, url: str, **kw: Any) -> Reply:
            raise AssertionError(url)

        async def post(self, url: str, *, form: Any = None, body: Any = None,
                       bearer: str | None = None) -> Reply:
            if url.endswith("/nonce"):
                return Reply(url, 200, "application/json", b'{"c_nonce":"n-1"}')
            sent.append(body)
            return Reply(url, 200, "application/json", b'{"credentials":[{"credential":"x.y.z"}]}')

    config = Configuration("C", "jwt_vc_json", None, ("did:key",), ("EdDSA",), None, ("jwt",))
    meta = IssuerMetadata("https://issuer.example", "https://issuer.example/credential",
                          {"C": config}, nonce_endpoint="https://issuer.example/nonce")
    plan = plan_for(config, bytes(32))
    started = datetime.now(UTC) - timedelta(minutes=10)
    asyncio.run(request(Http(), meta, Token("at", "Bearer", None), config, plan, now=started))
    jwt = sent[0]["proofs"]["jwt"][0]
    claims = json.loads(_b64(jwt.split(".")[1]))
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["aud"] == "https://issuer.example" and claims["nonce"] == "n-1"
    header = json.loads(_b64(jwt.split(".")[0]))
    assert header["typ"] == "openid4vci-proof+jwt" and header["alg"] == "EdDSA"
    assert header["kid"].startswith("did:key:z6Mk") and "#z6Mk" in header["kid"]
    assert "jwk" not in header


def _b64(part: str) -> str:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


@pytest.mark.parametrize(("algs", "methods", "alg", "header", "did"), [
    (("ES256", "EdDSA"), ("did:key",), "EdDSA", "kid", "did:key:"),
    (("Ed25519",), ("did:key",), "Ed25519", "kid", "did:key:"),  # RFC 9864 name
    (("ES256",), ("did:key", "did:jwk"), "ES256", "kid", "did:jwk:"),
    (("ES256",), ("jwk",), "ES256", "jwk", "did:jwk:"),
    (("EdDSA", "ES256"), ("jwk",), "EdDSA", "jwk", "did:key:"),
])
def test_the_key_follows_proof_signing_alg_values_supported(
        algs: tuple[str, ...], methods: tuple[str, ...], alg: str, header: str, did: str) -> None:
    from credwallet.oid4vci.metadata import Configuration
    from credwallet.oid4vci.proof import plan_for

    plan = plan_for(Configuration("C", "jwt_vc_json", None, methods, algs, None, ("jwt",)),
                    bytes(32))
    assert plan is not None
    assert (plan.key.alg, plan.header) == (alg, header) and plan.key.did.startswith(did)


@pytest.mark.parametrize(("algs", "methods", "types"), [
    (("ES384", "RS256"), ("did:key",), ("jwt",)),
    (("EdDSA",), ("did:web",), ("jwt",)),
    (("EdDSA",), ("did:key",), ("di_vp",)),
])
def test_proofs_credwallet_cannot_sign_are_refused_before_anything(
        algs: tuple[str, ...], methods: tuple[str, ...], types: tuple[str, ...]) -> None:
    from credwallet.errors import UnsupportedFormat
    from credwallet.oid4vci.metadata import Configuration
    from credwallet.oid4vci.proof import plan_for

    with pytest.raises(UnsupportedFormat):
        plan_for(Configuration("C", "jwt_vc_json", None, methods, algs, None, types), bytes(32))


def _reply(doc: Any, status: int = 200) -> Any:
    from credwallet.oid4vci.http import Reply

    return Reply("https://issuer.example/credential", status, "application/json",
                 json.dumps(doc).encode())


def test_credential_responses_1_0_and_the_legacy_single_credential() -> None:
    from credwallet.oid4vci.credential import parse_response

    new = parse_response(_reply({"credentials": [{"credential": "a.b.c"}, {"credential": "d.e.f"}],
                                 "notification_id": "n-1"}), "credential response", "jwt_vc_json")
    assert new.credentials == [b"a.b.c", b"d.e.f"] and new.notification_id == "n-1"
    old = parse_response(_reply({"credential": "a.b.c", "notification_id": 7}),
                         "credential response", "jwt_vc_json")
    assert old.credentials == [b"a.b.c"] and old.notification_id is None  # not a string
    ldp = parse_response(_reply({"credentials": [{"credential": {"@context": []}}]}),
                         "credential response", "ldp_vc")
    assert json.loads(ldp.credentials[0]) == {"@context": []}


@pytest.mark.parametrize("doc", [
    {"credentials": [{"credential": "a.b.c"}], "transaction_id": "t"},  # both
    {"credentials": []},
    {"credentials": [{"credential": "x.y.z"}] * 33},  # more than MAX_CREDENTIALS
    {"credentials": [{"credential": {"@context": []}}]},  # an object for a JWT format
    {"transaction_id": 5},
    {},
])
def test_malformed_credential_responses_are_refused(doc: dict[str, Any]) -> None:
    from credwallet.oid4vci.credential import parse_response

    with pytest.raises(BadInput):
        parse_response(_reply(doc), "credential response", "jwt_vc_json")


@pytest.mark.parametrize(("interval", "expected"), [(60, 60.0), (0, None), (-5, None),
                                                    ("60", None), (None, None)])
def test_deferral_interval(interval: Any, expected: float | None) -> None:
    from credwallet.oid4vci.credential import parse_response

    doc = {"transaction_id": "t-1"} | ({} if interval is None else {"interval": interval})
    issued = parse_response(_reply(doc, 202), "credential response", "jwt_vc_json")
    assert issued.transaction_id == "t-1" and issued.interval == expected
    assert issued.credentials == []


def test_a_very_long_deferral_is_capped_at_a_year() -> None:
    from datetime import timedelta

    from credwallet.oid4vci import flow
    from credwallet.oid4vci.grants import Token
    from credwallet.oid4vci.metadata import Configuration, IssuerMetadata
    from credwallet.oid4vci.offer import Offer

    config = Configuration("C", "jwt_vc_json", None, (), (), None)
    meta = IssuerMetadata("https://issuer.example", "https://issuer.example/credential",
                          {"C": config}, deferred_endpoint="https://issuer.example/deferred")
    session = flow.Session(Offer("https://issuer.example", ("C",)), meta,
                           Token("at", "Bearer", None))
    now = datetime.now(UTC)
    pending = flow._pending(session, config, None, "t-1", 1e12, now)
    assert pending.next_attempt_at is not None
    assert pending.next_attempt_at - now == timedelta(days=366)


def test_protocol_answers_are_capped_while_streaming() -> None:
    """A POST answer larger than the policy's cap is refused (declared or while streaming:
    InputTooLarge, exit 3)."""
    from credwallet.errors import InputTooLarge
    from credwallet.fetch.oid4vci_http import with_http
    from credwallet.fetch.policy import FetchPolicy
    from tests.oid4vci.issuer import Issuer

    issuer = Issuer()
    try:
        issuer.oversize = 200_000

        async def work(http: Any) -> None:
            with pytest.raises(InputTooLarge, match="than the 64 KiB allowed"):
                await http.post(f"{issuer.issuer}/nonce")
            issuer.oversize = 10
            assert (await http.post(f"{issuer.issuer}/nonce")).status == 200

        with_http(work, origin_url=issuer.issuer,
                  policy=FetchPolicy(max_source_bytes=65536))
    finally:
        issuer.stop()
