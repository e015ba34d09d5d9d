"""Fuzz targets for OpenID for Verifiable Credential Issuance (src/credwallet/oid4vci/).

`oid4vci`: a whole issuance through `credwallet.issuance.import_sources` (offer, issuer
metadata, signed metadata, authorization server metadata, token, nonce, credential, deferred
credential and notification endpoints; then verification, the holder-binding check and the
wallet's own serialisation), against an in-memory issuer whose every answer comes from the
input. A hostile issuer server is the attacker: every status, header and body is mutated.

The input is a JSON document:

    {"link": "openid-credential-offer://?credential_offer=..." (or "offer": {...}: the link
             is built from it; "by_reference": URL puts it behind credential_offer_uri),
     "tx_code": "1234", "authorize": {"code": ..., "state": "$STATE", "iss": ...},
     "responses": {URL: ANSWER, ...}}

    ANSWER = body | {"status": int, "headers": {...}, "body": body}
           | {"answers": [ANSWER, ...]}       (the n-th request gets the n-th, the last repeats)
    body   = any JSON (sent as JSON) | "text" | "base64:..." | "gzip-zeros:N" (N zero bytes,
             gzip-compressed, with Content-Encoding: gzip: a decompression bomb)

Inside a body, templates are signed when the answer is sent, so a mutated credential or
metadata claim still carries a good signature and reaches the checks behind it:
`{"$jws": {"header", "claims"}}` (EdDSA, the harness's issuer key), `{"$ldp": document}`
(eddsa-rdfc-2022), `{"$sd-jwt": {"header", "claims", "disclosures"}}`. The strings
`HOLDER_DID`, `HOLDER_P256_DID` (and `"$HOLDER_JWK"`, the P-256 public key) name the wallet's
holder keys, so issued credentials are bound to the holder unless a mutation says otherwise.

`offer`: offer links, offer JSON and QR code images (what `import` is handed), through
`issuance._classify` (which reads a QR code from an image file) and `offer.parse_link` /
`parse_offer`. The first line of an input names the form: `link`, `json`, `qr` (the rest is
encoded as a QR code image first) or `image` (the rest is an image file's bytes).

Nothing here touches the network: `Client` gets an in-memory transport and a resolver that
calls every host public, and the authorization code flow's loopback listener is replaced by
one that the test's browser (the Interaction) answers at once.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import gzip
import hashlib
import json
import random
import tempfile
import urllib.parse
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

ISSUER = "https://issuer.example/oid4vci"
AS = "https://auth.example"
METADATA_URL = "https://issuer.example/.well-known/openid-credential-issuer/oid4vci"
AS_URL = "https://issuer.example/.well-known/oauth-authorization-server/oid4vci"
OTHER_AS_URL = "https://auth.example/.well-known/oauth-authorization-server"
OFFER_URI = "https://issuer.example/offers/1"
PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
HOLDER_SEED = hashlib.sha256(b"credwallet fuzz holder").digest()
STATUSES = [200, 201, 202, 204, 301, 302, 303, 307, 400, 401, 403, 404, 405, 410, 413, 429, 500,
            503, 99, 600]
MEDIA = ["application/json", "application/jwt", "text/html", "text/plain", "application/json; "
         "charset=utf-16", "application/octet-stream", "", "application/json;charset=latin-1"]


# --- the in-memory issuer -----------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def _jws(header: Any, claims: Any) -> str:
    from nacl.signing import SigningKey

    from tests.fuzz.harness import keys

    head = _b64(_json_bytes(header)) + "." + _b64(_json_bytes(claims))
    return head + "." + _b64(SigningKey(keys().ed_seed).sign(head.encode()).signature)


def _sd_jwt(spec: Any) -> str:
    if not isinstance(spec, dict):
        return str(spec)
    claims = spec.get("claims")
    claims = dict(claims) if isinstance(claims, dict) else {}
    encoded = []
    disclosures = spec.get("disclosures")
    for disclosure in disclosures if isinstance(disclosures, list) else []:
        enc = _b64(_json_bytes(disclosure))
        encoded.append(enc)
        digests = claims.get("_sd") if isinstance(claims.get("_sd"), list) else []
        claims["_sd"] = [*digests, _b64(hashlib.sha256(enc.encode()).digest())]
    return _jws(spec.get("header"), claims) + "~" + "".join(e + "~" for e in encoded)


def _ldp(doc: Any) -> Any:
    from tests.fuzz.harness import Skip, _sign_di

    try:
        return _sign_di(doc, "eddsa-rdfc-2022")
    except Skip:
        return doc  # unsigned: the harness's signer refused it, the product still must not crash


def _holder_jwk() -> dict[str, str]:
    from credwallet.oid4vci.proof import p256_key

    return p256_key(HOLDER_SEED).public_jwk


def _fill(value: Any, depth: int = 0) -> Any:
    """Templates signed, placeholders replaced (depth-limited: deep nesting is the input's)."""
    if depth > 48:
        return value
    if isinstance(value, dict):
        if len(value) == 1:
            [(key, inner)] = value.items()
            if key == "$jws" and isinstance(inner, dict):
                return _jws(_fill(inner.get("header"), depth + 1), _fill(inner.get("claims"), depth + 1))
            if key == "$ldp":
                return _ldp(_fill(inner, depth + 1))
            if key == "$sd-jwt":
                return _sd_jwt(_fill(inner, depth + 1))
        return {k: _fill(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, depth + 1) for v in value]
    if value == "$HOLDER_JWK":
        return _holder_jwk()
    return value


def _body_bytes(body: Any) -> tuple[bytes, dict[str, str]]:
    """The bytes sent for a body, and headers it implies."""
    if isinstance(body, str):
        if body.startswith("base64:"):
            with contextlib.suppress(ValueError):
                return base64.b64decode(body[7:]), {}
        if body.startswith("gzip-zeros:"):
            try:
                n = min(int(body[11:]), 64 * 2**20)
            except ValueError:
                n = 2**20
            return gzip.compress(b"\0" * max(n, 0), mtime=0), {"content-encoding": "gzip"}
        return body.encode("utf-8", "surrogatepass"), {}
    from tests.fuzz.harness import dumps

    filled = _fill(body)
    if isinstance(filled, str):  # a signed template: a JWT, sent as it is
        return filled.encode("utf-8", "surrogatepass"), {}
    return dumps(filled).encode("utf-8", "surrogatepass"), {}


class Answers:
    """The in-memory issuer: URL -> answer, per the input's `responses`."""

    def __init__(self, responses: dict[str, Any]) -> None:
        self.responses = responses
        self.calls: dict[str, int] = {}

    def _entry(self, url: str) -> Any:
        entry = self.responses.get(url, self.responses.get(url.split("?")[0]))
        if isinstance(entry, dict) and isinstance(entry.get("answers"), list) and entry["answers"]:
            n = self.calls.get(url, 0)
            self.calls[url] = n + 1
            entry = entry["answers"][min(n, len(entry["answers"]) - 1)]
        return entry

    def handle(self, request: Any) -> Any:
        import httpx

        entry = self._entry(str(request.url))
        if entry is None:
            return httpx.Response(404, headers={"content-type": "application/json"},
                                  stream=httpx.ByteStream(b'{"error":"not_found"}'))
        status: Any = 200
        headers: Any = {}
        body = entry
        if isinstance(entry, dict) and "body" in entry and set(entry) <= {"status", "headers", "body"}:
            status = entry.get("status") if isinstance(entry.get("status"), int) else 200
            headers = entry.get("headers") if isinstance(entry.get("headers"), dict) else {}
            body = entry["body"]
        content, implied = _body_bytes(body)
        headers = {**implied, **{str(k): str(v) for k, v in headers.items()}}
        if not any(k.lower() == "content-type" for k in headers):
            headers["content-type"] = "application/json" if content[:1] in b"{[" else "text/plain"
        try:
            return httpx.Response(status if 100 <= status <= 599 else 200, headers=headers,
                                  stream=httpx.ByteStream(content))
        except Exception:  # a header httpx cannot even hold: the harness's limit, not a finding
            return httpx.Response(500, stream=httpx.ByteStream(b""))


class _Listener:
    """The loopback redirect listener, in memory: the Interaction answers it."""

    redirect_uri = "http://127.0.0.1:9/callback"
    current: _Listener | None = None

    def __init__(self) -> None:
        self.params: dict[str, str] | None = None
        _Listener.current = self

    def wait(self, timeout: float) -> dict[str, str]:
        from credwallet.errors import NetworkError

        if self.params is None:
            raise NetworkError(f"no authorization response reached {self.redirect_uri}")
        return self.params

    def close(self) -> None:
        _Listener.current = None


class Browser:
    """The Interaction: a transaction code from the input, and a browser that comes back at
    once with the input's `authorize` answer (`$STATE` is the state the wallet sent)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.shown: list[str] = []

    def show_offer(self, text: str) -> None:
        from credwallet.cli.textsafe import say

        self.shown.append(text)
        with contextlib.redirect_stderr(_Null()):
            say(text, err=True)  # what the CLI prints: rich markup in issuer text must not break it

    def tx_code(self, spec: Any) -> str | None:
        code = self.spec.get("tx_code")
        return code if isinstance(code, str) else None

    def open_authorization(self, url: str) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        answer = self.spec.get("authorize")
        params = {str(k): str(v).replace("$STATE", query.get("state", ""))
                  for k, v in answer.items()} if isinstance(answer, dict) else {}
        if _Listener.current is not None:
            _Listener.current.params = params


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


@contextlib.contextmanager
def in_memory_network(handler: Any) -> Iterator[None]:
    """Every `fetch.client.Client` built inside answers from `handler`, resolves every host to a
    public address, never retries; the OID4VCI loopback listener is the in-memory one."""
    import ipaddress

    import httpx

    from credwallet.fetch import client as client_module
    from credwallet.fetch import oid4vci_loopback
    from credwallet.fetch.policy import FetchPolicy

    async def public(host: str, port: int) -> list[Any]:
        return [ipaddress.ip_address("93.184.216.34")]

    original_init = client_module.Client.__init__
    original_from_env = FetchPolicy.from_env
    original_listener = oid4vci_loopback.LoopbackListener

    def init(self: Any, policy: Any = None, **kw: Any) -> None:
        kw["transport"] = httpx.MockTransport(handler)
        kw["resolver"] = public
        original_init(self, policy, **kw)

    def fast(cls: Any) -> Any:
        return FetchPolicy(retries=0, backoff=0.0, total_timeout=4.0, max_documents=16)

    client_module.Client.__init__ = init  # type: ignore[method-assign]
    FetchPolicy.from_env = classmethod(fast)  # type: ignore[method-assign,assignment]
    oid4vci_loopback.LoopbackListener = _Listener  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        client_module.Client.__init__ = original_init  # type: ignore[method-assign]
        FetchPolicy.from_env = original_from_env  # type: ignore[method-assign]
        oid4vci_loopback.LoopbackListener = original_listener  # type: ignore[misc]


def _link(spec: dict[str, Any]) -> str:
    if isinstance(spec.get("link"), str):
        return str(spec["link"])
    if isinstance(spec.get("by_reference"), str):
        return "openid-credential-offer://?credential_offer_uri=" + urllib.parse.quote(
            spec["by_reference"], safe="")
    from tests.fuzz.harness import dumps

    return "openid-credential-offer://?credential_offer=" + urllib.parse.quote(
        dumps(spec.get("offer")).encode("utf-8", "surrogatepass"))


def run_oid4vci(data: bytes) -> Any:
    """`import LINK` (then `import --resume` for what was deferred) against the input's issuer."""
    from credwallet.errors import CredwalletError
    from credwallet.issuance import import_sources, resume_pending
    from credwallet.models.entry import Holder, WalletData
    from tests.fuzz.harness import CLEAN_CODES, NOW, Skip, loads_loose

    spec = loads_loose(_placeholders(data))
    if not isinstance(spec, dict) or not isinstance(spec.get("responses"), dict):
        raise Skip()
    holder = Holder(did=_holder_did(), private_seed_b64=base64.b64encode(HOLDER_SEED).decode(),
                    created_at=NOW)
    wallet = WalletData(created_at=NOW, holder=holder)
    answers = Answers(spec["responses"])
    with in_memory_network(answers.handle):
        items = import_sources(wallet, [_link(spec)], now=NOW, interaction=Browser(spec))
        for _ in range(2):  # `import --resume`; once more if the issuer still says pending
            if wallet.oid4vci_pending:
                items += resume_pending(wallet, now=NOW, due_only=False)
    for item in items:
        json.dumps(item.contract_dict())  # what `import --json` prints
        if item.exit_code not in CLEAN_CODES | {0}:
            raise CredwalletError(f"item exit {item.exit_code}: {item.error}")  # exit 70: a finding
    # What the wallet writes, and reads back (a pending issuance holds issuer-chosen strings).
    WalletData.model_validate_json(wallet.model_dump_json())
    return items


@cache
def _holder_did() -> str:
    from credwallet.oid4vci.proof import ed25519_key

    return ed25519_key(HOLDER_SEED).did


def _placeholders(data: bytes) -> bytes:
    from credwallet.oid4vci.proof import p256_key
    from tests.fuzz.harness import keys

    k = keys()
    return (data.replace(b"HOLDER_P256_DID", p256_key(HOLDER_SEED).did.encode())
            .replace(b"HOLDER_DID", _holder_did().encode())
            .replace(b"ISSUER_VM", k.ed_vm.encode()).replace(b"ISSUER_DID", k.ed_did.encode()))


# --- seeds: the well-formed answers of tests/oid4vci/issuer.py ----------------------------------


def _configs() -> dict[str, Any]:
    def jwt_proof(*algs: str) -> dict[str, Any]:
        return {"jwt": {"proof_signing_alg_values_supported": list(algs)}}

    def display(name: str) -> dict[str, Any]:
        return {"display": [{"name": name, "locale": "en-US"}, {"name": name + " (fr)", "locale": "fr"}]}

    return {
        "OB3_JWT": {"format": "jwt_vc_json", "scope": "ob3_jwt",
                    "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                    "credential_signing_alg_values_supported": ["EdDSA"],
                    "proof_types_supported": jwt_proof("EdDSA", "ES256"),
                    "credential_definition": {"type": ["VerifiableCredential", "OpenBadgeCredential"]},
                    "credential_metadata": display("Fuzz Python Badge")},
        "OB3_LDP": {"format": "ldp_vc", "scope": "ob3_ldp",
                    "cryptographic_binding_methods_supported": ["did:key"],
                    "proof_types_supported": jwt_proof("EdDSA"),
                    "credential_metadata": display("Fuzz Data Badge")},
        "ES256_JWT": {"format": "jwt_vc_json", "cryptographic_binding_methods_supported": ["did:jwk"],
                      "proof_types_supported": jwt_proof("ES256"),
                      "credential_metadata": display("Fuzz ES256 Badge")},
        "SDJWT": {"format": "dc+sd-jwt", "vct": "https://credentials.example/learner",
                  "cryptographic_binding_methods_supported": ["jwk"],
                  "proof_types_supported": jwt_proof("ES256"),
                  "credential_metadata": display("Fuzz Learner SD-JWT")},
        "MDL": {"format": "mso_mdoc", "doctype": "org.iso.18013.5.1.mDL",
                "cryptographic_binding_methods_supported": ["cose_key"],
                "proof_types_supported": jwt_proof("ES256")},
    }


def _metadata(**extra: Any) -> dict[str, Any]:
    meta = {"credential_issuer": ISSUER, "credential_endpoint": f"{ISSUER}/credential",
            "deferred_credential_endpoint": f"{ISSUER}/deferred",
            "notification_endpoint": f"{ISSUER}/notification", "nonce_endpoint": f"{ISSUER}/nonce",
            "display": [{"name": "Fuzz Academy", "locale": "en"}],
            "credential_configurations_supported": _configs()}
    meta.update(extra)
    return {k: v for k, v in meta.items() if v is not None}


def _as_metadata(issuer: str = ISSUER, token: str = f"{ISSUER}/token", **extra: Any) -> dict[str, Any]:
    return {"issuer": issuer, "token_endpoint": token, "authorization_endpoint": f"{issuer}/authorize",
            "code_challenge_methods_supported": ["S256"], "response_types_supported": ["code"],
            "pre-authorized_grant_anonymous_access_supported": True, **extra}


def _ob3(subject: str, name: str, uid: str = "urn:uuid:5b3a0c9e-0d7e-4a51-9c1c-5a1b1e4c0a01",
         ) -> dict[str, Any]:
    from tests.fuzz.harness import OB3, V2

    return {"@context": [V2, OB3], "id": uid,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "ISSUER_DID", "type": ["Profile"], "name": "Fuzz Academy"},
            "validFrom": "2025-01-01T00:00:00Z", "name": name,
            "credentialSubject": {"id": subject, "type": ["AchievementSubject"],
                                  "achievement": {"id": "https://issuer.example/achievements/1",
                                                  "type": ["Achievement"], "name": name,
                                                  "description": "Issued over OID4VCI.",
                                                  "criteria": {"narrative": "Finish it."}}}}


