"""One document at a time, under the network rules: what a verifier asked for, fetched and cached.

`Fetcher.need(Need(url, kind))` fetches the document a verification request named (see
`credwallet.material`: the kind's `Rule` says which Accept header, whether a 410 answer is kept,
whether a did:web on a loopback host is asked over plain http). Nothing here knows a credential
format: which documents a credential needs is decided by its verifier (`fetch/rounds.py`).

Every document is cached under the URL that was requested (with the final URL after
redirects), never under an id the document claims. One URL needed as several JSON kinds is
fetched once and cached as the kind that matters most (`material.KIND_ORDER`); needed as an image
too, it is fetched again as an image, and the image gives way: it moves to `image:<url>`
(`credwallet.material.place_document`), so no credential's status list or key is ever
replaced by, or cached as, someone's picture.

A missing document is not fatal here: it becomes a warning, and verification (offline, later)
says what could not be checked. did:web implies https; a did:web on a loopback host is fetched
over plain http so a local issuer (and the test suite) works, and is cached under the https URL.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from credwallet.errors import CredwalletError, NetworkError
from credwallet.fetch.client import (
    ACCEPT_DID,
    ACCEPT_IMAGE,
    ACCEPT_JSON,
    Client,
    HttpStatusError,
    Response,
)
from credwallet.fetch.guard import Origin
from credwallet.ingest.html import looks_like_html
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import recognise_jws
from credwallet.material import (
    IMAGE_PREFIX,
    Accept,
    Kind,
    Need,
    Rule,
    place_document,
    rank,
    rule,
)
from credwallet.models.entry import CachedDocument

IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp")
# A status list credential may be served as JSON or as a VC-JWT (compact JWS).
ACCEPT_STATUS_LIST = ("application/ld+json, application/vc+ld+json;q=0.95, application/json;q=0.9, "
                      "application/vc+jwt;q=0.9, application/vc;q=0.8, */*;q=0.1")
# An IETF Token Status List Token: only the JWT form is verified (the CWT form is refused by name).
ACCEPT_TOKEN_STATUS_LIST = "application/statuslist+jwt, application/jwt;q=0.5"
# An Open Badges 1.x key: servers answered with whatever they had for a .pem file.
ACCEPT_PEM = "application/x-pem-file, application/pkix-key+pem;q=0.95, text/plain;q=0.9, */*;q=0.1"
ACCEPT_HEADERS = {Accept.JSON: ACCEPT_JSON, Accept.DID: ACCEPT_DID,
                  Accept.STATUS_LIST: ACCEPT_STATUS_LIST, Accept.PEM: ACCEPT_PEM,
                  Accept.TOKEN_STATUS_LIST: ACCEPT_TOKEN_STATUS_LIST, Accept.IMAGE: ACCEPT_IMAGE}


@dataclass
class Gathered:
    material: dict[str, CachedDocument] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    network_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # every fetch that failed, any reason
    image_url: str | None = None  # the badge / achievement image, if one was fetched


class Session:
    """One command's fetches: requests are shared between sources with the same origin.

    `skip_kinds`: kinds never fetched in this command (refresh: pinned contexts, images).
    """

    def __init__(self, client: Client, *, skip_kinds: frozenset[Kind] = frozenset()) -> None:
        self.client = client
        self.skip_kinds = skip_kinds
        self._tasks: dict[tuple[str, Origin, str, int, tuple[int, ...]],
                          asyncio.Task[Response]] = {}

    async def get(self, url: str, origin: Origin, *, accept: str, max_bytes: int,
                  allow_status: tuple[int, ...] = ()) -> Response:
        key = (url, origin, accept, max_bytes, allow_status)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self.client.get(
                url, origin=origin, accept=accept, max_bytes=max_bytes, allow_status=allow_status))
            self._tasks[key] = task
        return await asyncio.shield(task)


class Fetcher:
    """The documents of one credential (and its contents): at most `max_documents` of them."""

    def __init__(self, session: Session, origin: Origin) -> None:
        self.s = session
        self.origin = origin
        self.out = Gathered()
        self._slots: dict[str, asyncio.Future[bool]] = {}
        self._image_at: dict[str, str] = {}  # image URL -> material key it is cached under

    async def need(self, need: Need) -> bool:
        """Fetch what `need` names into the material; True when the material changed.

        Each document is fetched once per credential even when several requests (running
        concurrently) name it: later callers await the first fetch. An image is a separate
        fetch (other Accept, other size cap) from the same URL's JSON document.
        """
        url = need.url.split("#", 1)[0]
        if not url.lower().startswith(("http://", "https://")):
            return False
        slot = IMAGE_PREFIX + url if need.kind is Kind.IMAGE else url
        pending = self._slots.get(slot)
        if pending is not None:
            await asyncio.shield(pending)
            return need.kind is not Kind.IMAGE and self._promote(url, need.kind)
        if need.kind in self.s.skip_kinds:
            return False
        if len(self._slots) >= self.s.client.policy.max_documents:
            self.out.warnings.append(f"stopped at {self.s.client.policy.max_documents} "
                                     f"linked documents; {url} was not cached")
            return False
        pending = asyncio.ensure_future(self._fetch(url, need.kind, need.subject))
        self._slots[slot] = pending
        return await asyncio.shield(pending)

    def _promote(self, key: str, kind: Kind) -> bool:
        """A later, more important use of the same document decides its kind."""
        cached = self.out.material.get(key)
        if cached is not None and cached.kind != Kind.IMAGE and rank(kind) < rank(cached.kind):
            self.out.material[key] = cached.model_copy(update={"kind": kind.value})
            return True
        return False

    def _put(self, key: str, doc: CachedDocument) -> None:
        for old, new in place_document(self.out.material, key, doc).items():
            if self.out.image_url == old:
                self.out.image_url = new
            self._image_at[old] = new
        if doc.kind == Kind.IMAGE:
            self._image_at.setdefault(key, key)

    def _failed(self, what: str, exc: CredwalletError) -> None:
        self.out.warnings.append(f"{what} not cached: {exc.message}")
        self.out.failures.append(exc.message)
        # 429 is the server asking for time, like a 5xx: the document may come later.
        transient = not isinstance(exc, HttpStatusError) or exc.status >= 500 or exc.status == 429
        if isinstance(exc, NetworkError) and transient:
            self.out.network_errors.append(exc.message)

    async def _fetch(self, url: str, kind: Kind, subject: str | None) -> bool:
        how = rule(kind)
        image = how.accept is Accept.IMAGE
        policy = self.s.client.policy
        try:
            fetch_url = await self._where(url, how)
            resp = await self.s.get(fetch_url, self.origin, accept=ACCEPT_HEADERS[how.accept],
                                    max_bytes=policy.max_image_bytes if image else
                                    policy.max_document_bytes,
                                    allow_status=(410,) if how.keep_gone else ())
        except CredwalletError as exc:
            self._failed(f"{kind} {url}", exc)
            return False
        if not image and how.accept is not Accept.PEM:
            resp = await self._plain_json(fetch_url, resp)
        self.out.warnings += [w for w in resp.warnings if w not in self.out.warnings]
        if not self._usable(resp, kind, url):
            return False
        final = resp.final_url if resp.final_url != fetch_url else None
        doc = CachedDocument.make(url, kind.value, resp.body, resp.fetched_at,
                                  media_type=resp.media_type, http_status=resp.status,
                                  final_url=final or (fetch_url if fetch_url != url else None))
        self._put(url, doc)
        if how.under_subject and subject and subject not in self.out.material:
            self.out.material[subject] = doc.model_copy(update={"url": subject, "final_url": url})
        if how.pinned and resp.status == 200:
            self.out.warnings.append(
                f"{kind} {url} is not bundled with credwallet: cached from the network "
                f"and pinned (sha256 {doc.sha256[:16]}...)")
        return True

    async def _plain_json(self, url: str, resp: Response) -> Response:
        """A host that answers HTML unless Accept is exactly application/json is asked once
        more that way, at the same URL (so the document still comes from its own id)."""
        if resp.status != 200 or not looks_like_html(resp.body, resp.media_type):
            return resp
        try:
            again = await self.s.get(url, self.origin, accept="application/json",
                                     max_bytes=self.s.client.policy.max_document_bytes)
        except CredwalletError:
            return resp
        return resp if looks_like_html(again.body, again.media_type) else again

    async def _where(self, url: str, how: Rule) -> str:
        """The URL to ask: did:web implies https, but a loopback host is asked over http."""
        if how.loopback_http and url.startswith("https://") and \
                await self.s.client.guard.is_loopback(url):
            return "http://" + url.removeprefix("https://")
        return url

    def _usable(self, resp: Response, kind: Kind, url: str) -> bool:
        """False for an image that is not one (not kept); a JSON kind whose body is unusable is
        kept (verification says what it lacks) with a warning."""
        accept = rule(kind).accept
        if accept is Accept.IMAGE:
            if not _is_image(resp):
                self.out.warnings.append(f"image {url} is not an image ({resp.media_type}); "
                                         "not kept")
                return False
            return True
        problem = _unusable(resp.body, accept, f"{kind} {url}") if resp.status == 200 else None
        if problem:
            self.out.warnings.append(f"{kind} {url} cached but unusable: {problem}")
        return True

    def add_response(self, url: str, kind: Kind, resp: Response) -> None:
        """Cache a response already in hand (the user's own URL) under `url`."""
        final = resp.final_url if resp.final_url != url else None
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        done.set_result(True)
        self._slots[url] = done
        self._put(url, CachedDocument.make(
            url, kind.value, resp.body, resp.fetched_at, media_type=resp.media_type,
            http_status=resp.status, final_url=final))

    async def image(self, url: str, *, badge: bool = False) -> None:
        """An image the display shows (`badge`: the credential's own picture)."""
        await self.need(Need(url, Kind.IMAGE))
        where = self._image_at.get(url.split("#", 1)[0])
        if badge and self.out.image_url is None and where is not None:
            self.out.image_url = where


def _unusable(body: bytes, accept: Accept, what: str) -> str | None:
    """Why a 200 body cannot be what was asked for (None when it can): JSON, or for a status
    list a VC-JWT (compact JWS) too; for a PEM key, PEM text; for a Token Status List, a
    compact JWS (verification says what else it lacks)."""
    if accept is Accept.PEM:
        return None if body.lstrip().startswith(b"-----BEGIN ") else "not a PEM public key"
    if accept is Accept.TOKEN_STATUS_LIST:
        return None if _looks_compact(body) else "not a Status List Token in JWT form"
    if looks_like_html(body):
        return "the server answered with an HTML page, not JSON"
    try:
        loads(body, what=what)
        return None
    except CredwalletError as exc:
        if accept is Accept.STATUS_LIST:
            try:
                recognise_jws(body.decode("ascii").strip())
                return None
            except (UnicodeDecodeError, CredwalletError):
                pass
        return exc.message


def _looks_compact(body: bytes) -> bool:
    parts = body.strip().split(b".")
    return len(parts) == 3 and all(p and p.replace(b"-", b"").replace(b"_", b"").isalnum()
                                   and p.isascii() for p in parts)


def _is_image(resp: Response) -> bool:
    body = resp.body
    if body.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or body[:4] == b"RIFF":
        return True
    head = body[:512].lstrip().lower()
    return resp.media_type in IMAGE_TYPES and (resp.media_type != "image/svg+xml" or
                                               b"<svg" in head or head.startswith(b"<?xml"))
