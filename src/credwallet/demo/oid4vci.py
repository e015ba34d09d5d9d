"""The demo site's OpenID4VCI issuer: one credential of the learner's, offered instead of
published, so `credwallet demo` shows the flow (docs/oid4vci.md).

A minimal issuer of OID4VCI 1.0 on the demo's loopback site: credential issuer and
authorization server metadata, a pre-authorized code (single use), a nonce endpoint (single
use nonces) and a credential endpoint that checks the proof of possession (`typ`, EdDSA
signature by the `did:key` in `kid`, `aud`, `nonce`) and that the proof's DID is the learner
the credential was signed for, then answers with the `ldp_vc` credential. Example keys only,
like the rest of the demo site.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any

from credwallet.demo.site import Site, SiteFile

PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(status: int, body: dict[str, Any]) -> SiteFile:
    return SiteFile(json.dumps(body).encode("utf-8"), "application/json", status)


class DemoIssuer:
    def __init__(self, site: Site, path: str, name: str, config_name: str,
                 credential: dict[str, Any], holder_did: str) -> None:
        self.issuer = site.base_url + path
        self.credential, self.holder_did = credential, holder_did
        self.code = secrets.token_urlsafe(16)
        self.tokens: set[str] = set()
        self.nonces: set[str] = set()
        self.lock = threading.Lock()
        site.put(f"/.well-known/openid-credential-issuer{path}", {
            "credential_issuer": self.issuer,
            "credential_endpoint": f"{self.issuer}/credential",
            "nonce_endpoint": f"{self.issuer}/nonce",
            "display": [{"name": name, "locale": "en"}],
            "credential_configurations_supported": {"badge": {
                "format": "ldp_vc", "cryptographic_binding_methods_supported": ["did:key"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
                "credential_metadata": {"display": [{"name": config_name, "locale": "en"}]}}},
        }, "application/json")
        site.put(f"/.well-known/oauth-authorization-server{path}", {
            "issuer": self.issuer, "token_endpoint": f"{self.issuer}/token",
            "pre-authorized_grant_anonymous_access_supported": True}, "application/json")
        prefix = urllib.parse.urlsplit(self.issuer).path
        site.posts[f"{prefix}/token"] = self.token
        site.posts[f"{prefix}/nonce"] = self.nonce
        site.posts[f"{prefix}/credential"] = self.issue

    def offer_link(self) -> str:
        offer = {"credential_issuer": self.issuer, "credential_configuration_ids": ["badge"],
                 "grants": {PRE: {"pre-authorized_code": self.code}}}
        return "openid-credential-offer://?credential_offer=" + urllib.parse.quote(
            json.dumps(offer, separators=(",", ":")))

    def token(self, body: bytes, headers: Mapping[str, str]) -> SiteFile:
        form = dict(urllib.parse.parse_qsl(body.decode("ascii", "replace")))
        with self.lock:
            if form.get("grant_type") != PRE or form.get("pre-authorized_code") != self.code:
                return _json(400, {"error": "invalid_grant"})
            self.code = secrets.token_urlsafe(16)  # single use
            token = secrets.token_urlsafe(24)
            self.tokens.add(token)
        return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 300})

    def nonce(self, body: bytes, headers: Mapping[str, str]) -> SiteFile:
        value = secrets.token_urlsafe(16)
        with self.lock:
            self.nonces.add(value)
        return _json(200, {"c_nonce": value})

    def issue(self, body: bytes, headers: Mapping[str, str]) -> SiteFile:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return _json(401, {"error": "invalid_token"})
        try:
            request = json.loads(body)
            proof = request["proofs"]["jwt"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            return _json(400, {"error": "invalid_proof"})
        if request.get("credential_configuration_id") != "badge":
            return _json(400, {"error": "unknown_credential_configuration"})
        error = self._check_proof(proof)
        if error is not None:
            return _json(400, {"error": error})
        return _json(200, {"credentials": [{"credential": self.credential}]})

    def _check_proof(self, proof: str) -> str | None:
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey

        from credwallet.didkey import MultibaseError, public_from_did_key

        try:
            head, payload, sig = proof.split(".")
            header, claims = json.loads(_unb64(head)), json.loads(_unb64(payload))
            did = str(header["kid"]).split("#", 1)[0]
            VerifyKey(public_from_did_key(did)).verify(f"{head}.{payload}".encode(), _unb64(sig))
        except (ValueError, KeyError, MultibaseError, BadSignatureError):
            return "invalid_proof"
        if header.get("typ") != "openid4vci-proof+jwt" or claims.get("aud") != self.issuer:
            return "invalid_proof"
        with self.lock:
            if claims.get("nonce") not in self.nonces:
                return "invalid_nonce"
            self.nonces.discard(claims["nonce"])
        # The credential was signed for the learner: only their key may receive it.
        return None if did == self.holder_did else "invalid_proof"
