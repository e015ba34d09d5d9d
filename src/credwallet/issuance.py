"""Import from credential offers (OpenID for Verifiable Credential Issuance, docs/oid4vci.md).

    import_sources(wallet, sources, ...) -> [ImportItem]

Sources that are credential offers (an `openid-credential-offer://` link, an https link
carrying one, an image file holding an offer's QR code) run the OID4VCI flow
(`credwallet.oid4vci`, over `fetch/oid4vci_http.py`); every other source goes to
`importer.import_all` as before. A received credential then takes the usual path: its
material is fetched under the usual rules, it is verified exactly like any other import, and
it must be bound to the holder's key; only then is it stored. The credentials of one
credential response are stored all together or not at all, and the issuer is told which
(notification endpoint). A deferred credential is kept as a pending issuance in the wallet
and collected by `resume_pending` (`import --resume`, `refresh`).

An offer yields one item per credential received (or deferred); each item's `source` is
`openid-credential-offer:<credential issuer>`, never the link itself, which may hold a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from credwallet.errors import BadInput, CredwalletError, Interrupted
from credwallet.importer import (
    ImportItem,
    add_fetched,
    complete_online,
    default_verifier,
    failed_item,
    import_all,
    is_url,
    read_local,
)
from credwallet.models.entry import Identity, PendingIssuance, WalletData
from credwallet.oid4vci import flow
from credwallet.oid4vci.offer import SCHEME, OfferRef, looks_like_offer, parse_link
from credwallet.oid4vci.proof import HolderKey, ed25519_key

ACCEPTED, FAILURE, DELETED = "credential_accepted", "credential_failure", "credential_deleted"


class _Stopped(Exception):
    def __init__(self, events: dict[int, tuple[str, str]]) -> None:
        super().__init__("stopped")
        self.events = events


@dataclass(frozen=True)
class Options:
    now: datetime
    keep_invalid: bool = False
    insecure_http: bool = False
    tags: Sequence[str] = ()
    allow_hosts: Sequence[Any] = ()


class Quiet:
    """An Interaction for unattended runs (the demo): no transaction code, no browser."""

    def show_offer(self, text: str) -> None:
        return None

    def tx_code(self, spec: Any) -> str | None:
        return None

    def open_authorization(self, url: str) -> None:
        return None


def import_sources(wallet: WalletData, sources: Sequence[str], *, now: datetime,
                   keep_invalid: bool = False, insecure_http: bool = False,
                   tags: Sequence[str] = (), progress: bool | Any = False,
                   stdin: BinaryIO | None = None, allow_hosts: Sequence[Any] = (),
                   interaction: flow.Interaction | None = None) -> list[ImportItem]:
    """`importer.import_all`, plus credential offers; items in source order."""
    opts = Options(now, keep_invalid, insecure_http, tags, allow_hosts)
    slots: list[list[ImportItem]] = [[] for _ in sources]
    plain: list[tuple[int, str]] = []
    for i, source in enumerate(sources):
        kind, text = _classify(source)
        if kind in ("offer", "offer-in-image"):
            slots[i] = import_offer(wallet, text, opts, interaction or Quiet(),
                                    typed=kind == "offer")
        elif kind == "link-in-image":
            slots[i] = [import_named_link(wallet, text, source, opts)]
        elif kind == "failed":
            slots[i] = [failed_item(source, BadInput(text))]
        else:
            plain.append((i, text))
    if plain:
        done = import_all(wallet, [s for _, s in plain], now=now, keep_invalid=keep_invalid,
                          insecure_http=insecure_http, tags=tags, progress=progress,
                          stdin=stdin, allow_hosts=allow_hosts)
        for (i, _source), item in zip(plain, done, strict=True):
            item.source = sources[i]  # a URL read from a QR code: the image is the source
            slots[i] = [item]
    return [item for slot in slots for item in slot]


def _classify(source: str) -> tuple[str, str]:
    """("offer", link typed or pasted) | ("offer-in-image", link read from a QR code) |
    ("link-in-image", https URL read from a QR code) | ("plain", source) | ("failed", why).

    What a QR code image holds is data from someone else, like a baked badge: the hosts it
    names get no exception from the network rules (fetch/NETWORK.md), unlike a link typed."""
    if looks_like_offer(source) and (not is_url(source) or "credential_offer" in source):
        return "offer", source
    if source == "-" or is_url(source):
        return "plain", source
    from credwallet.ingest.sniff import recognise
    from credwallet.oid4vci import qr

    try:
        data = read_local(source)
    except CredwalletError:
        return "plain", source  # import_all reports it
    if not qr.looks_like_image(data):
        return "plain", source
    try:
        recognise(data, source)
        return "plain", source  # a baked badge
    except BadInput:
        pass
    try:
        texts = qr.decode(data, source)
    except BadInput as exc:
        return "failed", exc.message
    for text in texts:
        if looks_like_offer(text):
            return "offer-in-image", text
        if text.lower().startswith("https://"):
            return "link-in-image", text
    return "failed", (f"{source}: the image holds neither a baked credential nor a QR code with "
                      "a credential offer or https link")


def import_named_link(wallet: WalletData, url: str, source: str, opts: Options) -> ImportItem:
    """A credential at the https link a QR code image holds: fetched as a link found in a file
    (public addresses only, unless allowed), then imported like any other source."""
    from credwallet.fetch.oid4vci_http import fetch_named
    from credwallet.ingest.sniff import recognise
    from credwallet.material import Fetched

    try:
        resp = fetch_named(url, insecure_http=opts.insecure_http, allow_hosts=opts.allow_hosts)
        if resp.status == 410:
            raise BadInput(f"{url}: HTTP 410 Gone: the issuer has withdrawn (revoked) this "
                           "credential; nothing to import")
        fetched = Fetched(recognise(resp.body, resp.final_url), url)
        fetched.warnings += resp.warnings
        [(_n, outcome)] = complete_online([(0, fetched)], insecure_http=opts.insecure_http,
                                          progress=False, allow_hosts=opts.allow_hosts,
                                          now=opts.now)
        if isinstance(outcome, CredwalletError):
            raise outcome
        item = add_fetched(wallet, outcome, now=opts.now, keep_invalid=opts.keep_invalid,
                           verifier=default_verifier(), tags=opts.tags)
    except CredwalletError as exc:
        return failed_item(source, exc)
    item.source = source
    return item


def _label(text: str) -> str:
    try:
        ref = parse_link(text)
    except CredwalletError:
        return SCHEME
    return ref.offer.label if ref.offer is not None else f"{SCHEME} (by reference)"


def import_offer(wallet: WalletData, link: str, opts: Options,
                 interaction: flow.Interaction, *, typed: bool = True) -> list[ImportItem]:
    """Run one offer to its end: items for what was received, deferred or refused.

    `typed`: the learner typed or pasted the link, so the host it names (the offer URI of an
    offer by reference, else the credential issuer) counts as the source they gave and may be
    local; an offer read from an image (`typed=False`) has no such host. Codes and tokens
    met on the way are withheld from any issuer text shown (`oid4vci.errors.secret_scope`)."""
    from credwallet.oid4vci.errors import secret_scope

    with secret_scope():
        return _import_offer(wallet, link, opts, interaction, typed)


def _import_offer(wallet: WalletData, link: str, opts: Options,
                  interaction: flow.Interaction, typed: bool) -> list[ImportItem]:
    from credwallet.fetch.oid4vci_http import with_http
    from credwallet.fetch.oid4vci_loopback import LoopbackListener
    from credwallet.wallet.holder import holder_seed

    label = _label(link)
    try:
        ref: OfferRef = parse_link(link)
        seed = holder_seed(wallet)

        async def work(http: Any) -> flow.Session:
            offer = await flow.resolve(http, ref, typed=typed)
            return await flow.run(http, offer, seed=seed, now=opts.now, interaction=interaction,
                                  redirects=LoopbackListener)

        origin = (ref.uri or (ref.offer.credential_issuer if ref.offer else "")) if typed else ""
        session = with_http(work, origin_url=origin, allow_hosts=opts.allow_hosts)
    except CredwalletError as exc:
        return [failed_item(label, exc)]
    label = session.label
    try:
        items, events = _store(wallet, session.received, seed, session.meta.credential_issuer,
                               label, opts)
    except _Stopped as stop:  # the learner stopped it: the issuer hears credential_deleted
        _notify(session.meta.notification_endpoint, session.token, session.groups, stop.events,
                session.meta.credential_issuer, opts)
        raise Interrupted("interrupted; nothing from this offer was stored") from None
    for pending in session.pending:
        pending.tags = list(opts.tags)
        wallet.oid4vci_pending.append(pending)
        items.append(_pending_item(label, pending, opts.now))
    notes = _notify(session.meta.notification_endpoint, session.token, session.groups, events,
                    session.meta.credential_issuer, opts)
    for item in items:
        item.warnings += notes
    return items


def _pending_item(label: str, pending: PendingIssuance, now: datetime) -> ImportItem:
    wait = ""
    if pending.next_attempt_at is not None and pending.next_attempt_at > now:
        wait = f" after {int((pending.next_attempt_at - now).total_seconds())} s"
    return ImportItem(source=label, status="pending", name=pending.name or pending.configuration_id,
                      warnings=[f"the issuer deferred this credential: collect it{wait} with "
                                "`credwallet import --resume` (or `credwallet refresh`)"])


def _store(wallet: WalletData, received: Sequence[flow.Received], seed: bytes, issuer: str,
           label: str, opts: Options) -> tuple[list[ImportItem], dict[int, tuple[str, str]]]:
    """Verify, bind-check and store what was received, one credential response at a time
    (all or nothing); the notification event of each response. Interrupted anywhere after
    the credentials arrived (fetching their material, verifying, storing): nothing is kept
    and every response is reported `credential_deleted` (_Stopped)."""
    snapshot = wallet.model_copy(deep=True)
    try:
        return _store_all(wallet, received, seed, issuer, label, opts)
    except KeyboardInterrupt:
        _restore(wallet, snapshot)
        raise _Stopped({g: (DELETED, "the holder stopped the import")
                        for g in {r.group for r in received}}) from None


def _store_all(wallet: WalletData, received: Sequence[flow.Received], seed: bytes, issuer: str,
               label: str, opts: Options) -> tuple[list[ImportItem], dict[int, tuple[str, str]]]:
    from dataclasses import replace
    from datetime import UTC

    from credwallet.ingest.sniff import recognise
    from credwallet.material import Fetched

    # Verified as of now, not as of the command's start: the issuer signed it moments ago.
    opts = replace(opts, now=max(opts.now, datetime.now(UTC)))
    staged: list[tuple[int, Any]] = []
    items: list[ImportItem] = []
    for n, r in enumerate(received):
        try:
            staged.append((n, Fetched(recognise(r.raw, issuer), issuer)))
        except CredwalletError as exc:
            staged.append((n, exc))
    pending = [(n, f) for n, f in staged if not isinstance(f, CredwalletError)]
    done = dict(complete_online(pending, insecure_http=opts.insecure_http, progress=False,
                                allow_hosts=opts.allow_hosts)) if pending else {}
    outcomes: dict[int, Any] = {n: done.get(n, f) for n, f in staged}
    events: dict[int, tuple[str, str]] = {}
    verifier = default_verifier()
    for group in sorted({r.group for r in received}):
        members = [n for n, r in enumerate(received) if r.group == group]
        snapshot = wallet.model_copy(deep=True)
        group_items: list[ImportItem] = []
        for n in members:
            key = received[n].key or ed25519_key(seed)
            group_items.append(_one(wallet, outcomes[n], key, label, opts, verifier))
        failed = [i for i in group_items if i.status == "failed"]
        if failed:
            _restore(wallet, snapshot)
            for item in group_items:
                if item.status != "failed":
                    item.status, item.exit_code, item.id = "failed", failed[0].exit_code, None
                    item.error = ("not imported: another credential of the same issuance was "
                                  "refused")
                    item.verification = None
            events[group] = (FAILURE, failed[0].error or "refused")
        else:
            events[group] = (ACCEPTED, "")
        items += group_items
    return items, events


def _one(wallet: WalletData, outcome: Any, key: HolderKey, label: str, opts: Options,
         verifier: Any) -> ImportItem:
    from credwallet.oid4vci.binding import unbound_reason

    if isinstance(outcome, CredwalletError):
        return failed_item(label, outcome)
    reason = unbound_reason(outcome.recognised, key)
    if reason is not None:
        item = ImportItem(source=label, status="failed", format=outcome.recognised.format,
                          error=f"not imported: not bound to you: {reason}", exit_code=1)
        return item
    if key.did != wallet.holder.did and all(i.value != key.did for i in wallet.identities):
        # The holder's did:jwk (ES256 issuers) is the holder too: the recipient check knows it.
        wallet.identities.append(Identity(kind="did", value=key.did, added_at=opts.now))
    try:
        item = add_fetched(wallet, outcome, now=opts.now, keep_invalid=opts.keep_invalid,
                           verifier=verifier, tags=opts.tags)
    except CredwalletError as exc:
        return failed_item(label, exc)
    item.source = label
    return item


def _restore(wallet: WalletData, snapshot: WalletData) -> None:
    for name in type(wallet).model_fields:
        setattr(wallet, name, getattr(snapshot, name))


def _notify(endpoint: str | None, token: Any, groups: Sequence[flow.Group],
            events: dict[int, tuple[str, str]], issuer: str, opts: Options) -> list[str]:
    """Tell the issuer what became of each credential response that has a notification_id."""
    sends = [(groups[g].notification_id, event, text) for g, (event, text) in events.items()
             if g < len(groups) and groups[g].notification_id]
    if endpoint is None or token is None or not sends:
        return []
    return _send(endpoint, token.access_token, sends, issuer, opts)


def _send(endpoint: str, access_token: str, sends: Sequence[tuple[str | None, str, str]],
          issuer: str, opts: Options) -> list[str]:
    from credwallet.fetch.oid4vci_http import with_http
    from credwallet.oid4vci.credential import notify

    async def work(http: Any) -> list[str]:
        out = []
        for nid, event, text in sends:
            assert nid is not None
            note = await notify(http, endpoint, access_token, nid, event, text or None)
            if note:
                out.append(note)
        return out

    try:
        notes: list[str] = with_http(work, origin_url=issuer, allow_hosts=opts.allow_hosts)
    except CredwalletError as exc:
        return [f"notification not delivered: {exc.message}"]
    return notes


# --- deferred issuance ---------------------------------------------------------------------


def resume_pending(wallet: WalletData, *, now: datetime, due_only: bool,
                   insecure_http: bool = False, allow_hosts: Sequence[Any] = (),
                   keep_invalid: bool = False) -> list[ImportItem]:
    """Ask the issuers of pending (deferred) issuances for their credentials: `import
    --resume` asks for every one now; `refresh` only for those whose wait is over."""
    items: list[ImportItem] = []
    for pending in list(wallet.oid4vci_pending):
        if due_only and pending.next_attempt_at is not None and pending.next_attempt_at > now:
            continue
        opts = Options(now, keep_invalid, insecure_http, pending.tags, allow_hosts)
        from credwallet.oid4vci.errors import secret_scope

        with secret_scope(pending.access_token, pending.transaction_id):
            items += _resume_one(wallet, pending, opts)
    return items


def _resume_one(wallet: WalletData, pending: PendingIssuance, opts: Options) -> list[ImportItem]:
    from datetime import timedelta

    from credwallet.errors import NetworkError
    from credwallet.fetch.oid4vci_http import with_http
    from credwallet.oid4vci.credential import Issued, deferred
    from credwallet.oid4vci.metadata import Configuration
    from credwallet.wallet.holder import holder_seed

    label = f"{SCHEME}:{pending.credential_issuer}"
    if pending.access_token_expires_at is not None and pending.access_token_expires_at <= opts.now:
        wallet.oid4vci_pending.remove(pending)
        return [failed_item(label, BadInput(
            "the access token of this deferred issuance has expired; nothing can be collected: "
            "ask the issuer for a new offer"))]

    async def work(http: Any) -> Issued:
        return await deferred(http, pending.deferred_endpoint, pending.access_token,
                              pending.transaction_id, pending.format)

    try:
        issued = with_http(work, origin_url=pending.credential_issuer,
                           allow_hosts=opts.allow_hosts)
    except NetworkError as exc:  # kept: the issuer may answer next time
        return [failed_item(label, exc)]
    except CredwalletError as exc:  # the issuer refused it: the issuance is over
        wallet.oid4vci_pending.remove(pending)
        return [failed_item(label, exc)]
    if issued.transaction_id is not None:
        wait = issued.interval or pending.interval or 0
        pending.interval = wait
        pending.next_attempt_at = opts.now + timedelta(seconds=min(wait, 366 * 86400))
        return [_pending_item(label, pending, opts.now)]
    wallet.oid4vci_pending.remove(pending)
    seed = holder_seed(wallet)
    key = flow.holder_key_for(pending.holder_kid, seed)
    config = Configuration(pending.configuration_id, pending.format, None, (), (), pending.name)
    received = [flow.Received(raw, config, key, 0) for raw in issued.credentials]
    items, events = _store(wallet, received, seed, pending.credential_issuer, label, opts)
    token = _TokenView(pending.access_token)
    items_notes = _notify(pending.notification_endpoint, token,
                          [flow.Group(issued.notification_id)], events,
                          pending.credential_issuer, opts)
    for item in items:
        item.warnings += items_notes
    return items


@dataclass(frozen=True)
class _TokenView:
    access_token: str
