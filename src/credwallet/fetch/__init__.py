"""The only network code: fetch URL sources and the material offline verification needs.

    complete(pending, insecure_http=..., progress=...) -> [(index, Fetched | CredwalletError)]

`pending` holds `(index, Fetched)` for local sources (only their material is fetched) and
`(index, url)` for URLs. Sources run concurrently (asyncio, a bounded number of requests in
flight); one source's failure never affects another. `progress` may be an observer with
`start(total)`, `advance(source)` and `finish()` (the CLI passes a rich progress bar).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

import httpx

from credwallet.errors import BadInput, CredwalletError
from credwallet.fetch.client import ACCEPT_CREDENTIAL, Client, HttpStatusError, Response
from credwallet.fetch.graph import Session, Walker
from credwallet.fetch.guard import AllowedHost, Origin, Resolver
from credwallet.fetch.policy import FetchPolicy
from credwallet.ingest.sniff import Recognised, recognise
from credwallet.material import Fetched

__all__ = ["AllowedHost", "FetchPolicy", "Observer", "complete", "fetch_source", "gather"]


class Observer(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, source: str) -> None: ...
    def finish(self) -> None: ...


def complete(pending: Sequence[tuple[int, Fetched | str]], *, insecure_http: bool = False,
             progress: bool | Observer = False, policy: FetchPolicy | None = None,
             transport: httpx.AsyncBaseTransport | None = None,
             resolver: Resolver | None = None, allow_hosts: Sequence[AllowedHost] = (),
             ) -> list[tuple[int, Fetched | CredwalletError]]:
    """Fetch every URL source and every source's material; results in `pending` order.

    `allow_hosts` (--allow-host): hosts whose private addresses links may reach (guard.py).
    """
    observer = progress if not isinstance(progress, bool) else None
    return asyncio.run(_complete(list(pending), insecure_http=insecure_http, observer=observer,
                                 policy=policy, transport=transport, resolver=resolver,
                                 allow_hosts=allow_hosts))


async def _complete(pending: list[tuple[int, Fetched | str]], *, insecure_http: bool,
                    observer: Observer | None, policy: FetchPolicy | None,
                    transport: httpx.AsyncBaseTransport | None, resolver: Resolver | None,
                    allow_hosts: Sequence[AllowedHost] = (),
                    ) -> list[tuple[int, Fetched | CredwalletError]]:
    async with Client(policy, insecure_http=insecure_http, transport=transport,
                      resolver=resolver, allow_hosts=allow_hosts) as client:
        session = Session(client)
        if observer is not None:
            observer.start(len(pending))

        async def one(item: Fetched | str) -> Fetched | CredwalletError:
            try:
                if isinstance(item, str):
                    return await fetch_source(session, item)
                return await gather(session, item)
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


async def fetch_source(session: Session, url: str) -> Fetched:
    """A URL the user gave: fetch, recognise by content, then gather its material."""
    origin = Origin.of(url)
    try:
        resp = await session.client.get(url, origin=origin, accept=ACCEPT_CREDENTIAL,
                                        max_bytes=session.client.policy.max_source_bytes,
                                        user_given=True, allow_status=(410,))
    except HttpStatusError as exc:
        raise type(exc)(f"{exc.message}: nothing to import", exc.status) from None
    if resp.status == 410:
        raise BadInput(f"{url}: HTTP 410 Gone: the issuer has withdrawn (revoked) this "
                       "credential; nothing to import")
    rec = _recognise_response(resp)
    fetched = Fetched(rec, url)
    fetched.warnings += resp.warnings
    walker = Walker(session, origin)
    if rec.document is None and rec.hosted_url:
        rec = await _complete_hosted(walker, rec)
        fetched.recognised = rec
    elif rec.format == "ob2-hosted" and rec.document is not None:
        # The response stands for the hosted copy only if it was requested at the id itself;
        # otherwise the walk fetches the id (never cache a body under an id it claims).
        aid = rec.document.get("id")
        if aid == url:
            walker.add_response(aid, "assertion", resp)
    return await _walk(walker, fetched)


async def gather(session: Session, fetched: Fetched) -> Fetched:
    """Material for a source already in hand (a file, stdin)."""
    walker = Walker(session, Origin.of(fetched.source))
    if fetched.recognised.document is None and fetched.recognised.hosted_url:
        fetched.recognised = await _complete_hosted(walker, fetched.recognised)
    return await _walk(walker, fetched)


async def _walk(walker: Walker, fetched: Fetched) -> Fetched:
    await walker.walk(fetched.recognised)
    fetched.material.update(walker.out.material)
    fetched.warnings += [w for w in walker.out.warnings if w not in fetched.warnings]
    fetched.network_errors += walker.out.network_errors
    if fetched.image_url is None:
        fetched.image_url = walker.out.image_url
    return fetched


async def _complete_hosted(walker: Walker, rec: Recognised) -> Recognised:
    """Legacy baked image holding only the assertion URL: fetch the assertion it names."""
    url = rec.hosted_url or ""
    doc = await walker.doc(url, "assertion", allow_status=(410,))
    cached = walker.out.material.get(url.split("#", 1)[0])
    if cached is None:
        problems = "; ".join(walker.out.warnings[-1:])
        raise BadInput(f"baked image points at {url}, which could not be fetched ({problems})")
    if cached.http_status == 410:
        raise BadInput(f"baked image points at {url}: HTTP 410 Gone (revoked); nothing to import")
    if not isinstance(doc, dict):
        raise BadInput(f"baked image points at {url}, which is not an assertion")
    full = recognise(cached.body_bytes(), url)
    if not full.format.startswith("ob2-"):
        raise BadInput(f"baked image points at {url}, which is not an Open Badges assertion")
    full.image, full.image_media_type = rec.image, rec.image_media_type
    return full


def _recognise_response(resp: Response) -> Recognised:
    try:
        return recognise(resp.body, resp.final_url)
    except BadInput as exc:
        media = f" (served as {resp.media_type})" if resp.media_type else ""
        raise type(exc)(f"{resp.url}{media}: {exc.message}") from None
