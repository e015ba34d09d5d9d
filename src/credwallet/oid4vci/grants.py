"""Token requests (OID4VCI 1.0 section 6, RFC 6749) and PKCE (RFC 7636).

- Pre-authorized code: `grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code`,
  `pre-authorized_code`, and `tx_code` when the offer asked for one.
- Authorization code: an authorization request with PKCE (S256), `state`, `issuer_state` from
  the offer, a loopback `redirect_uri` (RFC 8252 section 7.3) and `authorization_details` of type
  `openid_credential` (or the configurations' `scope`); then the code is exchanged with the
  `code_verifier`.

The access token, codes and transaction code are kept in memory only (`repr` hides them) and
never appear in a message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from credwallet.errors import BadInput
from credwallet.oid4vci.errors import IssuanceError, printable, protocol_error, remember
from credwallet.oid4vci.http import Http, Reply, json_object
from credwallet.oid4vci.metadata import AuthServer, Configuration
from credwallet.oid4vci.offer import PRE_AUTHORIZED

CLIENT_ID = "credwallet"  # a public client (RFC 6749 2.1); sent only in the authorization code flow
MAX_TOKEN = 16 * 1024  # characters of an access token (JWT access tokens are a few hundred)


@dataclass(frozen=True)
class Token:
    access_token: str = field(repr=False)
    token_type: str
    expires_at: datetime | None
    c_nonce: str | None = None  # drafts before 1.0 returned it here
    # credential_configuration_id -> credential_identifiers (authorization_details)
    identifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def authorization(self) -> str:
        return self.access_token


@dataclass(frozen=True)
class Pkce:
    verifier: str = field(repr=False)

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    @classmethod
    def new(cls) -> Pkce:
        return cls(secrets.token_urlsafe(48))  # 64 characters of [A-Za-z0-9-_]


async def pre_authorized(http: Http, server: AuthServer, *, code: str, tx_code: str | None,
                         now: datetime) -> Token:
    remember(code)
    remember(tx_code)
    form = {"grant_type": PRE_AUTHORIZED, "pre-authorized_code": code}
    if tx_code is not None:
        form["tx_code"] = tx_code
    if not server.anonymous_pre_authorized:
        form["client_id"] = CLIENT_ID  # harmless where anonymous access is allowed too
    return _token(await http.post(server.token_endpoint, form=form), now)


def authorization_url(server: AuthServer, *, configs: Sequence[Configuration], issuer: str,
                      redirect_uri: str, state: str, pkce: Pkce,
                      issuer_state: str | None) -> str:
    if server.authorization_endpoint is None:
        raise IssuanceError(f"the authorization server {server.issuer} publishes no "
                            "authorization_endpoint")
    if server.require_par:
        raise IssuanceError(f"the authorization server {server.issuer} requires pushed "
                            "authorization requests, which credwallet does not support")
    if server.pkce_methods and "S256" not in server.pkce_methods:
        raise IssuanceError(f"the authorization server {server.issuer} does not support PKCE "
                            "with S256")
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri,
              "state": state, "code_challenge": pkce.challenge, "code_challenge_method": "S256"}
    details = [{"type": "openid_credential", "credential_configuration_id": c.id} for c in configs]
    if issuer != server.issuer:
        for d in details:
            d["locations"] = [issuer]  # type: ignore[assignment]
    params["authorization_details"] = json.dumps(details, separators=(",", ":"))
    scopes = [c.scope for c in configs if c.scope]
    if scopes:
        params["scope"] = " ".join(dict.fromkeys(scopes))
    if issuer_state is not None:
        params["issuer_state"] = issuer_state
    sep = "&" if "?" in server.authorization_endpoint else "?"
    return server.authorization_endpoint + sep + urllib.parse.urlencode(params)


def code_from_redirect(params: dict[str, str], state: str, server: AuthServer) -> str:
    """The authorization response (RFC 6749 4.1.2): `state` must be ours, `iss` (RFC 9207)
    the server's when present, and present when the server says it sends it; then the code."""
    if params.get("state") != state:
        raise IssuanceError("the authorization response does not carry the state this wallet "
                            "sent (a forged or stale redirect); nothing was requested")
    iss = params.get("iss")
    if iss is not None and iss != server.issuer:
        raise IssuanceError(f"the authorization response comes from "
                            f"{printable(iss, 120)!r}, not from {server.issuer} (a mix-up, "
                            "RFC 9207); nothing was requested")
    if iss is None and server.iss_in_response:
        raise IssuanceError(f"the authorization response carries no iss, although "
                            f"{server.issuer} says it always sends one (RFC 9207); nothing was "
                            "requested")
    if "error" in params:
        raise protocol_error("authorization", params["error"], params.get("error_description"))
    code = params.get("code")
    if not code:
        raise IssuanceError("the authorization response has no code")
    remember(code)
    return code


