"""The issuance flow, step by step (OID4VCI 1.0 sections 3.4 and 3.5):

offer -> issuer metadata -> what is offered, shown to the learner -> authorization server ->
token (pre-authorized code, or authorization code with PKCE through a loopback redirect) ->
for each offered configuration: nonce -> proof of possession -> credential request ->
credentials, or a deferral to collect later.

Nothing is requested before the learner has been shown who the issuer is and what it will
issue, and before credwallet knows it can handle every offered credential (format, proof
algorithm): an offer it cannot complete is refused without spending its code.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from credwallet.errors import UsageError
from credwallet.models.entry import PendingIssuance
from credwallet.oid4vci import credential, grants, metadata
from credwallet.oid4vci.errors import IssuanceError
from credwallet.oid4vci.http import Http, json_object, ok
from credwallet.oid4vci.metadata import Configuration, IssuerMetadata
from credwallet.oid4vci.offer import Offer, OfferRef, TxCode, parse_offer
from credwallet.oid4vci.proof import HolderKey, ProofPlan, plan_for

AUTHORIZATION_TIMEOUT = 300.0  # seconds to wait for the browser to come back


class Interaction(Protocol):
    """What the flow needs from the person at the keyboard (the CLI implements it)."""

    def show_offer(self, text: str) -> None: ...

    def tx_code(self, spec: TxCode) -> str | None:
        """The transaction code (from --tx-code, a file, or asked on a terminal); None when
        there is no way to get one."""
        ...

    def open_authorization(self, url: str) -> None:
        """Show the authorization URL (and open a browser where there is one)."""
        ...


class Redirects(Protocol):
    """A loopback listener for the authorization response (fetch/oid4vci_loopback.py)."""

    redirect_uri: str

    def wait(self, timeout: float) -> dict[str, str]: ...

    def close(self) -> None: ...


@dataclass
class Received:
    raw: bytes
    config: Configuration
    key: HolderKey | None
    group: int  # index into Session.groups: one credential response


@dataclass
class Group:
    """One credential response: its credentials share a notification (section 11)."""

    notification_id: str | None = None


@dataclass
class Session:
    offer: Offer
    meta: IssuerMetadata
    token: grants.Token | None
    received: list[Received] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    pending: list[PendingIssuance] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.offer.label


async def resolve(http: Http, ref: OfferRef, *, typed: bool = True) -> Offer:
    """The offer itself. `typed`: the learner typed or pasted the link, so its
    `credential_offer_uri` may be anywhere (like any URL they type); from a QR code image it is
    data from someone else and must lead to a public address unless allowed."""
    if ref.offer is not None:
        return ref.offer
    assert ref.uri is not None
    reply = ok(await http.get(ref.uri, user_given=typed), "credential offer")
    return parse_offer(json_object(reply, "credential offer"))


def describe(offer: Offer, meta: IssuerMetadata, configs: list[Configuration]) -> str:
    who = f"{meta.name} ({offer.credential_issuer})" if meta.name else offer.credential_issuer
    what = "; ".join(f"{c.name or c.id} [{c.format}]" for c in configs)
    signed = f"; {meta.signed}" if meta.signed else ""
    return f"credential offer from {who}: {what}{signed}"


async def run(http: Http, offer: Offer, *, seed: bytes, now: datetime, interaction: Interaction,
              redirects: Callable[[], Redirects]) -> Session:
    meta = await metadata.issuer_metadata(http, offer.credential_issuer, now)
    configs = metadata.offered(meta, offer.configuration_ids)
    plans = {c.id: plan_for(c, seed) for c in configs}  # refuse what cannot be done, first
    interaction.show_offer(describe(offer, meta, configs))
    token = await _token(http, offer, meta, configs, interaction, redirects, now)
    session = Session(offer, meta, token)
    for config in configs:
        for identifier in token.identifiers.get(config.id) or (None,):
            await _one(http, session, config, plans[config.id], identifier, now)
    return session


async def _one(http: Http, session: Session, config: Configuration, plan: ProofPlan | None,
               identifier: str | None, now: datetime) -> None:
    assert session.token is not None
    issued = await credential.request(http, session.meta, session.token, config, plan, now=now,
                                      identifier=identifier)
    key = plan.key if plan is not None else None
    if issued.transaction_id is not None:
        session.pending.append(_pending(session, config, key, issued.transaction_id,
                                        issued.interval, now))
        return
    session.groups.append(Group(issued.notification_id))
    for raw in issued.credentials:
        session.received.append(Received(raw, config, key, len(session.groups) - 1))


def _pending(session: Session, config: Configuration, key: HolderKey | None,
             transaction_id: str, interval: float | None, now: datetime) -> PendingIssuance:
    meta, token = session.meta, session.token
    assert token is not None
    if meta.deferred_endpoint is None:
        raise IssuanceError("the issuer deferred the credential (transaction_id) but publishes "
                            "no deferred_credential_endpoint")
    wait = timedelta(seconds=min(interval or 0, 366 * 86400))
    return PendingIssuance(
        transaction_id=transaction_id, access_token=token.access_token,
        access_token_expires_at=token.expires_at, credential_issuer=meta.credential_issuer,
        deferred_endpoint=meta.deferred_endpoint,
        notification_endpoint=meta.notification_endpoint, configuration_id=config.id,
        format=config.format, name=config.name, holder_kid=key.kid if key else "",
        created_at=now, interval=interval, next_attempt_at=now + wait)


async def _token(http: Http, offer: Offer, meta: IssuerMetadata, configs: list[Configuration],
                 interaction: Interaction, redirects: Callable[[], Redirects],
                 now: datetime) -> grants.Token:
    pre = offer.pre_authorized
    if pre is not None:
        server = await metadata.authorization_server(http, meta, pre.authorization_server)
        tx: str | None = None
        if pre.tx_code is not None:
            tx = interaction.tx_code(pre.tx_code)
            if tx is None:
                said = f" ({pre.tx_code.description})" if pre.tx_code.description else ""
                raise UsageError(f"this offer needs a transaction code{said}: give it with "
                                 "--tx-code CODE or --tx-code-file PATH, or run at a terminal "
                                 "to be asked")
            _check_tx(tx, pre.tx_code)
        return await grants.pre_authorized(http, server, code=pre.code, tx_code=tx, now=now)
    auth = offer.authorization_code
    server = await metadata.authorization_server(
        http, meta, auth.authorization_server if auth is not None else None)
    return await _authorize(http, server, offer, configs, interaction, redirects, now)


def _check_tx(value: str, spec: TxCode) -> None:
    if not value or len(value) > 256 or any(ord(c) < 0x20 for c in value):
        raise UsageError("the transaction code is empty, too long or holds control characters")
    if spec.input_mode == "numeric" and not value.isdigit():
        raise UsageError("this offer's transaction code is numeric (digits only)")
    if spec.length is not None and len(value) != spec.length:
        raise UsageError(f"this offer's transaction code has {spec.length} characters")


async def _authorize(http: Http, server: metadata.AuthServer, offer: Offer,
                     configs: list[Configuration], interaction: Interaction,
                     redirects: Callable[[], Redirects], now: datetime) -> grants.Token:
    import asyncio

    pkce = grants.Pkce.new()
    state = secrets.token_urlsafe(24)
    listener = redirects()
    try:
        url = grants.authorization_url(
            server, configs=configs, issuer=offer.credential_issuer,
            redirect_uri=listener.redirect_uri, state=state, pkce=pkce,
            issuer_state=offer.authorization_code.issuer_state
            if offer.authorization_code else None)
        interaction.open_authorization(url)
        params = await asyncio.to_thread(listener.wait, AUTHORIZATION_TIMEOUT)
    finally:
        listener.close()
    code = grants.code_from_redirect(params, state, server)
    return await grants.authorization_code(http, server, code=code, pkce=pkce,
                                           redirect_uri=listener.redirect_uri, now=now)


def holder_key_for(kid: str, seed: bytes) -> HolderKey | None:
    """The holder key a pending issuance was bound to (by its DID URL)."""
    from credwallet.oid4vci.proof import ed25519_key, p256_key

    for key in (ed25519_key(seed), p256_key(seed)):
        if key.kid == kid:
            return key
    return None