def _jwt_vc(subject: str = "HOLDER_DID", jti: str = "urn:uuid:1") -> dict[str, Any]:
    return {"$jws": {"header": {"alg": "EdDSA", "typ": "JWT", "kid": "ISSUER_VM"},
                     "claims": {"iss": "ISSUER_DID", "sub": subject, "jti": jti, "nbf": 1735689600,
                                "vc": _ob3(subject, "Fuzz Python Badge", jti)}}}


def _sd_jwt_vc(salt: str = "c2FsdDE") -> dict[str, Any]:
    return {"$sd-jwt": {"header": {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "ISSUER_VM"},
                        "claims": {"iss": "ISSUER_DID", "iat": 1735689600,
                                   "vct": "https://credentials.example/learner",
                                   "cnf": {"jwk": "$HOLDER_JWK"}, "_sd_alg": "sha-256"},
                        "disclosures": [[salt, "given_name", "Alex"],
                                        ["c2FsdDI", "email", "alex@example.org"]]}}


def _issued(*creds: Any) -> dict[str, Any]:
    return {"status": 200, "headers": {"content-type": "application/json"},
            "body": {"credentials": [{"credential": c} for c in creds], "notification_id": "n-1"}}


def _token(**extra: Any) -> dict[str, Any]:
    return {"status": 200, "body": {"access_token": "at-fuzz-0123456789", "token_type": "Bearer",
                                    "expires_in": 3600, **extra}}


