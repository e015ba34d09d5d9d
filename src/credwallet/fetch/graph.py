"""The issuer graph: every document a credential's offline verification will need.

OB 2.0: hosted assertion (always from its own id; 410 kept as such), BadgeClass (from its id
when that is a URL, even if embedded), Issuer profile (always from its id, even if the
BadgeClass or a signed token embeds it: only a profile served at its own id may bind a key
or a hosting scope), the signing CryptographicKey (`verification.creator`) and its owner,
the issuer's revocationList, images.
OB 3.0 / VC: did:web documents (from the did.json URL `verify.keys` computes; cached under
it and under the DID itself), HTTP(S) verification-method and controller documents, an
https issuer id (its profile / controller document, even when the credential embeds a
profile), status list credentials (and what *their* proofs need), JSON-LD contexts that are
not bundled (pinned by digest, with a warning), achievement and issuer images.
SD-JWT VC: the JWT VC Issuer Metadata of an https `iss` (`/.well-known/jwt-vc-issuer` inserted
before the path, per the draft) and the JWK Set its `jwks_uri` names, when the metadata's
`issuer` is that `iss`; a did:web `iss` (and `kid`) as for VC-JWT. An `x5c` chain needs nothing
fetched. Type Metadata (`vct`) and IETF Token Status Lists are not fetched (not verified).

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
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

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
from credwallet.formats import Family, is_known, spec
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sdjwt import jwt_vc_issuer_metadata_url
from credwallet.ingest.sniff import Recognised, as_list, recognise_jws, types_of, with_jwt_claims
from credwallet.material import IMAGE_PREFIX, place_document, rank
from credwallet.models.entry import CachedDocument

IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp")
MAX_STATUS_DEPTH = 1  # a status list's own status is not followed
# A status list credential may be served as JSON or as a VC-JWT (compact JWS).
ACCEPT_STATUS_LIST = ("application/ld+json, application/vc+ld+json;q=0.95, application/json;q=0.9, "
                      "application/vc+jwt;q=0.9, application/vc;q=0.8, */*;q=0.1")


@dataclass
class Gathered:
    material: dict[str, CachedDocument] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    network_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # every fetch that failed, any reason
    image_url: str | None = None  # the badge / achievement image, if one was fetched


class Session:
    """One command's fetches: requests are shared between sources with the same origin."""

    def __init__(self, client: Client, *, skip_kinds: frozenset[str] = frozenset()) -> None:
        self.client = client
        self.skip_kinds = skip_kinds
        self._tasks: dict[tuple[str, Origin, str, int, tuple[int, ...]],
                          asyncio.Task[Response]] = {}
        self._bundled: set[str] | None = None

    def bundled(self) -> set[str]:
        if self._bundled is None:
            from credwallet.verify.contexts import bundled_context_hashes

            self._bundled = set(bundled_context_hashes())
        return self._bundled

    async def get(self, url: str, origin: Origin, *, accept: str, max_bytes: int,
                  allow_status: tuple[int, ...] = ()) -> Response:
        key = (url, origin, accept, max_bytes, allow_status)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self.client.get(
                url, origin=origin, accept=accept, max_bytes=max_bytes, allow_status=allow_status))
            self._tasks[key] = task
        return await asyncio.shield(task)


