"""Discovery (OID4VCI 1.0 section 12.2 and RFC 8414): who the issuer is, what it offers, and
where its endpoints are.

- Credential issuer metadata from `/.well-known/openid-credential-issuer` inserted between the
  host and the path of the issuer identifier; its `credential_issuer` must be identical to
  the identifier (simple string comparison), else it must not be used.
- Signed metadata, in either form: a whole `application/jwt` answer (1.0) or a
  `signed_metadata` member inside the JSON (drafts up to 13, whose signed values win). It is
  checked when present, and a check that fails refuses the offer: `typ`
  `openidvci-issuer-metadata+jwt`, `sub` = the issuer identifier, `iat` not in the future,
  `exp` not past, and a signer the wallet can trust. The specification leaves that trust to
  the wallet; credwallet trusts a key only when the JWS `kid` names a verification method of
  `did:web` on the issuer's own host, listed under `assertionMethod` (its DID document is then
  published by the same authority as the metadata). x5c chains and bare `jwk` headers
  establish nothing here (no trust anchors) and are refused.
- Authorization server metadata (RFC 8414 `/.well-known/oauth-authorization-server`, then the
  OpenID Connect `/.well-known/openid-configuration`); its `issuer` must be the server's
  identifier.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from credwallet.errors import BadInput, CredwalletError, UnsupportedFormat
from credwallet.oid4vci.errors import IssuanceError, printable
from credwallet.oid4vci.http import ACCEPT_JSON, ACCEPT_METADATA, Http, Reply, json_object, ok

METADATA_TYP = "openidvci-issuer-metadata+jwt"
FORMATS = ("jwt_vc_json", "jwt_vc_json-ld", "ldp_vc", "dc+sd-jwt", "vc+sd-jwt")
SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Configuration:
    """One entry of `credential_configurations_supported`."""

    id: str
    format: str
    scope: str | None
    binding_methods: tuple[str, ...]
    proof_algs: tuple[str, ...]  # of the `jwt` proof type; empty: no proof asked for
    name: str | None
    proof_types: tuple[str, ...] = ()


@dataclass
class IssuerMetadata:
    credential_issuer: str
    credential_endpoint: str
    configurations: dict[str, Configuration]
    nonce_endpoint: str | None = None
    deferred_endpoint: str | None = None
    notification_endpoint: str | None = None
    authorization_servers: tuple[str, ...] = ()
    name: str | None = None
    batch_size: int = 1
    signed: str | None = None  # how signed metadata was checked, for the learner
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthServer:
    issuer: str
    token_endpoint: str
    authorization_endpoint: str | None = None
    par_endpoint: str | None = None
    require_par: bool = False
    pkce_methods: tuple[str, ...] = ()
    anonymous_pre_authorized: bool = False
    # RFC 9207: the server puts `iss` in its authorization responses, so one without it (or
    # with another issuer) is a mix-up and is refused.
    iss_in_response: bool = False


def well_known(identifier: str, suffix: str) -> str:
    """`https://h/p` -> `https://h/.well-known/<suffix>/p` (RFC 8414 section 3.1)."""
    parts = urllib.parse.urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{suffix}{path}",
                                    "", ""))


async def issuer_metadata(http: Http, issuer: str, now: datetime) -> IssuerMetadata:
    url = well_known(issuer, "openid-credential-issuer")
    reply = same_origin(ok(await http.get(url, accept=ACCEPT_METADATA),
                           "credential issuer metadata"), "credential issuer metadata")
    signed_note: str | None = None
    if _is_jwt(reply):
        doc = await _signed_claims(http, reply.body.decode("ascii", "replace"), issuer, now)
        signed_note = "signed metadata (application/jwt) checked"
    else:
        doc = json_object(reply, "credential issuer metadata")
        token = doc.get("signed_metadata")
        if token is not None:
            if not isinstance(token, str):
                raise IssuanceError("credential issuer metadata: signed_metadata is not a JWT")
            doc = {**doc, **await _signed_claims(http, token, issuer, now)}
            signed_note = "signed_metadata checked; its values take precedence"
    meta = parse_issuer_metadata(doc, issuer)
    meta.signed = signed_note
    return meta


def origin_of(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or {"https": 443, "http": 80}.get(scheme)


def same_origin(reply: Reply, what: str) -> Reply:
    """Metadata must come from the server it describes: a redirect to another origin (an open
    redirect on the issuer's host, say) would let that other server name the endpoints the
    codes and tokens are sent to."""
    if reply.final_url is not None and origin_of(reply.final_url) != origin_of(reply.url):
        raise IssuanceError(f"{what}: {reply.url} redirected to another server "
                            f"({printable(reply.final_url, 120)}); metadata must come from the "
                            "server it describes")
    return reply


def _is_jwt(reply: Reply) -> bool:
    if reply.media_type == "application/jwt":
        return True
    return reply.body[:2] == b"ey" and reply.body.count(b".") == 2


def parse_issuer_metadata(doc: dict[str, Any], issuer: str) -> IssuerMetadata:
    if doc.get("credential_issuer") != issuer:
        raise IssuanceError(f"credential issuer metadata names the issuer "
                            f"{printable(doc.get('credential_issuer'), 120)!r}, not {issuer}: it "
                            "must not be used")
    endpoint = _url(doc, "credential_endpoint", required=True)
    assert endpoint is not None
    encryption = doc.get("credential_response_encryption")
    if isinstance(encryption, dict) and encryption.get("encryption_required") is True:
        raise IssuanceError("the issuer requires encrypted credential responses, which "
                            "credwallet does not support")
    request_enc = doc.get("credential_request_encryption")
    if isinstance(request_enc, dict) and request_enc.get("encryption_required") is True:
        raise IssuanceError("the issuer requires encrypted credential requests, which "
                            "credwallet does not support")
    supported = doc.get("credential_configurations_supported")
    if not isinstance(supported, dict) or not supported:
        raise BadInput("credential issuer metadata has no credential_configurations_supported")
    configs = {k: _configuration(k, v) for k, v in supported.items()
               if isinstance(k, str) and isinstance(v, dict)}
    servers = doc.get("authorization_servers")
    if servers is not None and (not isinstance(servers, list) or not servers
                                or not all(isinstance(s, str) for s in servers)):
        raise BadInput("credential issuer metadata: authorization_servers is not a non-empty "
                       "array of strings")
    batch = doc.get("batch_credential_issuance")
    size = batch.get("batch_size") if isinstance(batch, dict) else None
    return IssuerMetadata(
        credential_issuer=issuer, credential_endpoint=endpoint, configurations=configs,
        nonce_endpoint=_url(doc, "nonce_endpoint"),
        deferred_endpoint=_url(doc, "deferred_credential_endpoint"),
        notification_endpoint=_url(doc, "notification_endpoint"),
        authorization_servers=tuple(servers or ()), name=display_name(doc.get("display")),
        batch_size=size if isinstance(size, int) and 2 <= size <= 100 else 1, raw=doc)


def _url(doc: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = doc.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.lower().startswith(("https://", "http://")):
        raise BadInput(f"credential issuer metadata: {name} is "
                       f"{'missing' if value is None else 'not an https URL'}")
    return value


def display_name(display: Any) -> str | None:
    """The display name for English, else the first one given."""
    entries = [d for d in display if isinstance(d, dict)] if isinstance(display, list) else []
    for entry in sorted(entries, key=lambda d: not str(d.get("locale", "en")).lower()
                        .startswith("en")):
        if isinstance(entry.get("name"), str) and entry["name"].strip():
            return printable(entry["name"], 120)
    return None


def _configuration(cid: str, doc: dict[str, Any]) -> Configuration:
    proofs = doc.get("proof_types_supported")
    algs: tuple[str, ...] = ()
    proof_types: tuple[str, ...] = ()
    if isinstance(proofs, dict):
        proof_types = tuple(k for k in proofs if isinstance(k, str))
        jwt = proofs.get("jwt")
        values = jwt.get("proof_signing_alg_values_supported") if isinstance(jwt, dict) else None
        algs = tuple(a for a in values if isinstance(a, str)) if isinstance(values, list) else ()
    methods = doc.get("cryptographic_binding_methods_supported")
    meta = doc.get("credential_metadata")
    display = meta.get("display") if isinstance(meta, dict) else None
    name = display_name(display if display is not None else doc.get("display"))
    fmt = doc.get("format")
    return Configuration(
        id=cid, format=fmt if isinstance(fmt, str) else "",
        scope=doc["scope"] if isinstance(doc.get("scope"), str) else None,
        binding_methods=tuple(m for m in methods if isinstance(m, str))
        if isinstance(methods, list) else (),
        proof_algs=algs, name=name, proof_types=proof_types)


def offered(meta: IssuerMetadata, ids: Sequence[str]) -> list[Configuration]:
    """The configurations an offer names, each one credwallet can receive."""
    out = []
    for cid in ids:
        config = meta.configurations.get(cid)
        if config is None:
            raise IssuanceError(f"the offer names the credential configuration "
                                f"{printable(cid, 80)!r}, which the issuer's metadata does not "
                                "list")
        if config.format not in FORMATS:
            raise UnsupportedFormat(
                f"unsupported_credential_format: the offered credential {printable(cid, 80)!r} "
                f"is {printable(config.format, 40)!r}; credwallet receives "
                f"{', '.join(FORMATS)}")
        out.append(config)
    return out


# --- signed metadata ---------------------------------------------------------------------


async def _signed_claims(http: Http, token: str, issuer: str, now: datetime) -> dict[str, Any]:
    from credwallet.verify.suites import jose

    try:
        parsed = jose.parse_compact(token)
    except jose.JwsError as exc:
        raise IssuanceError(f"signed metadata: {exc}") from None
    header, claims = parsed.header, parsed.payload
    if header.get("typ") != METADATA_TYP:
        raise IssuanceError(f"signed metadata: typ is {printable(header.get('typ'), 60)!r}, not "
                            f"{METADATA_TYP}")
    if claims.get("sub") != issuer:
        raise IssuanceError(f"signed metadata: sub {printable(claims.get('sub'), 120)!r} is not "
                            f"the issuer {issuer}")
    _check_times(claims, now)
    key = await _signer_key(http, header, issuer)
    try:
        good = jose.verify_signature(parsed, key)
    except jose.JwsError as exc:
        raise IssuanceError(f"signed metadata: {exc}") from None
    if not good:
        raise IssuanceError(f"signed metadata: the signature does not verify with {key.vm_id}")
    return {k: v for k, v in claims.items() if k not in ("iss", "sub", "iat", "exp", "nbf")}


def _check_times(claims: dict[str, Any], now: datetime) -> None:
    from credwallet.verify.dates import numeric_date

    iat = numeric_date(claims.get("iat"))
    if iat is None:
        raise IssuanceError("signed metadata: iat is missing or not a date (NumericDate)")
    if iat > now + SKEW:
        raise IssuanceError("signed metadata: iat is in the future")
    if "exp" in claims:
        exp = numeric_date(claims["exp"])
        if exp is None:
            raise IssuanceError("signed metadata: exp is not a date (NumericDate)")
        if exp <= now:
            raise IssuanceError("signed metadata has expired (exp)")


async def _signer_key(http: Http, header: dict[str, Any], issuer: str) -> Any:
    from credwallet.verify.keys import KeyUnavailable, did_web_url, key_from_vm_object

    kid = header.get("kid")
    host = urllib.parse.urlsplit(issuer).netloc.lower()
    if not isinstance(kid, str) or not kid.startswith("did:web:") or "#" not in kid:
        raise IssuanceError("signed metadata: cannot establish trust in its signer; credwallet "
                            "accepts a kid naming a did:web key of the issuer's own host "
                            f"({host}) only")
    did = kid.split("#", 1)[0]
    domain = urllib.parse.unquote(did.removeprefix("did:web:").split(":", 1)[0]).lower()
    if domain != host:
        raise IssuanceError(f"signed metadata: its signer {printable(did, 120)} is not on the "
                            f"issuer's own host {host}")
    url = did_web_url(did)
    if urllib.parse.urlsplit(issuer).scheme == "http":  # loopback issuer (offer.py): plain http
        url = "http://" + url.removeprefix("https://")
    try:
        doc = json_object(ok(await http.get(url, accept=ACCEPT_JSON), "the signer's DID document"),
                          "the signer's DID document")
    except CredwalletError as exc:
        raise IssuanceError(f"signed metadata: cannot fetch its signer's DID document: "
                            f"{exc.message}") from None
    if doc.get("id") != did:
        raise IssuanceError(f"signed metadata: the DID document at {url} is not {did}")
    fragment = "#" + kid.split("#", 1)[1]
    # Signing statements about the issuer is an assertion: a key the DID lists only for
    # authentication or key agreement does not speak for it (as for credentials, keys.py).
    vm = _assertion_method(doc, (kid, fragment))
    if vm is None:
        raise IssuanceError(f"signed metadata: {did}'s DID document does not list {fragment} "
                            "under assertionMethod")
    try:
        return key_from_vm_object(vm, kid)
    except KeyUnavailable as exc:
        raise IssuanceError(f"signed metadata: {exc}") from None


def _assertion_method(doc: dict[str, Any], names: tuple[str, str]) -> dict[str, Any] | None:
    """The verification method called one of `names` that `assertionMethod` lists (by
    reference to `verificationMethod`, or embedded), else None."""
    listed = doc.get("assertionMethod")
    methods = doc.get("verificationMethod")
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("id") in names:
            return entry
        if isinstance(entry, str) and entry in names:
            for vm in methods if isinstance(methods, list) else []:
                if isinstance(vm, dict) and vm.get("id") in names:
                    return vm
    return None


# --- authorization server ----------------------------------------------------------------


async def authorization_server(http: Http, meta: IssuerMetadata, hint: str | None) -> AuthServer:
    """The authorization server to use: the offer's hint (which must be listed), else the
    first listed, else the issuer itself (section 12.2.4).

    The hint (section 4.1.1) MUST match one of `authorization_servers`; when the issuer lists
    none, the issuer is its own server and a hint naming anything else is refused: otherwise
    whoever wrote the offer could send the code to a server of their choosing."""
    listed = meta.authorization_servers or (meta.credential_issuer,)
    if hint is not None and hint not in listed:
        raise IssuanceError(f"the offer names the authorization server {printable(hint, 120)}, "
                            "which the issuer's metadata does not list")
    identifier = hint or (meta.authorization_servers[0] if meta.authorization_servers
                          else meta.credential_issuer)
    doc = await _as_document(http, identifier)
    if doc is None:
        token = meta.raw.get("token_endpoint")  # drafts before 12 put it in issuer metadata
        if isinstance(token, str):
            auth = meta.raw.get("authorization_endpoint")
            return AuthServer(identifier, token, auth if isinstance(auth, str) else None)
        raise BadInput(f"no authorization server metadata found for {identifier}")
    token_endpoint = doc.get("token_endpoint")
    if not isinstance(token_endpoint, str):
        raise BadInput(f"authorization server metadata of {identifier} has no token_endpoint")
    methods = doc.get("code_challenge_methods_supported")

    def text(name: str) -> str | None:
        value = doc.get(name)
        return value if isinstance(value, str) else None

    return AuthServer(
        issuer=identifier, token_endpoint=token_endpoint,
        authorization_endpoint=text("authorization_endpoint"),
        par_endpoint=text("pushed_authorization_request_endpoint"),
        require_par=doc.get("require_pushed_authorization_requests") is True,
        pkce_methods=tuple(m for m in methods if isinstance(m, str))
        if isinstance(methods, list) else (),
        anonymous_pre_authorized=doc.get("pre-authorized_grant_anonymous_access_supported") is True,
        iss_in_response=doc.get("authorization_response_iss_parameter_supported") is True)


async def _as_document(http: Http, identifier: str) -> dict[str, Any] | None:
    """RFC 8414 metadata, else OpenID Connect discovery; None when neither is published."""
    oidc = identifier.rstrip("/") + "/.well-known/openid-configuration"
    for url in (well_known(identifier, "oauth-authorization-server"), oidc):
        reply = await http.get(url, accept=ACCEPT_JSON)
        if reply.status in (404, 410):
            continue
        doc = json_object(same_origin(ok(reply, "authorization server metadata"),
                                      "authorization server metadata"),
                          "authorization server metadata")
        if doc.get("issuer") != identifier:
            raise IssuanceError(f"authorization server metadata at {url} names the issuer "
                                f"{printable(doc.get('issuer'), 120)!r}, not {identifier}")
        return doc
    return None