def _offer(*configs: str, grant: str = "pre", tx: bool = False, **grant_extra: Any) -> dict[str, Any]:
    grants: dict[str, Any] = {}
    if grant == "pre":
        g: dict[str, Any] = {"pre-authorized_code": "pre-fuzz-code-0001", **grant_extra}
        if tx:
            g["tx_code"] = {"input_mode": "numeric", "length": 4, "description": "sent by e-mail"}
        grants[PRE] = g
    else:
        grants["authorization_code"] = {"issuer_state": "iss-state-1", **grant_extra}
    return {"credential_issuer": ISSUER, "credential_configuration_ids": list(configs), "grants": grants}


def _base(**responses: Any) -> dict[str, Any]:
    out = {METADATA_URL: _metadata(), AS_URL: _as_metadata(),
           f"{ISSUER}/token": _token(), f"{ISSUER}/nonce": {"c_nonce": "nonce-1"},
           f"{ISSUER}/credential": _issued(_jwt_vc()),
           f"{ISSUER}/notification": {"status": 204, "body": ""}}
    out.update(responses)
    return out


@cache
def oid4vci_seeds() -> list[bytes]:
    from tests.fuzz.harness import WEB_DID, WEB_DID_URL, _material_docs

    did_doc = json.loads(_material_docs()[WEB_DID_URL])
    signed_claims = {**_metadata(), "sub": ISSUER, "iat": 1767225600}
    signed_claims.pop("credential_issuer")
    meta_header = {"alg": "EdDSA", "typ": "openidvci-issuer-metadata+jwt", "kid": f"{WEB_DID}#ed"}
    seeds: list[dict[str, Any]] = [
        # pre-authorized code, VC-JWT bound to the holder's did:key; nonce endpoint; notification
        {"offer": _offer("OB3_JWT"), "responses": _base()},
        # by reference, with a transaction code, Data Integrity (ldp_vc)
        {"by_reference": OFFER_URI, "tx_code": "1234",
         "responses": _base(**{OFFER_URI: _offer("OB3_LDP", tx=True),
                               f"{ISSUER}/credential": _issued(
                                   {"$ldp": _ob3("HOLDER_DID", "Fuzz Data Badge")})})},
        # SD-JWT VC bound by cnf.jwk (ES256 proof with a jwk header), a batch of two
        {"offer": _offer("SDJWT"), "responses": _base(**{
            METADATA_URL: _metadata(batch_credential_issuance={"batch_size": 2}),
            f"{ISSUER}/credential": _issued(_sd_jwt_vc(), _sd_jwt_vc("c2FsdDM"))})},
        # ES256 did:jwk holder; two configurations in one offer; c_nonce in the token response
        {"offer": _offer("ES256_JWT", "OB3_JWT"), "responses": _base(**{
            METADATA_URL: _metadata(nonce_endpoint=None),
            f"{ISSUER}/token": _token(c_nonce="nonce-from-token"),
            f"{ISSUER}/credential": {"answers": [_issued(_jwt_vc("HOLDER_P256_DID")),
                                                 _issued(_jwt_vc(jti="urn:uuid:2"))]}})},
        # authorization code with PKCE at a separate authorization server that sends iss (RFC 9207)
        {"offer": _offer("OB3_JWT", grant="auth"),
         "authorize": {"code": "az-code-1", "state": "$STATE", "iss": AS},
         "responses": _base(**{
             METADATA_URL: _metadata(authorization_servers=[AS]),
             OTHER_AS_URL: _as_metadata(AS, f"{AS}/token",
                                        authorization_response_iss_parameter_supported=True),
             f"{AS}/token": _token(authorization_details=[
                 {"type": "openid_credential", "credential_configuration_id": "OB3_JWT",
                  "credential_identifiers": ["ob3-a", "ob3-b"]}]),
             f"{ISSUER}/credential": {"answers": [_issued(_jwt_vc()),
                                                 _issued(_jwt_vc(jti="urn:uuid:3"))]}})},
        # deferred: 202 transaction_id, then pending once, then the credential
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            f"{ISSUER}/credential": {"status": 202, "body": {"transaction_id": "tx-1", "interval": 5}},
            f"{ISSUER}/deferred": {"answers": [
                {"status": 400, "body": {"error": "issuance_pending", "interval": 5}},
                _issued(_jwt_vc())]}})},
        # signed metadata, the whole answer application/jwt (1.0), signer did:web on the host
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            METADATA_URL: {"status": 200, "headers": {"content-type": "application/jwt"},
                           "body": {"$jws": {"header": meta_header, "claims": {
                               **signed_claims, "credential_issuer": ISSUER}}}},
            WEB_DID_URL: did_doc})},
        # signed_metadata member (drafts): its values win
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            METADATA_URL: _metadata(signed_metadata={"$jws": {"header": meta_header, "claims": {
                "sub": ISSUER, "iat": 1767225600, "display": [{"name": "Signed Academy"}]}}}),
            WEB_DID_URL: did_doc})},
        # invalid_nonce once (with a c_nonce in the error, no nonce endpoint), then issued
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            METADATA_URL: _metadata(nonce_endpoint=None),
            f"{ISSUER}/credential": {"answers": [
                {"status": 400, "body": {"error": "invalid_nonce", "c_nonce": "nonce-2"}},
                _issued(_jwt_vc())]}})},
        # refusals: token invalid_grant with a description; the credential endpoint unhappy
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            f"{ISSUER}/token": {"status": 400, "body": {
                "error": "invalid_grant", "error_description": "code pre-fuzz-code-0001 used"}}})},
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            f"{ISSUER}/credential": {"status": 401, "body": "", "headers": {
                "www-authenticate": 'Bearer error="invalid_token"'}}})},
        # the draft-era single `credential`, and an OpenID Connect discovery document
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            AS_URL: {"status": 404, "body": ""},
            "https://issuer.example/oid4vci/.well-known/openid-configuration": _as_metadata(),
            f"{ISSUER}/credential": {"status": 200, "body": {"credential": _jwt_vc()}}})},
        # a compressed nonce answer: Content-Encoding gzip (a bomb when mutated larger)
        {"offer": _offer("OB3_JWT"), "responses": _base(**{
            f"{ISSUER}/nonce": {"status": 200, "headers": {"content-type": "application/json"},
                                "body": "gzip-zeros:1024"}})},
    ]
    return [json.dumps(s).encode() for s in seeds]