async def authorization_code(http: Http, server: AuthServer, *, code: str, pkce: Pkce,
                             redirect_uri: str, now: datetime) -> Token:
    remember(code)
    remember(pkce.verifier)
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": pkce.verifier,
            "redirect_uri": redirect_uri, "client_id": CLIENT_ID}
    return _token(await http.post(server.token_endpoint, form=form), now)


def _token(reply: Reply, now: datetime) -> Token:
    if reply.status >= 400:
        raise error_of(reply, "token request")
    doc = json_object(reply, "token response")
    access = doc.get("access_token")
    if not isinstance(access, str) or not access:
        raise BadInput("token response: no access_token")
    if len(access) > MAX_TOKEN or not all(" " <= c <= "~" for c in access):
        # It goes into an Authorization header (ASCII only) and is looked for in every issuer
        # text shown: RFC 6749 A.12 allows visible ASCII only, and nothing needs 16 KiB.
        raise IssuanceError(f"token response: the access_token is not 1 to {MAX_TOKEN} visible "
                            "ASCII characters (RFC 6749 appendix A.12)")
    remember(access)
    refresh = doc.get("refresh_token")
    remember(refresh[:MAX_TOKEN] if isinstance(refresh, str) else None)
    token_type = doc.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() not in ("bearer", "dpop"):
        raise IssuanceError(f"token response: token_type {printable(token_type, 40)!r} is not "
                            "supported")
    if token_type.lower() == "dpop":
        raise IssuanceError("the issuer binds its access token with DPoP, which credwallet does "
                            "not support")
    expires = doc.get("expires_in")
    expires_at = now + timedelta(seconds=expires) \
        if isinstance(expires, int | float) and 0 < expires < 10 ** 9 else None
    nonce = doc.get("c_nonce")
    return Token(access, "Bearer", expires_at, nonce if isinstance(nonce, str) else None,
                 _identifiers(doc.get("authorization_details")))


def _identifiers(details: Any) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for d in details if isinstance(details, list) else []:
        if not isinstance(d, dict) or d.get("type") != "openid_credential":
            continue
        cid, ids = d.get("credential_configuration_id"), d.get("credential_identifiers")
        if isinstance(cid, str) and isinstance(ids, list):
            out[cid] = tuple(i for i in ids if isinstance(i, str))
    return out


def error_of(reply: Reply, step: str) -> Exception:
    """A 4xx answer: its OAuth/OID4VCI `error` code, or an HTTP status error."""
    from credwallet.oid4vci.errors import HttpStatus

    try:
        doc = json_object(reply, step)
    except BadInput:
        doc = {}
    code = doc.get("error")
    if isinstance(code, str) and code:
        return protocol_error(step, code, doc.get("error_description"))
    if reply.status == 401:
        return protocol_error(step, "invalid_token")
    return HttpStatus(f"{step}: {reply.url}: HTTP {reply.status}", reply.status)