class Walker:
    """Gathers the material of one credential (and its contained credentials)."""

    def __init__(self, session: Session, origin: Origin) -> None:
        self.s = session
        self.origin = origin
        self.out = Gathered()
        self._docs: dict[str, asyncio.Future[Any]] = {}
        self._image_at: dict[str, str] = {}  # image URL -> material key it is cached under

    # --- fetching -----------------------------------------------------------------------

    async def doc(self, url: Any, kind: str, *, accept: str = ACCEPT_JSON,
                  allow_status: tuple[int, ...] = (), key: str | None = None,
                  fetch_url: str | None = None) -> Any:
        """Fetch `url` into the material as `kind`; return its parsed JSON (None if unusable).

        Each document is fetched once per credential even when several branches of the walk
        (running concurrently) ask for it: later callers await the first fetch. An image is
        a separate fetch (other Accept, other size cap) from the same URL's JSON document.
        """
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            return None
        url = url.split("#", 1)[0]
        store_key = key or url
        slot = IMAGE_PREFIX + store_key if kind == "image" else store_key
        pending = self._docs.get(slot)
        if pending is None:
            if kind in self.s.skip_kinds:
                return None
            if len(self._docs) >= self.s.client.policy.max_documents:
                self.out.warnings.append(f"stopped at {self.s.client.policy.max_documents} "
                                         f"linked documents; {url} was not cached")
                return None
            pending = asyncio.ensure_future(self._fetch(url, kind, accept, allow_status,
                                                        store_key, fetch_url))
            self._docs[slot] = pending
        parsed = await asyncio.shield(pending)
        if kind != "image":
            self._promote(store_key, kind)
        return parsed

    def _promote(self, key: str, kind: str) -> None:
        """A later, more important use of the same document decides its kind."""
        cached = self.out.material.get(key)
        if cached is not None and cached.kind != "image" and rank(kind) < rank(cached.kind):
            self.out.material[key] = cached.model_copy(update={"kind": kind})

    def _put(self, key: str, doc: CachedDocument) -> None:
        for old, new in place_document(self.out.material, key, doc).items():
            if self.out.image_url == old:
                self.out.image_url = new
            self._image_at[old] = new
        if doc.kind == "image":
            self._image_at.setdefault(key, key)

    async def _fetch(self, url: str, kind: str, accept: str, allow_status: tuple[int, ...],
                     store_key: str, fetch_url: str | None) -> Any:
        image = kind == "image"
        cap = self.s.client.policy.max_image_bytes if image else \
            self.s.client.policy.max_document_bytes
        try:
            resp = await self.s.get(fetch_url or url, self.origin, accept=accept, max_bytes=cap,
                                    allow_status=allow_status)
        except CredwalletError as exc:
            self.out.warnings.append(f"{kind} {url} not cached: {exc.message}")
            self.out.failures.append(exc.message)
            transient = not isinstance(exc, HttpStatusError) or exc.status >= 500
            if isinstance(exc, NetworkError) and transient:
                self.out.network_errors.append(exc.message)
            return None
        self.out.warnings += [w for w in resp.warnings if w not in self.out.warnings]
        parsed: Any = None
        if image:
            if not _is_image(resp):
                self.out.warnings.append(f"image {url} is not an image ({resp.media_type}); "
                                         "not kept")
                return None
        elif resp.status == 200:
            try:
                parsed = loads(resp.body, what=f"{kind} {url}")
            except CredwalletError as exc:
                parsed = _jwt_status_list(resp.body) if kind == "status_list" else None
                if parsed is None:
                    self.out.warnings.append(f"{kind} {url} cached but unusable: {exc.message}")
        final = resp.final_url if resp.final_url != url else None
        self._put(store_key, CachedDocument.make(
            store_key, kind, resp.body, resp.fetched_at, media_type=resp.media_type,
            http_status=resp.status, final_url=final or (fetch_url if fetch_url != url else None)))
        return parsed

    def add_response(self, url: str, kind: str, resp: Response) -> None:
        """Cache a response already in hand (the user's own URL) under `url`."""
        final = resp.final_url if resp.final_url != url else None
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        self._docs[url] = done
        self._put(url, CachedDocument.make(
            url, kind, resp.body, resp.fetched_at, media_type=resp.media_type,
            http_status=resp.status, final_url=final))

    async def did(self, did: Any) -> Any:
        """did:web document, cached under its https did.json URL and under the DID."""
        if not isinstance(did, str) or not did.startswith("did:web:"):
            return None
        from credwallet.verify.keys import KeyUnavailable, did_web_url

        bare = did.split("#", 1)[0]
        try:
            url = did_web_url(bare)
        except KeyUnavailable as exc:
            self.out.warnings.append(str(exc))
            return None
        fetch_url = url
        try:
            if await self.s.client.guard.is_loopback(url):
                fetch_url = "http://" + url.removeprefix("https://")
        except CredwalletError as exc:
            self.out.warnings.append(f"did {bare} not cached: {exc.message}")
            if isinstance(exc, NetworkError):
                self.out.network_errors.append(exc.message)
            self.out.failures.append(exc.message)
            return None
        parsed = await self.doc(url, "did", accept=ACCEPT_DID, fetch_url=fetch_url)
        cached = self.out.material.get(url)
        if cached is not None and bare not in self.out.material:
            self.out.material[bare] = cached.model_copy(update={"url": bare, "final_url": url})
        if isinstance(parsed, dict) and parsed.get("id") != bare:
            self.out.warnings.append(f"DID document at {url} names itself {parsed.get('id')!r}, "
                                     f"not {bare}")
        return parsed

    async def key_ref(self, ref: Any) -> None:
        """A verification method (DID URL or HTTP(S) URL) and its controller document."""
        if not isinstance(ref, str):
            return
        if ref.startswith("did:web:"):
            await self.did(ref)
            return
        doc = await self.doc(ref, "key")
        if isinstance(doc, dict):
            vm = _find(doc, ref)
            controller = vm.get("controller") if isinstance(vm, dict) else None
            if isinstance(controller, str) and controller.split("#", 1)[0] != ref.split("#", 1)[0]:
                if controller.startswith("did:web:"):
                    await self.did(controller)
                else:
                    await self.doc(controller, "key")

    async def image(self, ref: Any, *, badge: bool = False) -> None:
        url = ref.get("id") if isinstance(ref, dict) else ref
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            return  # data: URIs are already inside the credential
        await self.doc(url, "image", accept=ACCEPT_IMAGE)
        where = self._image_at.get(url.split("#", 1)[0])
        if badge and self.out.image_url is None and where is not None:
            self.out.image_url = where

    # --- credential families ------------------------------------------------------------

    async def walk(self, rec: Recognised, depth: int = 0) -> None:
        fmt = rec.format
        doc = rec.document or {}
        if fmt.startswith("ob2-"):
            main = self.ob2(doc, signed=fmt == "ob2-signed")
        elif is_known(fmt) and spec(fmt).family is Family.SD_JWT_VC:
            main = self.sd_jwt_vc(rec.jwt_header or {}, rec.jwt_payload or {})
        else:
            main = self.vc(doc, rec.jwt_header, rec.jwt_payload, depth)
        await asyncio.gather(main, *(self.walk(child, depth) for child in rec.children))

    async def ob2(self, assertion: dict[str, Any], *, signed: bool) -> None:
        # Independent branches run concurrently; each document is still fetched once.
        branches = [self._ob2_badge(assertion.get("badge"))]
        if not signed:
            # The hosted copy at the assertion's own id is what hosted verification checks.
            branches.append(self.doc(assertion.get("id"), "assertion", allow_status=(410,)))
        verification = assertion.get("verification")
        if signed and isinstance(verification, dict):
            branches.append(self._ob2_key(verification.get("creator")))
        await asyncio.gather(*branches)

    async def _ob2_badge(self, badge: Any) -> None:
        """The BadgeClass from its id (embedded copies too), then every issuer profile either
        copy names, each from its own id: an embedded profile binds nothing."""
        embedded = badge if isinstance(badge, dict) else None
        fetched = await self.doc(badge.get("id") if embedded is not None else badge,
                                 "badgeclass")
        copies = [c for c in (fetched, embedded) if isinstance(c, dict)]
        if not copies:
            return
        issuers: dict[str, Any] = {}
        for copy in copies:
            issuer = copy.get("issuer")
            iid = issuer.get("id") if isinstance(issuer, dict) else issuer
            if isinstance(iid, str):
                issuers.setdefault(iid, issuer if isinstance(issuer, dict) else None)
        image = next((c.get("image") for c in copies if c.get("image")), None)
        await asyncio.gather(self.image(image, badge=True),
                             *(self._ob2_issuer(iid, emb) for iid, emb in issuers.items()))

    async def _ob2_issuer(self, issuer_id: str, embedded: dict[str, Any] | None) -> None:
        profile = await self.doc(issuer_id, "issuer")
        # Links come from the profile served at its id; an embedded copy only stands in
        # (for the revocation list and image) when that fetch failed.
        links = profile if isinstance(profile, dict) else embedded
        if isinstance(links, dict):
            await asyncio.gather(self.doc(links.get("revocationList"), "revocation_list"),
                                 self.image(links.get("image")))

    async def _ob2_key(self, creator: Any) -> None:
        key = await self.doc(creator, "key")
        owner = key.get("owner") if isinstance(key, dict) else None
        if isinstance(owner, str):
            await self.doc(owner, "issuer")

    async def vc(self, doc: dict[str, Any], header: dict[str, Any] | None,
                 payload: dict[str, Any] | None, depth: int) -> None:
        issuer = doc.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if not isinstance(issuer_id, str) and payload is not None:
            issuer_id = payload.get("iss")
        branches: list[Any] = [self.contexts(doc)]
        if isinstance(issuer_id, str) and issuer_id.startswith("did:web:"):
            branches.append(self.did(issuer_id))
        elif isinstance(issuer_id, str):
            # An https issuer: its profile / controller document from its own URL, even when
            # the credential embeds a profile (an embedded copy cannot bind a key).
            branches.append(self.doc(issuer_id, "issuer"))
        for proof in as_list(doc.get("proof"))[:8]:
            if isinstance(proof, dict):
                branches.append(self.key_ref(proof.get("verificationMethod")))
        holder = doc.get("holder")
        if isinstance(holder, str) and holder.startswith("did:web:"):
            branches.append(self.did(holder))
        kid = header.get("kid") if header is not None else None
        if isinstance(kid, str) and kid:
            if kid.startswith("#") and isinstance(issuer_id, str):
                kid = issuer_id + kid
            branches.append(self.key_ref(kid))
        for entry in as_list(doc.get("credentialStatus"))[:8]:
            if isinstance(entry, dict):
                branches.append(self._status(entry, depth))
        for subject in as_list(doc.get("credentialSubject"))[:4]:
            if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
                branches.append(self.image(subject["achievement"].get("image"), badge=True))
        if isinstance(issuer, dict):
            branches.append(self.image(issuer.get("image")))
        await asyncio.gather(*branches)

    async def sd_jwt_vc(self, header: dict[str, Any], payload: dict[str, Any]) -> None:
        """The SD-JWT VC issuer's key material (see the module docstring)."""
        iss = payload.get("iss")
        if isinstance(iss, str) and iss.startswith("did:web:"):
            kid = header.get("kid")
            ref = iss + kid if isinstance(kid, str) and kid.startswith("#") else kid
            await asyncio.gather(self.did(iss), self.key_ref(ref))
            return
        url = jwt_vc_issuer_metadata_url(iss)
        if url is None:
            return
        meta = await self.doc(url, "key")
        uri = meta.get("jwks_uri") if isinstance(meta, dict) and meta.get("issuer") == iss else None
        if isinstance(uri, str) and uri.startswith("https://"):
            await self.doc(uri, "key")

    async def _status(self, entry: dict[str, Any], depth: int) -> None:
        etypes = types_of(entry)
        if etypes & {"BitstringStatusListEntry", "StatusList2021Entry", "RevocationList2020Status"}:
            field = ("revocationListCredential" if "RevocationList2020Status" in etypes
                     else "statusListCredential")
            lst = await self.doc(entry.get(field), "status_list", accept=ACCEPT_STATUS_LIST)
            if depth >= MAX_STATUS_DEPTH:
                return
            if isinstance(lst, Recognised):  # a VC-JWT: its issuer and `kid` key
                await self.vc(with_jwt_claims(lst.document or {}, lst.jwt_payload),
                              lst.jwt_header, lst.jwt_payload, depth + 1)
            elif isinstance(lst, dict):
                await self.vc(lst, None, None, depth + 1)  # what the list's own proof needs
        elif "1EdTechRevocationList" in etypes:
            await self.doc(entry.get("id"), "revocation_list")

    async def contexts(self, doc: dict[str, Any]) -> None:
        from credwallet.verify.contexts import context_urls

        wanted = [u for u in context_urls(doc)[:32] if u not in self.s.bundled()]
        await asyncio.gather(*(self._context(u) for u in wanted))

    async def _context(self, url: str) -> None:
        known = url.split("#", 1)[0] in self._docs
        await self.doc(url, "context")
        cached = self.out.material.get(url.split("#", 1)[0])
        if cached is not None and not known:
            self.out.warnings.append(
                f"context {url} is not bundled with credwallet: cached from the network "
                f"and pinned (sha256 {cached.sha256[:16]}...)")


def _jwt_status_list(body: bytes) -> Recognised | None:
    """A status list served as a VC-JWT (compact JWS): kept as the status list (verified
    offline like any VC-JWT); None when the body is not one."""
    try:
        rec = recognise_jws(body.decode("ascii").strip())
    except (UnicodeDecodeError, CredwalletError):
        return None
    return rec if rec.format in ("vc-jwt", "ob3-jwt") and isinstance(rec.document, dict) else None


def _find(doc: dict[str, Any], ref: str) -> dict[str, Any] | None:
    if doc.get("id") == ref:
        return doc
    for rel in ("verificationMethod", "assertionMethod", "publicKey"):
        for item in as_list(doc.get(rel)):
            if isinstance(item, dict) and item.get("id") == ref:
                return item
    return doc if "controller" in doc else None


def _is_image(resp: Response) -> bool:
    body = resp.body
    if body.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or body[:4] == b"RIFF":
        return True
    head = body[:512].lstrip().lower()
    return resp.media_type in IMAGE_TYPES and (resp.media_type != "image/svg+xml" or
                                               b"<svg" in head or head.startswith(b"<?xml"))


def host_of(url: str) -> str:
    return (urllib.parse.urlsplit(url).hostname or "").lower()
