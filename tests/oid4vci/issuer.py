"""A real OID4VCI 1.0 issuer on 127.0.0.1 (threaded http.server), written for the tests from
the specification (openid-4-verifiable-credential-issuance-1_0, final, and RFC 6749/7636/8414).

It is its own authorization server: credential issuer metadata at
`/.well-known/openid-credential-issuer/oid4vci`, authorization server metadata at
`/.well-known/oauth-authorization-server/oid4vci`, a pre-authorized code grant (with
transaction codes), an authorization endpoint that approves at once and redirects (PKCE S256
checked at the token endpoint), a nonce endpoint, the credential, deferred credential and
notification endpoints. It checks proofs of possession as an issuer must (typ, alg, key from
kid did:key / did:jwk or jwk, aud, iat, nonce single use) and binds what it issues to that
key. Knobs on the instance make it misbehave for the error tests.

Credentials are signed with a did:key Ed25519 issuer key: VC-JWT (jwt_vc_json, an Open Badges
3.0 credential in `vc`), Data Integrity eddsa-rdfc-2022 (ldp_vc) and SD-JWT VC (dc+sd-jwt).
Signed metadata is signed by the key of did:web:127.0.0.1%3A<port> (/.well-known/did.json).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from credwallet.didkey import did_key_from_public, ed25519_multikey, public_from_did_key

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ISSUER_SEED = hashlib.sha256(b"oid4vci test issuer key").digest()
METADATA_SEED = hashlib.sha256(b"oid4vci test metadata key").digest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_jwt(header: dict[str, Any], claims: dict[str, Any], seed: bytes) -> str:
    head = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return head + "." + b64url(SigningKey(seed).sign(head.encode()).signature)


def configurations() -> dict[str, Any]:
    def jwt_proof(*algs: str) -> dict[str, Any]:
        return {"jwt": {"proof_signing_alg_values_supported": list(algs)}}

    def display(name: str) -> dict[str, Any]:
        return {"display": [{"name": name, "locale": "en-US"}, {"name": name + " (fr)",
                                                                "locale": "fr"}]}

    return {
        "OB3_JWT": {"format": "jwt_vc_json", "scope": "ob3_jwt",
                    "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                    "credential_signing_alg_values_supported": ["EdDSA"],
                    "proof_types_supported": jwt_proof("EdDSA", "ES256"),
                    "credential_definition": {"type": ["VerifiableCredential",
                                                       "OpenBadgeCredential"]},
                    "credential_metadata": display("Loopback Python Badge")},
        "OB3_LDP": {"format": "ldp_vc", "scope": "ob3_ldp",
                    "cryptographic_binding_methods_supported": ["did:key"],
                    "proof_types_supported": jwt_proof("EdDSA"),
                    "credential_metadata": display("Loopback Data Badge")},
        "ES256_JWT": {"format": "jwt_vc_json", "scope": "es256",
                      "cryptographic_binding_methods_supported": ["did:jwk"],
                      "proof_types_supported": jwt_proof("ES256"),
                      "credential_metadata": display("Loopback ES256 Badge")},
        "SDJWT": {"format": "dc+sd-jwt", "vct": "https://credentials.example/learner",
                  "cryptographic_binding_methods_supported": ["jwk"],
                  "proof_types_supported": jwt_proof("ES256"),
                  "credential_metadata": display("Loopback Learner SD-JWT")},
        "MDL": {"format": "mso_mdoc", "doctype": "org.iso.18013.5.1.mDL",
                "cryptographic_binding_methods_supported": ["cose_key"],
                "proof_types_supported": jwt_proof("ES256")},
    }


LIVE: list[Issuer] = []  # every issuer of the running test (tests/oid4vci/conftest.py)


@dataclass
class Transaction:
    config: str
    holder: dict[str, Any]
    ready: bool = False


@dataclass
class Issuer:
    server: ThreadingHTTPServer = field(init=False)
    port: int = 0
    # knobs
    nonce_mode: str = "endpoint"  # endpoint | token | none
    reject_nonce: int = 0  # answer invalid_nonce to this many credential requests
    fail_with: str | None = None  # credential endpoint error code
    credential_status: int | None = None  # answer the credential endpoint with this HTTP status
    bind_to: str | None = None  # issue to this subject instead of the proof's key
    deferred: bool = False
    batch: int = 1
    metadata_mode: str = "plain"  # plain | signed | signed_bad | jwt | wrong_issuer | garbage
    metadata_claims: dict[str, Any] = field(default_factory=dict)  # laid over the signed claims
    metadata_key_purpose: str = "assertionMethod"  # the DID relationship listing the signer
    redirect_state: str | None = None  # authorization: redirect with this state instead
    authorization_error: str | None = None
    # endpoints on another server: authorization_servers | token_endpoint | credential_endpoint
    elsewhere: dict[str, Any] = field(default_factory=dict)
    metadata_redirect: str | None = None  # answer the metadata GET with a redirect there
    claim_issuer: str | None = None  # metadata claims to be this credential issuer
    # RFC 9207: "" = not advertised, no iss; "good" = advertised and sent; "missing" =
    # advertised, not sent; any other value = advertised, sent as that (a mix-up)
    iss_mode: str = ""
    echo_secrets: bool = False  # error_descriptions repeat the code / access token they got
    oversize: int = 0  # pad the nonce answer with this many bytes
    sd_jwt_binding: str = "cnf"  # cnf | sub (no cnf: only a sub naming the holder DID)
    # state
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    auth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    nonces: set[str] = field(default_factory=set)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    secrets_seen: list[str] = field(default_factory=list)  # every code/token/tx_code handed out

    def __post_init__(self) -> None:
        LIVE.append(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/oid4vci"
        self.did = did_key_from_public(bytes(SigningKey(ISSUER_SEED).verify_key))
        self.vm = f"{self.did}#{self.did.removeprefix('did:key:')}"
        self.web_did = f"did:web:127.0.0.1%3A{self.port}"
        self.lock = threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- offers ----------------------------------------------------------------------------

    def offer(self, *configs: str, tx_code: str | None = None, grant: str = "pre",
              issuer: str | None = None, server: str | None = None) -> dict[str, Any]:
        grants: dict[str, Any] = {}
        if grant == "pre":
            code = "pre-" + secrets.token_urlsafe(16)
            self.codes[code] = {"configs": list(configs), "tx_code": tx_code, "used": False}
            self.secrets_seen.append(code)
            g: dict[str, Any] = {"pre-authorized_code": code}
            if tx_code is not None:
                self.secrets_seen.append(tx_code)
                g["tx_code"] = {"input_mode": "numeric", "length": len(tx_code),
                                "description": "sent to you by e-mail"}
            if server is not None:
                g["authorization_server"] = server
            grants[PRE] = g
        elif grant == "auth":
            state = "iss-" + secrets.token_urlsafe(8)
            grants["authorization_code"] = {"issuer_state": state}
        return {"credential_issuer": issuer or self.issuer,
                "credential_configuration_ids": list(configs), "grants": grants}

    def link(self, offer: dict[str, Any]) -> str:
        return "openid-credential-offer://?credential_offer=" + urllib.parse.quote(
            json.dumps(offer))

    def link_by_reference(self, offer: dict[str, Any]) -> str:
        oid = secrets.token_urlsafe(8)
        self.offers[oid] = offer
        uri = f"{self.base}/offers/{oid}"
        return "openid-credential-offer://?credential_offer_uri=" + urllib.parse.quote(uri, safe="")

    # --- metadata --------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "credential_issuer": self.issuer,
            "credential_endpoint": f"{self.issuer}/credential",
            "deferred_credential_endpoint": f"{self.issuer}/deferred",
            "notification_endpoint": f"{self.issuer}/notification",
            "display": [{"name": "Loopback Academy", "locale": "en"}],
            "credential_configurations_supported": configurations(),
        }
        if self.nonce_mode == "endpoint":
            meta["nonce_endpoint"] = f"{self.issuer}/nonce"
        if "authorization_servers" in self.elsewhere:
            meta["authorization_servers"] = [self.elsewhere["authorization_servers"].issuer]
        if "credential_endpoint" in self.elsewhere:
            meta["credential_endpoint"] = f"{self.elsewhere['credential_endpoint'].issuer}/credential"
        if self.batch > 1:
            meta["batch_credential_issuance"] = {"batch_size": self.batch}
        if self.metadata_mode == "wrong_issuer":
            meta["credential_issuer"] = "https://impostor.example"
        if self.claim_issuer is not None:
            meta["credential_issuer"] = self.claim_issuer
        return meta

    def signed_metadata(self, claims: dict[str, Any], *, bad: bool = False) -> str:
        header = {"alg": "EdDSA", "typ": "openidvci-issuer-metadata+jwt",
                  "kid": f"{self.web_did}#meta-1"}
        body = {**claims, "sub": self.issuer, "iat": int(time.time()) - 10, **self.metadata_claims}
        if bad:
            body["display"] = [{"name": "Forged Academy"}]
            token = sign_jwt(header, {**body, "display": [{"name": "Loopback Academy"}]},
                             METADATA_SEED)
            head, _payload, sig = token.split(".")
            return f"{head}.{b64url(json.dumps(body).encode())}.{sig}"  # payload swapped
        return sign_jwt(header, body, METADATA_SEED)

    def did_document(self) -> dict[str, Any]:
        pub = bytes(SigningKey(METADATA_SEED).verify_key)
        vm = f"{self.web_did}#meta-1"
        return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": self.web_did,
                "verificationMethod": [{"id": vm, "type": "Multikey", "controller": self.web_did,
                                        "publicKeyMultibase": ed25519_multikey(pub)}],
                self.metadata_key_purpose: [vm]}

    # --- issuing ---------------------------------------------------------------------------

    def credential(self, config: str, holder: dict[str, Any]) -> Any:
        subject = self.bind_to or holder["did"]
        now = int(time.time())
        uid = f"urn:uuid:{_uuid()}"
        fmt = configurations()[config]["format"]
        if fmt == "dc+sd-jwt":
            disclosure = b64url(json.dumps([secrets.token_urlsafe(8), "given_name",
                                            "Alex"]).encode())
            digest = b64url(hashlib.sha256(disclosure.encode()).digest())
            cnf: dict[str, Any] = ({"jwk": holder["jwk"]} if self.bind_to is None else
                                   {"kid": self.bind_to})
            claims = {"iss": self.did, "iat": now, "vct": "https://credentials.example/learner",
                      "cnf": cnf, "_sd": [digest], "_sd_alg": "sha-256"}
            if self.sd_jwt_binding == "sub":  # not cryptographically bound: a name only
                del claims["cnf"]
                claims["sub"] = holder["did"]
            jwt = sign_jwt({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": self.vm}, claims,
                           ISSUER_SEED)
            return f"{jwt}~{disclosure}~"
        name = {"OB3_JWT": "Loopback Python Badge", "OB3_LDP": "Loopback Data Badge",
                "ES256_JWT": "Loopback ES256 Badge"}[config]
        doc = {"@context": [VC2, OB3], "id": uid,
               "type": ["VerifiableCredential", "OpenBadgeCredential"],
               "issuer": {"id": self.did, "type": ["Profile"], "name": "Loopback Academy"},
               "validFrom": "2025-01-01T00:00:00Z", "name": name,
               "credentialSubject": {"id": subject, "type": ["AchievementSubject"],
                                     "achievement": {"id": f"{self.base}/achievements/{config}",
                                                     "type": ["Achievement"], "name": name,
                                                     "description": "Issued over OID4VCI.",
                                                     "criteria": {"narrative": "Finish it."}}}}
        if fmt == "ldp_vc":
            from credwallet.verify import sign_data_integrity

            return sign_data_integrity(doc, seed=ISSUER_SEED, verification_method=self.vm,
                                       proof_purpose="assertionMethod",
                                       created=datetime.now(UTC).replace(microsecond=0))
        claims = {"iss": self.did, "sub": subject, "jti": uid, "nbf": 1735689600, "vc": doc}
        return sign_jwt({"alg": "EdDSA", "typ": "JWT", "kid": self.vm}, claims, ISSUER_SEED)

    def check_proof(self, jwt: str, token: dict[str, Any]) -> dict[str, Any] | str:
        """The holder key of a valid proof ({did, jwk}), or the error code."""
        try:
            head, payload, sig = jwt.split(".")
            header, claims = json.loads(unb64(head)), json.loads(unb64(payload))
        except ValueError:
            return "invalid_proof"
        if header.get("typ") != "openid4vci-proof+jwt" or claims.get("aud") != self.issuer:
            return "invalid_proof"
        if not isinstance(claims.get("iat"), int) or abs(claims["iat"] - time.time()) > 300:
            return "invalid_proof"
        allowed = configurations()[token["config"]]["proof_types_supported"]["jwt"][
            "proof_signing_alg_values_supported"]
        if header.get("alg") not in allowed:
            return "invalid_proof"
        holder = _holder_key(header)
        if holder is None or not _verify(header["alg"], holder["jwk"],
                                         f"{head}.{payload}".encode(), unb64(sig)):
            return "invalid_proof"
        if self.nonce_mode != "none":
            nonce = claims.get("nonce")
            with self.lock:
                if nonce not in self.nonces or self.reject_nonce > 0:
                    self.reject_nonce = max(0, self.reject_nonce - 1)
                    return "invalid_nonce"
                self.nonces.discard(nonce)
        return holder

    def new_nonce(self) -> str:
        nonce = secrets.token_urlsafe(12)
        with self.lock:
            self.nonces.add(nonce)
        return nonce


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def _holder_key(header: dict[str, Any]) -> dict[str, Any] | None:
    if "jwk" in header:
        jwk = header["jwk"]
        from credwallet.verify.did_jwk import did_jwk_of

        return {"did": did_jwk_of(jwk), "jwk": jwk}
    kid = header.get("kid", "")
    did = kid.split("#", 1)[0]
    if did.startswith("did:key:"):
        x = b64url(public_from_did_key(did))
        return {"did": did, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}}
    if did.startswith("did:jwk:"):
        return {"did": did, "jwk": json.loads(unb64(did.removeprefix("did:jwk:")))}
    return None


def _verify(alg: str, jwk: dict[str, Any], message: bytes, sig: bytes) -> bool:
    try:
        if alg in ("EdDSA", "Ed25519"):
            VerifyKey(unb64(jwk["x"])).verify(message, sig)
            return True
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        public = ec.EllipticCurvePublicNumbers(int.from_bytes(unb64(jwk["x"]), "big"),
                                               int.from_bytes(unb64(jwk["y"]), "big"),
                                               ec.SECP256R1()).public_key()
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        public.verify(der, message, ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:
        return False


def _handler(iss: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def send(self, status: int, body: Any = None, *, ctype: str = "application/json",
                 headers: dict[str, str] | None = None) -> None:
            data = body if isinstance(body, bytes) else (
                json.dumps(body).encode() if body is not None else b"")
            self.send_response(status)
            if data:
                self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-store")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            iss.requests.append(("GET", parts.path))
            if parts.path == "/.well-known/openid-credential-issuer/oid4vci":
                self.metadata()
            elif parts.path == "/.well-known/oauth-authorization-server/oid4vci":
                token_host = iss.elsewhere.get("token_endpoint", iss)
                self.send(200, {"issuer": iss.issuer, "token_endpoint": f"{token_host.issuer}/token",
                                "authorization_endpoint": f"{iss.issuer}/authorize",
                                "code_challenge_methods_supported": ["S256"],
                                "response_types_supported": ["code"],
                                "pre-authorized_grant_anonymous_access_supported": True,
                                "authorization_response_iss_parameter_supported":
                                    bool(iss.iss_mode)})
            elif parts.path == "/.well-known/did.json":
                self.send(200, iss.did_document())
            elif parts.path.startswith("/offers/") and parts.path[8:] in iss.offers:
                self.send(200, iss.offers[parts.path[8:]])
            elif parts.path == "/oid4vci/authorize":
                self.authorize(dict(urllib.parse.parse_qsl(parts.query)))
            else:
                self.send(404, {"error": "not_found"})

        def metadata(self) -> None:
            if iss.metadata_redirect is not None:
                self.send(302, headers={"Location": iss.metadata_redirect})
                return
            meta = iss.metadata()
            mode = iss.metadata_mode
            if mode == "garbage":
                self.send(200, b"{not json", ctype="application/json")
            elif mode == "jwt":
                self.send(200, iss.signed_metadata(meta).encode(), ctype="application/jwt")
            elif mode in ("signed", "signed_bad"):
                meta["signed_metadata"] = iss.signed_metadata(
                    {"display": meta["display"]}, bad=mode == "signed_bad")
                self.send(200, meta)
            else:
                self.send(200, meta)

        def authorize(self, q: dict[str, str]) -> None:
            redirect = q.get("redirect_uri", "")
            if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" \
                    or not redirect.startswith("http://127.0.0.1:") or not q.get("state"):
                self.send(400, {"error": "invalid_request"})
                return
            details = json.loads(q.get("authorization_details", "[]"))
            configs = [d["credential_configuration_id"] for d in details]
            if iss.authorization_error:
                target = {"error": iss.authorization_error, "state": q["state"]}
            else:
                code = "az-" + secrets.token_urlsafe(12)
                iss.secrets_seen.append(code)
                iss.auth_codes[code] = {"challenge": q["code_challenge"], "redirect": redirect,
                                        "configs": configs}
                target = {"code": code, "state": iss.redirect_state or q["state"]}
                if iss.iss_mode not in ("", "missing"):
                    target["iss"] = iss.issuer if iss.iss_mode == "good" else iss.iss_mode
            self.send_response(302)
            self.send_header("Location", redirect + "?" + urllib.parse.urlencode(target))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            iss.requests.append(("POST", path))
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if path == "/oid4vci/token":
                self.token(dict(urllib.parse.parse_qsl(raw.decode())))
            elif path == "/oid4vci/nonce":
                self.send(200, {"c_nonce": iss.new_nonce(), "pad": "x" * iss.oversize})
            elif path in ("/oid4vci/credential", "/oid4vci/deferred", "/oid4vci/notification"):
                token = self.bearer()
                if token is None:
                    self.send(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
                    return
                body = json.loads(raw or b"{}")
                {"/oid4vci/credential": self.credential, "/oid4vci/deferred": self.deferred,
                 "/oid4vci/notification": self.notification}[path](body, token)
            else:
                self.send(404, {"error": "not_found"})

        def bearer(self) -> dict[str, Any] | None:
            value = self.headers.get("Authorization", "")
            return iss.tokens.get(value.removeprefix("Bearer ")) if value.startswith(
                "Bearer ") else None

        def token(self, form: dict[str, str]) -> None:
            if form.get("grant_type") == PRE:
                entry = iss.codes.get(form.get("pre-authorized_code", ""))
                if entry is None or entry["used"]:
                    said = form.get("pre-authorized_code") if iss.echo_secrets else "code"
                    self.send(400, {"error": "invalid_grant",
                                    "error_description": f"unknown or expired {said}"})
                    return
                if entry["tx_code"] is not None and "tx_code" not in form:
                    self.send(400, {"error": "invalid_request",
                                    "error_description": "tx_code missing"})
                    return
                if entry["tx_code"] is not None and form["tx_code"] != entry["tx_code"]:
                    self.send(400, {"error": "invalid_grant",
                                    "error_description": "wrong transaction code"})
                    return
                entry["used"] = True
                configs = entry["configs"]
            elif form.get("grant_type") == "authorization_code":
                entry = iss.auth_codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = b64url(hashlib.sha256(verifier.encode()).digest())
                if entry is None or entry["challenge"] != challenge \
                        or entry["redirect"] != form.get("redirect_uri"):
                    self.send(400, {"error": "invalid_grant"})
                    return
                configs = entry["configs"]
            else:
                self.send(400, {"error": "unsupported_grant_type"})
                return
            access = "at-" + secrets.token_urlsafe(16)
            iss.secrets_seen.append(access)
            iss.tokens[access] = {"configs": configs}
            answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer",
                                      "expires_in": 3600}
            if iss.nonce_mode == "token":
                answer["c_nonce"] = iss.new_nonce()
            self.send(200, answer)

        def credential(self, body: dict[str, Any], token: dict[str, Any]) -> None:
            if iss.credential_status is not None:
                self.send(iss.credential_status, b"oops", ctype="text/plain")
                return
            config = body.get("credential_configuration_id")
            if config not in token["configs"] or config not in configurations():
                self.send(400, {"error": "unknown_credential_configuration"})
                return
            if iss.fail_with:
                said = (self.headers.get("Authorization", "") if iss.echo_secrets
                        else "as configured")
                self.send(400, {"error": iss.fail_with, "error_description": f"refused: {said}"})
                return
            proofs = body.get("proofs", {}).get("jwt")
            if not isinstance(proofs, list) or len(proofs) != 1:
                self.send(400, {"error": "invalid_proof"})
                return
            holder = iss.check_proof(proofs[0], {"config": config})
            if isinstance(holder, str):
                self.send(400, {"error": holder})
                return
            if iss.deferred:
                tid = "tx-" + secrets.token_urlsafe(8)
                iss.transactions[tid] = Transaction(config, holder)
                self.send(202, {"transaction_id": tid, "interval": 60})
                return
            self.send(200, self.issued(config, holder))

        def issued(self, config: str, holder: dict[str, Any]) -> dict[str, Any]:
            creds = [{"credential": iss.credential(config, holder)} for _ in range(iss.batch)]
            return {"credentials": creds, "notification_id": "n-" + secrets.token_urlsafe(6)}

        def deferred(self, body: dict[str, Any], token: dict[str, Any]) -> None:
            tx = iss.transactions.get(body.get("transaction_id", ""))
            if tx is None:
                self.send(400, {"error": "invalid_transaction_id"})
            elif not tx.ready:
                self.send(202, {"transaction_id": body["transaction_id"], "interval": 60})
            else:
                del iss.transactions[body["transaction_id"]]
                self.send(200, self.issued(tx.config, tx.holder))

        def notification(self, body: dict[str, Any], token: dict[str, Any]) -> None:
            iss.notifications.append(body)
            self.send(204)

    return Handler
