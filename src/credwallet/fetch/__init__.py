"""The only network code: fetch URL sources and the material offline verification needs.

    complete(pending, insecure_http=..., progress=..., probe=...) -> [(index, Fetched | CredwalletError)]

`pending` holds `(index, Fetched)` for local sources (only their material is fetched) and
`(index, url)` for URLs. What each source needs is derived from its verification (`probe`,
by default the offline verifier; `fetch/rounds.py`). Sources run concurrently (asyncio, a
bounded number of requests in flight); one source's failure never affects another.
`progress` may be an observer with `start(total)`, `advance(source)` and `finish()` (the CLI
passes a rich progress bar).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

import httpx

from credwallet.errors import BadInput, CredwalletError
from credwallet.fetch.client import ACCEPT_CREDENTIAL, Client, HttpStatusError, Response
from credwallet.fetch.documents import Fetcher, Session
from credwallet.fetch.guard import AllowedHost, Origin, Resolver
from credwallet.fetch.pages import credential_of
from credwallet.fetch.policy import FetchPolicy
from credwallet.fetch.rounds import derive, offline_verification
from credwallet.ingest.sniff import Recognised, recognise
from credwallet.material import Fetched, Kind, Need, Probe

__all__ = ["AllowedHost", "FetchPolicy", "Observer", "complete", "fetch_source", "gather"]


class Observer(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, source: str) -> None: ...
    def finish(self) -> None: ...


def complete(pending: Sequence[tuple[int, Fetched | str]], *, insecure_http: bool = False,
             progress: bool | Observer = False, policy: FetchPolicy | None = None,
             transport: httpx.AsyncBaseTransport | None = None,
             resolver: Resolver | None = None, allow_hosts: Sequence[AllowedHost] = (),
             probe: Probe | None = None) -> list[tuple[int, Fetched | CredwalletError]]:
    """Fetch every URL source and every source's material; results in `pending` order.

    `allow_hosts` (--allow-host): hosts whose private addresses links may reach (guard.py).
    `probe`: runs verification against a material source (default: the offline verifier, now).
    """
    observer = progress if not isinstance(progress, bool) else None
    return asyncio.run(_complete(list(pending), insecure_http=insecure_http, observer=observer,
                                 policy=policy, transport=transport, resolver=resolver,
                                 allow_hosts=allow_hosts,
                                 probe=probe or offline_verification()))


async def _complete(pending: list[tuple[int, Fetched | str]], *, insecure_http: bool,
                    observer: Observer | None, policy: FetchPolicy | None,
                    transport: httpx.AsyncBaseTransport | None, resolver: Resolver | None,
                    allow_hosts: Sequence[AllowedHost], probe: Probe,
                    ) -> list[tuple[int, Fetched | CredwalletError]]:
    async with Client(policy, insecure_http=insecure_http, transport=transport,
                      resolver=resolver, allow_hosts=allow_hosts) as client:
        session = Session(client)
        if observer is not None:
            observer.start(len(pending))

        async def one(item: Fetched | str) -> Fetched | CredwalletError:
            try:
                if isinstance(item, str):
                    return await fetch_source(session, item, probe)
                return await gather(session, item, probe)
            except CredwalletError as exc:
                return exc
            finally:
                if observer is not None:
                    observer.advance(item if isinstance(item, str) else item.source)

        try:
            outcomes = await asyncio.gather(*(one(p) for _i, p in pending))
        finally:
            if observer is not None:
                observer.finish()
    return [(i, o) for (i, _p), o in zip(pending, outcomes, strict=True)]


async def fetch_source(session: Session, url: str, probe: Probe) -> Fetched:
    """A URL the user gave: fetch, recognise by content, then gather its material."""
    origin = Origin.of(url)
    try:
        resp = await session.client.get(url, origin=origin, accept=ACCEPT_CREDENTIAL,
                                        max_bytes=session.client.policy.max_source_bytes,
                                        user_given=True, allow_status=(410,))
    except HttpStatusError as exc:
        raise type(exc)(f"{exc.message}: nothing to import", exc.status, hint=exc.hint) from None
    if resp.status == 410:
        raise BadInput(f"{url}: HTTP 410 Gone: the issuer has withdrawn (revoked) this "
                       "credential; nothing to import")
    # An HTML badge page leads to the credential it embeds or links (fetch/pages.py).
    found = await credential_of(session, resp, origin, _recognise_response)
    rec, resp = found.rec, found.resp
    fetched = Fetched(rec, url)
    fetched.warnings += resp.warnings
    fetcher = Fetcher(session, origin)
    if rec.document is None and rec.hosted_url:
        rec = await _complete_hosted(fetcher, rec)
        fetched.recognised = rec
    elif rec.format in ("ob2-hosted", "ob1-hosted") and rec.document is not None \
            and not found.embedded:
        # The response stands for the hosted copy only if it was requested at the id itself;
        # otherwise verification asks for the id (never cache a body under an id it claims).
        aid = rec.document.get("id") if rec.format == "ob2-hosted" else rec.hosted_url
        if aid == resp.url:
            fetcher.add_response(aid, Kind.ASSERTION, resp)
    return await _derive(fetcher, fetched, probe)


async def gather(session: Session, fetched: Fetched, probe: Probe) -> Fetched:
    """Material for a source already in hand (a file, stdin)."""
    fetcher = Fetcher(session, Origin.of(fetched.source))
    if fetched.recognised.document is None and fetched.recognised.hosted_url:
        fetched.recognised = await _complete_hosted(fetcher, fetched.recognised)
    return await _derive(fetcher, fetched, probe)


async def _derive(fetcher: Fetcher, fetched: Fetched, probe: Probe) -> Fetched:
    await derive(fetcher, fetched.recognised, probe)
    fetched.material.update(fetcher.out.material)
    fetched.warnings += [w for w in fetcher.out.warnings if w not in fetched.warnings]
    fetched.network_errors += fetcher.out.network_errors
    if fetched.image_url is None:
        fetched.image_url = fetcher.out.image_url
    return fetched


async def _complete_hosted(fetcher: Fetcher, rec: Recognised) -> Recognised:
    """Legacy baked image holding only the assertion URL: fetch the assertion it names.

    Part of recognising the source, not of verifying it (there is nothing to verify until the
    assertion is in hand), so this one fetch is not derived from verification.
    """
    url = (rec.hosted_url or "").split("#", 1)[0]
    await fetcher.need(Need(url, Kind.ASSERTION))
    cached = fetcher.out.material.get(url)
    if cached is None:
        problems = "; ".join(fetcher.out.warnings[-1:])
        raise BadInput(f"baked image points at {url}, which could not be fetched ({problems})")
    if cached.http_status == 410:
        raise BadInput(f"baked image points at {url}: HTTP 410 Gone (revoked); nothing to import")
    try:
        full = recognise(cached.body_bytes(), url)
    except BadInput:
        raise BadInput(f"baked image points at {url}, which is not an assertion") from None
    if not full.format.startswith(("ob2-", "ob1-")):
        raise BadInput(f"baked image points at {url}, which is not an Open Badges assertion")
    full.image, full.image_media_type = rec.image, rec.image_media_type
    return full


def _recognise_response(resp: Response) -> Recognised:
    try:
        return recognise(resp.body, resp.final_url)
    except BadInput as exc:
        media = f" (served as {resp.media_type})" if resp.media_type else ""
        raise type(exc)(f"{resp.url}{media}: {exc.message}") from None
