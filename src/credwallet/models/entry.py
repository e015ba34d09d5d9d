"""What the encrypted wallet payload holds.

Signed data is stored as the exact bytes received (`raw`), never re-serialised: as text when
the bytes are valid UTF-8 (nearly always: JSON or a JWT), else base64.

A payload that decrypts and validates may still hold an entry no credwallet wrote (bad
base64, a lone surrogate): decoding it raises DamagedEntry, an error about that one entry,
so every command can report it and carry on with the others.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from credwallet.errors import WalletCorrupted
from credwallet.models.results import VerificationResult

if TYPE_CHECKING:
    from credwallet.models.index import CredentialRow

RawEncoding = Literal["utf-8", "base64"]


def encode_raw(data: bytes) -> tuple[str, RawEncoding]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"
    # Round trip must be exact (it is for valid UTF-8); keep the check cheap but honest.
    return text, "utf-8"


class DamagedEntry(WalletCorrupted, ValueError):
    """One stored entry cannot be decoded (exit 4). Also a ValueError, so code that already
    treats an unparseable cached document as absent keeps doing so."""

    kind = "damaged_entry"
    hint = ("remove it with `credwallet remove ID` and import it again, or restore a backup "
            "with `credwallet restore`")


def decode_raw(raw: str, encoding: RawEncoding, what: str = "stored entry") -> bytes:
    """The exact bytes of a stored entry; DamagedEntry when `raw` is not what encode_raw wrote."""
    try:
        if encoding == "utf-8":
            return raw.encode("utf-8")
        # validate=True: base64 with stray characters is damage, not something to skip over.
        return base64.b64decode(raw, validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        reason = "not valid base64" if encoding == "base64" else "not valid Unicode text"
        raise DamagedEntry(f"damaged entry: {what} is {reason}") from None


class CachedDocument(BaseModel):
    """A document fetched at import (key, DID document, status list, context, profile, image).

    Everything offline verification uses comes from these, each with its as-of time.
    """
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save

    url: str
    kind: str  # e.g. "key", "did", "status_list", "context", "issuer", "badgeclass", "image"
    fetched_at: datetime
    sha256: str
    media_type: str | None = None
    http_status: int = 200
    body: str = ""
    body_encoding: RawEncoding = "utf-8"
    final_url: str | None = None  # after redirects
    # Set only on a stand-in for a stored entry that did not parse (payload version 2 reads
    # entries lazily): why, and the entry's stored text, written back unchanged on save.
    _damage: str | None = PrivateAttr(default=None)
    _stored_text: bytes | None = PrivateAttr(default=None)

    def body_bytes(self) -> bytes:
        if self._damage is not None:
            raise DamagedEntry(self._damage)
        return decode_raw(self.body, self.body_encoding, f"cached document {self.url[:200]!r}")

    @classmethod
    def make(cls, url: str, kind: str, body: bytes, fetched_at: datetime, **kw: Any) -> CachedDocument:
        text, enc = encode_raw(body)
        return cls(url=url, kind=kind, fetched_at=fetched_at,
                   sha256=hashlib.sha256(body).hexdigest(), body=text, body_encoding=enc, **kw)


class StoredCredential(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save
    id: str  # wallet id: hex digest prefix of the original bytes
    format: str  # ob2-hosted, ob2-signed, ob3-ldp, vc-ldp, ob3-jwt, vc-jwt, clr-ldp, clr-jwt, ...
    media_type: str = "application/json"
    raw: str
    raw_encoding: RawEncoding = "utf-8"
    source: str
    imported_at: datetime
    credential_id: str | None = None  # the credential's own id
    name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    issued: str | None = None
    expires: str | None = None
    achievement_id: str | None = None
    parent_id: str | None = None  # the CLR or presentation this came in
    children: list[str] = Field(default_factory=list)
    cache_urls: list[str] = Field(default_factory=list)  # CachedDocument keys it depends on
    image_key: str | None = None  # CachedDocument key of the badge image (baked or fetched)
    verification: VerificationResult | None = None
    kept_invalid: bool = False
    tags: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    # As on CachedDocument: set only on a stand-in for an entry that did not parse.
    _damage: str | None = PrivateAttr(default=None)
    _stored_text: bytes | None = PrivateAttr(default=None)

    def raw_bytes(self) -> bytes:
        if self._damage is not None:
            raise DamagedEntry(self._damage)
        return decode_raw(self.raw, self.raw_encoding, f"credential {self.id}")

    def damage(self) -> str | None:
        """Why this entry cannot be read (None when it can): what `list` shows."""
        try:
            self.raw_bytes()
        except DamagedEntry as exc:
            return exc.message
        return None


class Identity(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save
    kind: Literal["email", "url", "phone", "did", "other"]
    value: str
    added_at: datetime


class Holder(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save
    did: str
    # Ed25519 seed (32 bytes, base64). Lives only inside the encrypted payload.
    private_seed_b64: str
    created_at: datetime
    # The name the holder gives for themselves (`credwallet identity name`): self-asserted, shown
    # in exports as stated by the holder, never inside signed data. Absent from the payload
    # when not set, so a wallet without one is written exactly as before.
    name: str | None = None

    @model_serializer(mode="wrap")
    def _omit_unset_name(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if out.get("name") is None:
            out.pop("name", None)
        return out


class PendingIssuance(BaseModel):
    """A deferred OID4VCI issuance (docs/oid4vci.md): what resuming it needs.

    `access_token` is the one token credwallet keeps: OID4VCI 1.0 requires it at the deferred
    credential endpoint, so without it a deferred credential could never be collected once the
    command ends. It lives only here, inside the encrypted payload, until the issuance ends
    (received, refused, or the token expired); it is never printed (`repr` hides it).
    """
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save
    transaction_id: str = Field(repr=False)
    access_token: str = Field(repr=False)
    access_token_expires_at: datetime | None = None
    credential_issuer: str
    deferred_endpoint: str
    notification_endpoint: str | None = None
    configuration_id: str
    format: str
    name: str | None = None  # the configuration's display name
    holder_kid: str  # the holder key the proof was signed with (its DID URL)
    created_at: datetime
    interval: float | None = None  # seconds the issuer asked the wallet to wait
    next_attempt_at: datetime | None = None
    tags: list[str] = Field(default_factory=list)


class EntrySource(Protocol):
    """Where a wallet read from a payload version 2 takes its entries from, one by one and only
    when used (credwallet.wallet.layout)."""

    def rows(self) -> list[CredentialRow]: ...

    def ids(self) -> list[tuple[str, str | None]]: ...

    def credential_at(self, index: int) -> StoredCredential: ...

    def credentials(self) -> list[StoredCredential]: ...

    def cache_keys(self) -> list[str]: ...

    def cache_doc(self, key: str) -> CachedDocument | None: ...

    def cache(self) -> dict[str, CachedDocument]: ...

    def views(self) -> dict[str, Any]: ...

    def views_json(self) -> bytes: ...

    def cache_digests(self) -> dict[str, str]: ...


_LAZY = ("credentials", "cache")


class _LazyCache(Mapping[str, CachedDocument]):
    """The cache of a wallet whose entries were not all read: each document read when used."""

    def __init__(self, source: EntrySource) -> None:
        self._source = source
        self._keys = set(source.cache_keys())

    def __getitem__(self, key: str) -> CachedDocument:
        doc = self._source.cache_doc(key) if key in self._keys else None
        if doc is None:
            raise KeyError(key)
        return doc

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._source.cache_keys())

    def __len__(self) -> int:
        return len(self._keys)


class WalletData(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields of a newer version survive a save
    payload_version: int = 1
    created_at: datetime
    holder: Holder
    identities: list[Identity] = Field(default_factory=list)
    credentials: list[StoredCredential] = Field(default_factory=list)
    cache: dict[str, CachedDocument] = Field(default_factory=dict)
    pathways: list[dict[str, Any]] = Field(default_factory=list)
    trust: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    # Deferred OID4VCI issuances not yet collected. Absent from the payload when empty, so a
    # wallet that never had one is written exactly as before.
    oid4vci_pending: list[PendingIssuance] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _omit_no_pending(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if not out.get("oid4vci_pending"):
            out.pop("oid4vci_pending", None)
        return out

    # Read from a payload version 2, `credentials` and `cache` are left out of the instance
    # until first used (then read whole, once); `rows()`, `find()` and `cache_lookup()` answer
    # without reading them. Every other use of the model sees plain fields.
    _source: EntrySource | None = PrivateAttr(default=None)

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            if name in _LAZY:  # (checked first: no lookup that could come back here)
                source = (self.__pydantic_private__ or {}).get("_source")
                if source is not None:
                    value = source.credentials() if name == "credentials" else source.cache()
                    self.__dict__[name] = value
                    return value
            return super().__getattr__(name)

    def lazy(self, name: str) -> bool:
        """`credentials` or `cache` has not been read from the payload yet."""
        return self._source is not None and name not in self.__dict__

    def rows(self) -> list[CredentialRow]:
        """One list row per credential, in wallet order, without reading unread entries."""
        from credwallet.models.index import CredentialRow

        if self.lazy("credentials") and self._source is not None:
            return self._source.rows()
        return [CredentialRow.of(c) for c in self.credentials]

    def credential_at(self, index: int) -> StoredCredential:
        """The credential of `rows()[index]`."""
        if self.lazy("credentials") and self._source is not None:
            return self._source.credential_at(index)
        return self.credentials[index]

    def stored_views_json(self) -> bytes:
        """The derived credential views stored with the payload, as JSON text (b"" when there
        are none; credwallet.wallet.views reads them)."""
        return self._source.views_json() if self._source is not None else b""

    def cache_digests(self) -> dict[str, str]:
        """Cache key -> SHA-256 of the document's body, without reading unread documents."""
        if self.lazy("cache") and self._source is not None:
            return self._source.cache_digests()
        return {key: doc.sha256 for key, doc in self.cache.items()}

    def cache_lookup(self) -> Mapping[str, CachedDocument]:
        """The cache as a read-only mapping that reads each document only when looked up."""
        if self.lazy("cache") and self._source is not None:
            return _LazyCache(self._source)
        return self.cache

    def find(self, ref: str) -> StoredCredential:
        """Wallet id or any unique prefix of it (also the credential's own id)."""
        if self.lazy("credentials") and self._source is not None:
            return self._source.credential_at(_match(self._source.ids(), ref))
        creds = self.credentials
        return creds[_match([(c.id, c.credential_id) for c in creds], ref)]


def _match(ids: Sequence[tuple[str, str | None]], ref: str) -> int:
    """The position `find` picks among (wallet id, credential id) pairs: an exact wallet id or
    credential id, else the one wallet id that starts with `ref`."""
    from credwallet.errors import NotFound, UsageError

    for i, (wid, cid) in enumerate(ids):
        if ref in (wid, cid):
            return i
    hits = [i for i, (wid, _cid) in enumerate(ids) if wid.startswith(ref)] if ref else []
    if not hits:
        raise NotFound(f"no credential with id {ref!r}", hint="see `credwallet list`")
    if len(hits) > 1:
        raise UsageError(f"id prefix {ref!r} is ambiguous ({len(hits)} credentials match)")
    return hits[0]
