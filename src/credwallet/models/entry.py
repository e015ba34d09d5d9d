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
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from credwallet.errors import WalletCorrupted
from credwallet.models.results import VerificationResult

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

    def body_bytes(self) -> bytes:
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

    def raw_bytes(self) -> bytes:
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

    def find(self, ref: str) -> StoredCredential:
        """Wallet id or any unique prefix of it (also the credential's own id)."""
        from credwallet.errors import NotFound, UsageError

        exact = [c for c in self.credentials if c.id == ref or c.credential_id == ref]
        if exact:
            return exact[0]
        hits = [c for c in self.credentials if c.id.startswith(ref)] if ref else []
        if not hits:
            raise NotFound(f"no credential with id {ref!r}", hint="see `credwallet list`")
        if len(hits) > 1:
            raise UsageError(f"id prefix {ref!r} is ambiguous ({len(hits)} credentials match)")
        return hits[0]
