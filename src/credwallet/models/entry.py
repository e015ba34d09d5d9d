"""What the encrypted wallet payload holds.

Signed data is stored as the exact bytes received (`raw`), never re-serialised: as text when
the bytes are valid UTF-8 (nearly always: JSON or a JWT), else base64.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from credwallet.models.results import VerificationResult

RawEncoding = Literal["utf-8", "base64"]


def encode_raw(data: bytes) -> tuple[str, RawEncoding]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"
    # Round trip must be exact (it is for valid UTF-8); keep the check cheap but honest.
    return text, "utf-8"


def decode_raw(raw: str, encoding: RawEncoding) -> bytes:
    if encoding == "utf-8":
        return raw.encode("utf-8")
    return base64.b64decode(raw)


class CachedDocument(BaseModel):
    """A document fetched at import (key, DID document, status list, context, profile, image).

    Everything offline verification uses comes from these, each with its as-of time.
    """

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
        return decode_raw(self.body, self.body_encoding)

    @classmethod
    def make(cls, url: str, kind: str, body: bytes, fetched_at: datetime, **kw: Any) -> CachedDocument:
        text, enc = encode_raw(body)
        return cls(url=url, kind=kind, fetched_at=fetched_at,
                   sha256=hashlib.sha256(body).hexdigest(), body=text, body_encoding=enc, **kw)


class StoredCredential(BaseModel):
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
        return decode_raw(self.raw, self.raw_encoding)


class Identity(BaseModel):
    kind: Literal["email", "url", "phone", "did", "other"]
    value: str
    added_at: datetime


class Holder(BaseModel):
    did: str
    # Ed25519 seed (32 bytes, base64). Lives only inside the encrypted payload.
    private_seed_b64: str
    created_at: datetime


class WalletData(BaseModel):
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