def mutate_oid4vci(data: bytes, rng: random.Random) -> bytes:
    """JSON structure anywhere (json_mutator), or one answer's status, headers or body."""
    from tests.fuzz.harness import ODD_VALUES, dumps, json_mutator, mutate_json_value

    try:
        spec = json.loads(data)
    except (ValueError, RecursionError):
        return json_mutator()(data, rng)
    responses = spec.get("responses") if isinstance(spec, dict) else None
    if not isinstance(responses, dict) or not responses or rng.random() < 0.5:
        return json_mutator()(data, rng)
    url = rng.choice(list(responses))
    answer = responses[url]
    if not (isinstance(answer, dict) and "body" in answer):
        answer = {"status": 200, "headers": {}, "body": answer}
    op = rng.randrange(8)
    if op == 0:
        answer["status"] = rng.choice(STATUSES)
    elif op == 1:
        answer["headers"] = {"content-type": rng.choice(MEDIA)}
    elif op == 2:
        answer["headers"] = rng.choice([
            {"content-encoding": "gzip"}, {"content-encoding": "deflate"}, {"content-length": "999999999"},
            {"location": rng.choice([ISSUER + "/x", "https://evil.example/", "//evil.example",
                                     "http://127.0.0.1/", "file:///etc/passwd", ""])},
            {"retry-after": rng.choice(["1", "100000", "-1", "Wed, 21 Oct 2015 07:28:00 GMT"])},
            {"www-authenticate": 'DPoP error="use_dpop_nonce"'}, {"content-type": "application/jwt"}])
    elif op == 3:
        answer["body"] = rng.choice(["", "{", "null", "[]", "x" * 70000, "gzip-zeros:" + str(
            rng.choice([10**6, 9 * 2**20, 60 * 2**20])), "base64:" + base64.b64encode(b"\xff\xfe{").decode(),
            "eyJhbGciOiJub25lIn0.e30.", "eyJ." * 1000, '{"a":' * 70 + "1" + "}" * 70])
    elif op == 4 and isinstance(spec.get("responses"), dict):  # the same answer at another URL
        other = rng.choice(list(responses))
        responses[other] = copy.deepcopy(answer)
    elif op == 5:  # a sequence: a first answer, then the well-formed one
        first = {"status": rng.choice(STATUSES), "body": rng.choice(
            [{"error": rng.choice(["invalid_nonce", "issuance_pending", "invalid_token", "slow_down"]),
              "c_nonce": rng.choice(ODD_VALUES), "interval": rng.choice([0, 1, 1e308, -5, "5"])}, ""])}
        responses[url] = {"answers": [first, answer]}
        return dumps(spec).encode("utf-8", "surrogatepass")
    else:
        answer["body"] = mutate_json_value(answer["body"], rng)
    responses[url] = answer
    return dumps(spec).encode("utf-8", "surrogatepass")


