"""The nonce, credential, deferred credential and notification endpoints (OID4VCI 1.0
sections 7, 8, 9 and 11).

A credential request names the configuration (or the identifier the token response gave) and
carries one `jwt` proof; `invalid_nonce` gets exactly one retry with a fresh nonce (from the
nonce endpoint, else the `c_nonce` of the error answer, as drafts before 1.0 sent it). The
answer is either credentials (each a string or, for `ldp_vc`, a JSON object) or a deferral
(`transaction_id` + `interval`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credwallet.errors import BadInput
from credwallet.oid4vci.errors import IssuanceError, printable
from credwallet.oid4vci.grants import Token, error_of
from credwallet.oid4vci.http import Http, Reply, json_object, ok
from credwallet.oid4vci.metadata import Configuration, IssuerMetadata
from credwallet.oid4vci.proof import ProofPlan, proofs

MAX_CREDENTIALS = 32  # per response: a hostile issuer cannot flood the wallet


@dataclass
class Issued:
    """What one credential (or deferred credential) response gave."""

    credentials: list[bytes] = field(default_factory=list)
    transaction_id: str | None = field(default=None, repr=False)
    interval: float | None = None
    notification_id: str | None = None


async def fresh_nonce(http: Http, meta: IssuerMetadata) -> str | None:
    if meta.nonce_endpoint is None:
        return None
    reply = ok(await http.post(meta.nonce_endpoint), "nonce request")
    nonce = json_object(reply, "nonce response").get("c_nonce")
    if not isinstance(nonce, str) or not nonce:
        raise BadInput("nonce response: no c_nonce")
    return nonce


async def request(http: Http, meta: IssuerMetadata, token: Token, config: Configuration,
                  plan: ProofPlan | None, *, now: datetime, identifier: str | None = None,
                  ) -> Issued:
    """One credential request, retried once on `invalid_nonce`."""
    nonce = await fresh_nonce(http, meta) if plan is not None else None
    if nonce is None and plan is not None:
        nonce = token.c_nonce
    body: dict[str, Any] = ({"credential_identifier": identifier} if identifier is not None
                            else {"credential_configuration_id": config.id})
    for attempt in (1, 2):
        if plan is not None:
            # `iat` is the moment of signing, not the command's start: a learner may have spent
            # minutes in the browser, and issuers accept only fresh proofs.
            body["proofs"] = proofs(plan, 1, audience=meta.credential_issuer, nonce=nonce,
                                    now=max(now, datetime.now(UTC)))
        reply = await http.post(meta.credential_endpoint, body=body, bearer=token.access_token)
        if reply.status < 400:
            return parse_response(reply, "credential response", config.format)
        error = error_of(reply, "credential request")
        if getattr(error, "code", None) != "invalid_nonce" or plan is None:
            raise error
        if attempt == 2:
            raise IssuanceError(f"{getattr(error, 'message', error)}; a fresh nonce was refused "
                                "too", code="invalid_nonce")
        nonce = await fresh_nonce(http, meta) or _error_nonce(reply)
        if nonce is None:
            raise error
    raise AssertionError("unreachable")


def _error_nonce(reply: Reply) -> str | None:
    try:
        value = json_object(reply, "credential error").get("c_nonce")
    except BadInput:
        return None
    return value if isinstance(value, str) and value else None


async def deferred(http: Http, endpoint: str, access_token: str, transaction_id: str,
                   fmt: str) -> Issued:
    reply = await http.post(endpoint, body={"transaction_id": transaction_id},
                            bearer=access_token)
    if reply.status >= 400:
        error = error_of(reply, "deferred credential request")
        if getattr(error, "code", None) == "issuance_pending":  # drafts before 1.0
            return Issued(transaction_id=transaction_id, interval=_interval(reply))
        raise error
    issued = parse_response(reply, "deferred credential response", fmt)
    if issued.transaction_id is not None and issued.transaction_id != transaction_id:
        raise IssuanceError("deferred credential response: transaction_id changed")
    return issued


def _interval(reply: Reply) -> float | None:
    try:
        value = json_object(reply, "deferred credential error").get("interval")
    except BadInput:
        return None
    return float(value) if isinstance(value, int | float) and value > 0 else None


def parse_response(reply: Reply, what: str, fmt: str) -> Issued:
    doc = json_object(reply, what)
    creds = doc.get("credentials")
    if creds is None and "credential" in doc:
        creds = [{"credential": doc["credential"]}]  # drafts before 15: one `credential`
    transaction = doc.get("transaction_id")
    if creds is not None and transaction is not None:
        raise IssuanceError(f"{what}: both credentials and transaction_id")
    if transaction is not None:
        if not isinstance(transaction, str) or not transaction:
            raise BadInput(f"{what}: transaction_id is not a string")
        interval = doc.get("interval")
        return Issued(transaction_id=transaction,
                      interval=float(interval) if isinstance(interval, int | float)
                      and interval > 0 else None)
    if not isinstance(creds, list) or not creds:
        raise BadInput(f"{what}: neither credentials nor transaction_id")
    if len(creds) > MAX_CREDENTIALS:
        raise IssuanceError(f"{what}: more than {MAX_CREDENTIALS} credentials")
    notification = doc.get("notification_id")
    return Issued(credentials=[_credential_bytes(c, what, fmt) for c in creds],
                  notification_id=notification if isinstance(notification, str) else None)


def _credential_bytes(item: Any, what: str, fmt: str) -> bytes:
    value = item.get("credential") if isinstance(item, dict) else item
    if isinstance(value, str) and value.strip():
        return value.strip().encode("utf-8")
    if isinstance(value, dict) and fmt in ("ldp_vc", "jwt_vc_json-ld"):
        # A JSON-LD credential arrives as an object inside the response; its Data Integrity
        # proof covers the canonical form, so this serialisation is as good as any.
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    raise BadInput(f"{what}: a credential is neither a string nor (for {printable(fmt, 30)}) "
                   "a JSON object")


async def notify(http: Http, endpoint: str, access_token: str, notification_id: str, event: str,
                 description: str | None = None) -> str | None:
    """Send a notification; a problem is returned as a warning (never fails the import)."""
    from credwallet.errors import CredwalletError

    body: dict[str, str] = {"notification_id": notification_id, "event": event}
    if description:
        body["event_description"] = printable(description, 200).replace('"', "'").replace("\\", "/")
    try:
        reply = await http.post(endpoint, body=body, bearer=access_token)
    except CredwalletError as exc:
        return f"notification ({event}) not delivered: {exc.message}"
    if reply.status >= 300:
        return f"notification ({event}) not accepted: HTTP {reply.status}"
    return None
