"""The user's trust settings, kept inside the encrypted wallet (`WalletData.trust`).

Two sources of trust, both under the user's control:
- issuers the user trusts directly (an issuer DID, an issuer id URL, an OB 2.0 profile id);
- registries the user subscribed to (known-issuer lists), fetched only by `refresh` and cached
  here with the time they were fetched, so every verdict can say "as of".

Matching is by issuer *id* only. Names, homepages and images are self-declared by whoever
signed the credential, so they never make an issuer trusted.
"""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from credwallet.errors import UnsupportedVersion, UsageError, WalletCorrupted

TRUST_VERSION = 1
MAX_VALUE_CHARS = 2048
MAX_LABEL_CHARS = 200

IssuerKind = Literal["did", "url", "urn"]
RegistryStatus = Literal["pending", "ok", "unreachable", "malformed", "too_large"]


class TrustedIssuer(BaseModel):
    model_config = ConfigDict(extra="allow")  # a newer credwallet's fields survive a save

    value: str  # normalised issuer id
    kind: IssuerKind
    label: str | None = None
    added_at: datetime


class RegistryIssuer(BaseModel):
    model_config = ConfigDict(extra="allow")  # a newer credwallet's fields survive a save

    id: str
    name: str | None = None
    url: str | None = None
    location: str | None = None


class RegistrySnapshot(BaseModel):
    """One successfully parsed copy of a registry."""

    model_config = ConfigDict(extra="allow")

    format: Literal["dcc-known-issuers", "credwallet"]
    name: str | None = None  # the registry's own name, if it declares one
    updated: str | None = None  # the registry's own "updated" stamp, as written
    fetched_at: datetime  # as-of time of this copy
    sha256: str
    issuers: dict[str, RegistryIssuer] = Field(default_factory=dict)  # normalised id -> entry


class Registry(BaseModel):
    model_config = ConfigDict(extra="allow")  # a newer credwallet's fields survive a save

    url: str
    label: str | None = None
    added_at: datetime
    # Outcome of the last refresh attempt; a failed attempt keeps the last good snapshot.
    status: RegistryStatus = "pending"
    error: str | None = None
    last_attempt_at: datetime | None = None
    snapshot: RegistrySnapshot | None = None

    @property
    def display(self) -> str:
        return f"{self.label} ({self.url})" if self.label else self.url


class TrustSettings(BaseModel):
    model_config = ConfigDict(extra="allow")  # a newer credwallet's fields survive a save

    version: int = TRUST_VERSION
    issuers: list[TrustedIssuer] = Field(default_factory=list)
    registries: list[Registry] = Field(default_factory=list)

    # --- direct trust -----------------------------------------------------------------------

    def find_issuer(self, issuer_id: str) -> TrustedIssuer | None:
        key = normalise_issuer_id(issuer_id)
        return next((t for t in self.issuers if t.value == key), None)

    def add_issuer(self, value: str, label: str | None, now: datetime) -> tuple[TrustedIssuer, bool]:
        """Add (or relabel) a trusted issuer. Returns the entry and whether it is new."""
        kind, norm = classify_issuer(value)
        label = clean_label(label)
        existing = self.find_issuer(norm)
        if existing is not None:
            if label is not None:
                existing.label = label
            return existing, False
        entry = TrustedIssuer(value=norm, kind=kind, label=label, added_at=now)
        self.issuers.append(entry)
        return entry, True

    def remove_issuer(self, value: str) -> TrustedIssuer | None:
        found = self.find_issuer(value.strip())
        if found is not None:
            self.issuers.remove(found)
        return found

    # --- registries -------------------------------------------------------------------------

    def find_registry(self, url: str) -> Registry | None:
        key = normalise_registry_url(url)
        return next((r for r in self.registries if r.url == key), None)

    def add_registry(self, url: str, label: str | None, now: datetime) -> tuple[Registry, bool]:
        norm = normalise_registry_url(url)
        label = clean_label(label)
        existing = self.find_registry(norm)
        if existing is not None:
            if label is not None:
                existing.label = label
            return existing, False
        reg = Registry(url=norm, label=label, added_at=now)
        self.registries.append(reg)
        return reg, True

    def remove_registry(self, url: str) -> Registry | None:
        found = self.find_registry(url)
        if found is not None:
            self.registries.remove(found)
        return found


def load_trust(data: dict[str, Any]) -> TrustSettings:
    """Trust settings from `WalletData.trust` (empty dict = nothing configured)."""
    if not data:
        return TrustSettings()
    # The version is read before the layout: a newer layout may not validate as this one.
    version = data.get("version", TRUST_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > TRUST_VERSION:
        raise UnsupportedVersion(
            f"the wallet's trust settings (version {version}) were made by a newer credwallet; "
            "upgrade credwallet to use them", hint="nothing was changed")
    try:
        settings = TrustSettings.model_validate(data)
    except ValidationError as exc:
        raise WalletCorrupted(f"the wallet's trust settings are malformed ({exc.error_count()} "
                              "problem(s))") from None
    return settings


def dump_trust(settings: TrustSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json")


def clean_label(label: str | None) -> str | None:
    if label is None:
        return None
    label = " ".join(label.split())
    if len(label) > MAX_LABEL_CHARS:
        raise UsageError(f"label must be at most {MAX_LABEL_CHARS} characters")
    return label or None


def classify_issuer(value: str) -> tuple[IssuerKind, str]:
    """Kind and normalised form of an issuer id the user typed."""
    v = value.strip()
    if not v or len(v) > MAX_VALUE_CHARS:
        raise UsageError(f"issuer id must be 1 to {MAX_VALUE_CHARS} characters")
    if any(ch.isspace() for ch in v):
        raise UsageError("issuer id must not contain spaces")
    if v.startswith("did:"):
        if v.count(":") < 2 or not v.split(":", 2)[2]:
            raise UsageError(f"{v!r} is not a DID (expected did:<method>:<id>)")
        return "did", normalise_issuer_id(v)
    scheme = urllib.parse.urlsplit(v).scheme.lower()
    if scheme in ("http", "https"):
        return "url", normalise_issuer_id(v)
    if scheme == "urn":
        return "urn", v
    raise UsageError(f"{v!r} is neither a DID nor an http(s) issuer id",
                     hint="trust is by issuer id: e.g. did:web:example.edu or "
                          "https://example.edu/issuer.json; names are never trusted")


def normalise_issuer_id(value: str) -> str:
    """One spelling per issuer id: DIDs without fragment; URLs with lower-case scheme and
    host, no fragment and no trailing slash. The path keeps its case (it is significant)."""
    v = value.strip()
    if v.startswith("did:"):
        return v.split("#", 1)[0]
    try:
        parts = urllib.parse.urlsplit(v)
    except ValueError:
        return v
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        path = parts.path.rstrip("/")
        return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path,
                                        parts.query, ""))
    return v


def normalise_registry_url(url: str) -> str:
    v = url.strip()
    try:
        parts = urllib.parse.urlsplit(v)
    except ValueError:
        raise UsageError(f"malformed registry URL {v!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageError(f"registry URL must be an http(s) URL, not {v!r}")
    if len(v) > MAX_VALUE_CHARS:
        raise UsageError(f"registry URL must be at most {MAX_VALUE_CHARS} characters")
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                                    parts.query, ""))