# --- the offer target --------------------------------------------------------------------------

OFFER_FORMS = ["link", "json", "qr", "image"]


def _qr_png(text: str) -> bytes:
    import io

    import segno

    from tests.fuzz.harness import Skip

    try:
        code = segno.make(text, error="l", micro=False)
    except Exception:  # longer than a QR code holds, or not encodable: nothing to scan
        raise Skip() from None
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=2)
    return buf.getvalue()


def run_offer(data: bytes) -> Any:
    """`import` handed an offer link, an offer's JSON, or an image holding a QR code."""
    from credwallet.ingest.jsonutil import loads
    from credwallet.issuance import _classify, _label
    from credwallet.oid4vci.errors import secret_scope
    from credwallet.oid4vci.offer import parse_link, parse_offer

    head, _, body = data.partition(b"\n")
    form = head.decode("ascii", "replace")
    with secret_scope():
        if form == "json":
            offer = parse_offer(loads(body, what="the credential offer"))
            return offer.label, repr(offer)
        if form in ("qr", "image"):
            image = _qr_png(body.decode("utf-8", "replace")) if form == "qr" else body
            with tempfile.TemporaryDirectory(prefix="cw-fuzz-") as tmp:
                path = Path(tmp) / "offer.png"
                path.write_bytes(image)
                kind, text = _classify(str(path))
        else:
            text = body.decode("utf-8", "surrogateescape")  # as Python hands over argv
            kind, text = _classify(text)
        if kind in ("offer", "offer-in-image"):
            label = _label(text)
            ref = parse_link(text)
            return label, repr(ref), ref.offer.label if ref.offer else ref.uri
        return kind, text


