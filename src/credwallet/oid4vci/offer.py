"""Credential offers (OID4VCI 1.0 section 4.1): the forms a learner is handed, parsed.

- `openid-credential-offer://?credential_offer=<JSON>` (by value) or
  `openid-credential-offer://?credential_offer_uri=<https URL>` (by reference); any other
  scheme (`haip://`, a wallet's own https link) carrying one of the two parameters works too;
- the JSON offer object itself.

The pre-authorized code lives only in memory: `repr` never shows it, and nothing built from an
offer for output (`Offer.label`) contains it.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from credwallet.errors import BadInput
from credwallet.oid4vci.errors import printable, remember

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
AUTHORIZATION_CODE = "authorization_code"
SCHEME = "openid-credential-offer"
MAX_OFFER = 64 * 1024
MAX_CONFIGURATIONS = 32


@dataclass(frozen=True)
class TxCode:
    """What the issuer says about the transaction code it expects (never the code itself)."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class PreAuthorized:
    code: str = field(repr=False)
    tx_code: TxCode | None = None
    authorization_server: str | None = None


@dataclass(frozen=True)
class AuthorizationCode:
    issuer_state: str | None = field(default=None, repr=False)
    authorization_server: str | None = None


@dataclass(frozen=True)
class Offer:
    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized: PreAuthorized | None = None
    authorization_code: AuthorizationCode | None = None

    @property
    def label(self) -> str:
        """How the offer is named in output and in stored entries: the issuer, never a code."""
        return f"{SCHEME}:{self.credential_issuer}"


@dataclass(frozen=True)
class OfferRef:
    """A parsed offer link: the offer itself, or the https URL it is to be fetched from."""

    offer: Offer | None = None
    uri: str | None = field(default=None, repr=False)


def looks_like_offer(text: str) -> bool:
    """A link that carries a credential offer (by value or by reference)."""
    if text.lower().startswith(SCHEME + ":"):
        return True
    try:
        query = urllib.parse.urlsplit(text.strip()).query
    except ValueError:
        return False
    names = {k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)}
    return bool(names & {"credential_offer", "credential_offer_uri"})


def parse_link(text: str) -> OfferRef:
    """An offer link -> the offer (by value) or its https URL (by reference)."""
    if len(text) > MAX_OFFER:
        raise BadInput("the credential offer link is too long")
    try:
        parts = urllib.parse.urlsplit(text.strip())
        params = urllib.parse.parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        raise BadInput("the credential offer link is not a valid URL") from None
    by_value = params.get("credential_offer", [])
    by_ref = params.get("credential_offer_uri", [])
    if len(by_value) + len(by_ref) != 1:
        raise BadInput("a credential offer link must carry exactly one credential_offer or "
                       "credential_offer_uri parameter")
    if by_ref:
        uri = by_ref[0]
        if not uri.lower().startswith(("https://", "http://")):
            raise BadInput("credential_offer_uri is not an https URL")
        return OfferRef(uri=uri)
    from credwallet.ingest.jsonutil import loads

    doc = loads(by_value[0], what="the credential offer")
    return OfferRef(offer=parse_offer(doc))


def parse_offer(doc: Any) -> Offer:
    """The credential offer object (section 4.1.1) -> Offer; BadInput naming what is wrong."""
    if not isinstance(doc, dict):
        raise BadInput("the credential offer is not a JSON object")
    issuer = doc.get("credential_issuer")
    if not isinstance(issuer, str) or not issuer_identifier_ok(issuer):
        raise BadInput(f"the credential offer's credential_issuer {printable(issuer, 120)!r} is "
                       "not an https URL without query or fragment")
    ids = doc.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise BadInput("the credential offer has no credential_configuration_ids "
                       "(a non-empty array of strings)")
    if len(set(ids)) != len(ids) or len(ids) > MAX_CONFIGURATIONS:
        raise BadInput("the credential offer's credential_configuration_ids repeat a value or "
                       f"name more than {MAX_CONFIGURATIONS}")
    grants = doc.get("grants", {})
    if not isinstance(grants, dict):
        raise BadInput("the credential offer's grants is not an object")
    return Offer(issuer, tuple(ids), _pre_authorized(grants.get(PRE_AUTHORIZED)),
                 _authorization_code(grants.get(AUTHORIZATION_CODE)))


def issuer_identifier_ok(value: str) -> bool:
    """Section 12.2.1: https, a host, no query or fragment. Plain http only for a loopback host
    (a local issuer; the network rules refuse it anywhere else)."""
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    if parts.query or parts.fragment or "#" in value or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")


def _pre_authorized(grant: Any) -> PreAuthorized | None:
    if grant is None:
        return None
    if not isinstance(grant, dict) or not isinstance(grant.get("pre-authorized_code"), str) \
            or not grant["pre-authorized_code"]:
        raise BadInput("the credential offer's pre-authorized_code grant has no code")
    tx = grant.get("tx_code")
    tx_code: TxCode | None = None
    if tx is not None:
        if not isinstance(tx, dict):
            raise BadInput("the credential offer's tx_code is not an object")
        mode = tx.get("input_mode", "numeric")
        length = tx.get("length")
        desc = tx.get("description")
        tx_code = TxCode(mode if mode in ("numeric", "text") else "text",
                         length if isinstance(length, int) and 0 < length <= 64 else None,
                         printable(desc, 300) if isinstance(desc, str) else None)
    server = grant.get("authorization_server")
    remember(grant["pre-authorized_code"])
    return PreAuthorized(grant["pre-authorized_code"], tx_code,
                         server if isinstance(server, str) else None)


def _authorization_code(grant: Any) -> AuthorizationCode | None:
    if grant is None:
        return None
    if not isinstance(grant, dict):
        raise BadInput("the credential offer's authorization_code grant is not an object")
    state = grant.get("issuer_state")
    server = grant.get("authorization_server")
    return AuthorizationCode(state if isinstance(state, str) else None,
                             server if isinstance(server, str) else None)
