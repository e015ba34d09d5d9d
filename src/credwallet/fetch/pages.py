"""From the link an issuer e-mailed to the credential behind it.

The user's URL may answer with an HTML badge page instead of the credential. Then, in this
order, and never more than one step away from the page (a page found on the way is not read):

1. a credential embedded in the page (`<script type="application/ld+json">`): used when
   exactly one block is a credential. It is never taken as the hosted copy of an assertion:
   verification still fetches that from the assertion's own `id`.
2. `<link rel="alternate">` with a JSON(-LD) type: the first `MAX_ALTERNATES` are tried in
   page order, each as a link found in fetched content (the network rules for links apply:
   a private address is refused unless it is the source's own endpoint or --allow-host).
3. with neither, the same URL asked the ways JSON-only hosts expect: an Accept of exactly
   `application/json`, `?format=json` (Badgr / Canvas Credentials), `<path>.json`.

Images the page shows (`og:image`, a download link) are not followed: the badge artwork is
usually not the baked credential, and which of several links is "the" credential would depend
on page layout. The error names the page's title and the first download-like link instead.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Callable

from credwallet.errors import BadInput, CredwalletError, NetworkError, UnsupportedFormat
from credwallet.fetch.client import ACCEPT_CREDENTIAL, Response
from credwallet.fetch.documents import Session
from credwallet.fetch.guard import Origin
from credwallet.ingest.html import Page, looks_like_html, read_page
from credwallet.ingest.sniff import Recognised, recognise

MAX_ALTERNATES = 3
ACCEPT_PLAIN_JSON = "application/json"


class Found:
    """The credential behind the user's URL: the response it came in, what it is, and whether
    it came embedded in a page (then it is not a copy served at its own URL)."""

    def __init__(self, resp: Response, rec: Recognised, *, embedded: bool = False) -> None:
        self.resp, self.rec, self.embedded = resp, rec, embedded


async def credential_of(session: Session, resp: Response, origin: Origin,
                        recognise_response: Callable[[Response], Recognised]) -> Found:
    """The credential `resp` (the answer to the user's URL) is, or leads to."""
    try:
        return Found(resp, recognise_response(resp))
    except BadInput as exc:
        if not looks_like_html(resp.body, resp.media_type):
            raise
        first = exc
    page = read_page(resp.body, resp.final_url, resp.charset)
    found = _embedded(page, resp)
    if found is None:
        # One deadline for everything the page leads to, as for a single request.
        limit = session.client.policy.total_timeout
        try:
            async with asyncio.timeout(limit):
                found = await (_alternates(session, page, origin) if page.alternates else
                               _guesses(session, resp, origin))
        except TimeoutError:
            raise NetworkError(f"{resp.url}: the credential behind this web page did not "
                               f"arrive within {limit:g} s") from None
    if found is None:
        raise _no_credential(resp, page) from first
    return found


def _embedded(page: Page, resp: Response) -> Found | None:
    hits: list[Recognised] = []
    for block in page.blocks:
        try:
            hits.append(recognise(block.strip().encode("utf-8"), resp.final_url))
        except (CredwalletError, UnicodeError):
            continue  # schema.org descriptions and the like: not a credential
    if len(hits) > 1:
        raise BadInput(f"{resp.url}: the page embeds {len(hits)} credentials; save the one "
                       "you want as a file and import that")
    if not hits:
        return None
    body = hits[0].raw
    inner = Response(url=resp.url, final_url=resp.final_url, status=resp.status,
                     media_type="application/ld+json", body=body, fetched_at=resp.fetched_at,
                     warnings=list(resp.warnings))
    return Found(inner, hits[0], embedded=True)


async def _alternates(session: Session, page: Page, origin: Origin) -> Found:
    """The first alternate that is a credential; else the first alternate's problem."""
    problem: CredwalletError | None = None
    for url in page.alternates[:MAX_ALTERNATES]:
        try:
            found = await _try(session, url, origin)
        except CredwalletError as exc:
            problem = problem or exc
            continue
        if found is not None:
            return found
        problem = problem or UnsupportedFormat(f"{url}, linked as the page's JSON version, is "
                                               "not a credential")
    assert problem is not None
    raise problem


async def _guesses(session: Session, resp: Response, origin: Origin) -> Found | None:
    """The URL the user gave asked for plain JSON (a host negotiating on that exact Accept
    may redirect to the page otherwise), then the page's own URL with `?format=json` and
    `.json` (the spellings Badgr-style hosts accept)."""
    parts = urllib.parse.urlsplit(resp.final_url.split("#", 1)[0])
    query = f"{parts.query}&format=json" if parts.query else "format=json"
    tries = [(resp.url.split("#", 1)[0], ACCEPT_PLAIN_JSON),
             (parts._replace(query=query).geturl(), None)]
    if parts.path and not parts.path.endswith("/") and "." not in parts.path.rsplit("/", 1)[-1]:
        tries.append((parts._replace(path=parts.path + ".json").geturl(), None))
    for guess, accept in tries:
        try:
            found = await _try(session, guess, origin, accept=accept)
        except CredwalletError:
            continue  # a guess that fails says nothing about the page
        if found is not None:
            return found
    return None


async def _try(session: Session, url: str, origin: Origin, *,
               accept: str | None = None) -> Found | None:
    """`url` fetched as a link of the page; None when it is not a credential (a page too)."""
    client = session.client
    resp = await client.get(url, origin=origin, accept=accept or ACCEPT_CREDENTIAL,
                            max_bytes=client.policy.max_source_bytes)
    if looks_like_html(resp.body, resp.media_type):
        return None
    try:
        return Found(resp, recognise(resp.body, resp.final_url))
    except BadInput:
        return None


def _no_credential(resp: Response, page: Page) -> UnsupportedFormat:
    title = f' "{page.title}"' if page.title else ""
    media = f" (served as {resp.media_type})" if resp.media_type else ""
    where = f": {page.links[0]}" if page.links else ""
    return UnsupportedFormat(
        f"{resp.url}{media} is the web page{title}, not a credential, and it neither embeds nor "
        "links one credwallet can read",
        hint="on that page, use the badge's download, \"Open Badge\" or JSON link and import "
             f"the file or URL it gives{where}")

__all__ = ["Found", "credential_of"]