@cache
def offer_seeds() -> list[bytes]:
    offers = [_offer("OB3_JWT"), _offer("OB3_LDP", tx=True), _offer("OB3_JWT", grant="auth"),
              _offer("SDJWT", "OB3_JWT", authorization_server=AS)]
    links = ["openid-credential-offer://?credential_offer=" + urllib.parse.quote(json.dumps(o))
             for o in offers]
    links += ["openid-credential-offer://?credential_offer_uri=" + urllib.parse.quote(OFFER_URI, safe=""),
              "haip://?credential_offer_uri=" + urllib.parse.quote(OFFER_URI, safe=""),
              "https://wallet.example/offer?credential_offer=" + urllib.parse.quote(json.dumps(offers[0]))]
    out = [b"link\n" + link.encode() for link in links]
    out += [b"json\n" + json.dumps(o).encode() for o in offers]
    out += [b"qr\n" + link.encode() for link in links[:1] + links[4:6]]
    out += [b"image\n" + _qr_png(link) for link in links[4:5]]
    out.append(b"qr\nhttps://issuer.example/credentials/1")
    return out


def mutate_offer(data: bytes, rng: random.Random) -> bytes:
    """The link's query (its JSON offer), the JSON itself, or the image's bytes."""
    from tests.fuzz.harness import json_mutator, mutate_bytes, mutate_png

    head, _, body = data.partition(b"\n")
    if rng.random() < 0.05:
        head = rng.choice(OFFER_FORMS).encode()
    if head == b"image":
        return head + b"\n" + (mutate_png(body, rng) if rng.random() < 0.5 else mutate_bytes(body, rng))
    if head == b"json":
        return head + b"\n" + json_mutator()(body, rng)
    text = body.decode("utf-8", "surrogatepass")
    parts = urllib.parse.urlsplit(text) if "://" in text else None
    params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if parts else []
    op = rng.randrange(6)
    if op < 3 and params:
        name, value = params[0]
        if value.startswith("{"):
            value = json_mutator()(value.encode("utf-8", "surrogatepass"), rng).decode(
                "utf-8", "surrogatepass")
        else:
            value = rng.choice([value + "#x", value.replace("https", "http"), "", value * 3,
                                "file:///etc/passwd", "https://127.0.0.1/", "https://[::1]:0/",
                                "https://issuer.example/%00", "https://x.example/" + "a" * 70000])
        extra = rng.choice([[], [], [(name, value)], [("credential_offer_uri", OFFER_URI)]])
        query = "&".join(f"{urllib.parse.quote(k)}={urllib.parse.quote(v, safe='')}"
                         for k, v in [(name, value), *extra])
        text = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")) if parts else text
    elif op == 3:
        text = rng.choice(["openid-credential-offer:", "OPENID-CREDENTIAL-OFFER://?",
                           "openid-credential-offer://?credential_offer=%7B", "openid-credential-offer://?credential_offer=%ud800",
                           "openid-credential-offer://[::1", "openid-credential-offer://?" + "a=b&" * 5000,
                           "-", "https://", "\u202e" + text]) + rng.choice(["", text])
    else:
        return head + b"\n" + mutate_bytes(body, rng)
    return head + b"\n" + text.encode("utf-8", "surrogatepass")
