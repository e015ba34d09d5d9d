"""SD-JWT (RFC 9901, formerly draft-ietf-oauth-selective-disclosure-jwt), compact form only.

`<Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~[<KB-JWT>]`

Pure functions, no signatures: split the serialization, hash the Disclosures and rebuild the
processed payload (RFC 9901 section 7.1, step 3 to 5). Recognition and views use them so that
only what was disclosed, and matches a digest the issuer signed, is ever shown; the verifier
(`verify/families/sd_jwt_vc.py`) runs them again on the stored bytes next to the signature, key
and key-binding checks. The JWS JSON serialization (RFC 9901 section 8) is not supported.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads

# "Hash Name String" values (IANA Named Information registry) this implementation computes.
HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
MAX_DISCLOSURES = 1000
MAX_NESTING = 64  # objects and arrays, counted across recursive Disclosures too
_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_JWT = re.compile(r"^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# Claims RFC 9901 section 4.1 reserves for digests: never a claim name in a Disclosure.
_RESERVED = ("_sd", "...")


class SdJwtError(ValueError):
    """The SD-JWT must be rejected (the message says why, one line)."""


@dataclass(frozen=True)
class SdJwt:
    issuer_jwt: str
    header: dict[str, Any]
    payload: dict[str, Any]
    disclosures: tuple[str, ...]  # as sent (base64url)
    kb_jwt: str | None  # the Key Binding JWT of an SD-JWT+KB

    @property
    def presented(self) -> str:
        """The bytes the KB-JWT's sd_hash covers: `<JWT>~<D1>~...~<DN>~` (RFC 9901 4.3.1)."""
        return self.issuer_jwt + "~" + "".join(d + "~" for d in self.disclosures)


@dataclass(frozen=True)
class Processed:
    payload: dict[str, Any]  # the Processed SD-JWT Payload
    disclosed: tuple[str, ...]  # paths of the claims that came from Disclosures
    digests: int  # embedded digests seen (disclosed, undisclosed and decoys)


def b64url_json(part: str, what: str) -> Any:
    if not _B64URL.match(part):
        raise SdJwtError(f"{what} is not base64url")
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SdJwtError(f"{what} is not base64url") from exc
    try:
        return loads(raw, what=what)
    except BadInput as exc:
        raise SdJwtError(exc.message) from exc


def split(text: str) -> SdJwt:
    """Separate an SD-JWT (or SD-JWT+KB) into its parts; malformed input raises SdJwtError."""
    parts = text.strip().split("~")
    if len(parts) < 2:
        raise SdJwtError("not an SD-JWT (no '~' after the issuer-signed JWT)")
    jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not _JWT.match(jwt):
        raise SdJwtError("the issuer-signed part is not a compact JWS")
    if len(disclosures) > MAX_DISCLOSURES:
        raise SdJwtError(f"more than {MAX_DISCLOSURES} disclosures")
    for i, d in enumerate(disclosures, start=1):
        if not _B64URL.match(d):
            raise SdJwtError(f"disclosure #{i} is empty or not base64url")
    if last and not _JWT.match(last):
        raise SdJwtError("the part after the last '~' is neither empty nor a key binding JWT")
    head_b64, payload_b64, _ = jwt.split(".")
    header = b64url_json(head_b64, "SD-JWT header")
    payload = b64url_json(payload_b64, "SD-JWT payload")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise SdJwtError("SD-JWT header and payload must be JSON objects")
    return SdJwt(jwt, header, payload, tuple(disclosures), last or None)


def hash_name(payload: dict[str, Any]) -> str:
    """`_sd_alg` (default sha-256), if this implementation computes it (RFC 9901 4.1.1)."""
    alg = payload.get("_sd_alg", "sha-256")
    if not isinstance(alg, str) or alg not in HASHES:
        shown = alg[:40] if isinstance(alg, str) else type(alg).__name__
        raise SdJwtError(f"_sd_alg {shown!r} is not supported (supported: {', '.join(HASHES)})")
    return alg


def digest(encoded: str, alg: str) -> str:
    """base64url(hash(ASCII bytes of the encoded Disclosure or SD-JWT)) (RFC 9901 4.2.3)."""
    raw = HASHES[alg](encoded.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(encoded: str, index: int) -> list[Any]:
    value = b64url_json(encoded, f"disclosure #{index}")
    if not isinstance(value, list) or len(value) not in (2, 3) or not isinstance(value[0], str):
        raise SdJwtError(f"disclosure #{index} is not [salt, (name,) value]")
    if len(value) == 3 and not isinstance(value[1], str):
        raise SdJwtError(f"disclosure #{index}: the claim name is not a string")
    return value


def process(sd: SdJwt) -> Processed:
    """RFC 9901 section 7.1 steps 3 to 5: every MUST-reject raises SdJwtError."""
    alg = hash_name(sd.payload)
    by_digest: dict[str, int] = {}
    for i, encoded in enumerate(sd.disclosures):
        d = digest(encoded, alg)
        if d in by_digest:
            raise SdJwtError(f"disclosure #{i + 1} is sent twice")
        by_digest[d] = i
    seen: set[str] = set()
    used: set[int] = set()
    disclosed: list[str] = []

    def claim(dg: Any, where: str) -> list[Any] | None:
        if not isinstance(dg, str):
            raise SdJwtError(f"a digest at {where} is not a string")
        if dg in seen:
            raise SdJwtError(f"digest {dg[:16]}... appears more than once")
        seen.add(dg)
        index = by_digest.get(dg)
        if index is None:
            return None  # undisclosed or a decoy: ignored
        used.add(index)
        return _decode(sd.disclosures[index], index + 1)

    def walk(node: Any, path: str, depth: int) -> Any:
        if depth > MAX_NESTING:
            raise SdJwtError(f"nested more than {MAX_NESTING} levels")
        if isinstance(node, dict):
            if "..." in node:
                raise SdJwtError(f"'...' outside an array element at {path or '/'}")
            if depth > 0 and "_sd_alg" in node:
                raise SdJwtError(f"_sd_alg inside a nested object at {path}")
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key != "_sd":
                    out[key] = walk(value, f"{path}/{key}", depth + 1)
            digests = node.get("_sd", [])
            if not isinstance(digests, list):
                raise SdJwtError(f"_sd at {path or '/'} is not an array")
            for dg in digests:
                found = claim(dg, f"{path}/_sd")
                if found is None:
                    continue
                if len(found) != 3:
                    raise SdJwtError("a disclosure for an object property has no claim name")
                _, name, value = found
                if name in _RESERVED:
                    raise SdJwtError(f"a disclosure names the reserved claim {name!r}")
                if name in out:
                    raise SdJwtError(f"disclosed claim {path}/{name} already exists")
                out[name] = walk(value, f"{path}/{name}", depth + 1)
                disclosed.append(f"{path}/{name}")
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for i, element in enumerate(node):
                if isinstance(element, dict) and list(element) == ["..."]:
                    found = claim(element["..."], f"{path}/{i}")
                    if found is None:
                        continue  # an undisclosed element is removed
                    if len(found) != 2:
                        raise SdJwtError("a disclosure for an array element has a claim name")
                    items.append(walk(found[1], f"{path}/{len(items)}", depth + 1))
                    disclosed.append(f"{path}/{len(items) - 1}")
                else:
                    items.append(walk(element, f"{path}/{i}", depth + 1))
            return items
        return node

    result = walk(sd.payload, "", 0)
    result.pop("_sd_alg", None)
    unused = sorted(set(range(len(sd.disclosures))) - used)
    if unused:
        raise SdJwtError(f"disclosure #{unused[0] + 1} matches no digest the issuer signed")
    return Processed(result, tuple(disclosed), len(seen))


def disclosed_payload(sd: SdJwt) -> dict[str, Any]:
    """What may be shown: the processed payload, or (when the Disclosures do not match the
    signed digests) the permanently disclosed claims alone. Never an unmatched Disclosure."""
    try:
        return process(sd).payload
    except SdJwtError:
        pass
    try:
        return process(replace(sd, disclosures=())).payload
    except SdJwtError:
        return {k: v for k, v in sd.payload.items() if k not in ("_sd", "_sd_alg")}


def jwt_vc_issuer_metadata_url(iss: Any) -> str | None:
    """SD-JWT VC section 4: `/.well-known/jwt-vc-issuer` inserted between the host and the path
    of an https `iss` (a trailing '/' of the path removed). None when `iss` is not such a URL."""
    if not isinstance(iss, str) or len(iss) > 2048 or not iss.startswith("https://"):
        return None
    parts = urlsplit(iss)
    if not parts.hostname or parts.query or parts.fragment or "#" in iss or "?" in iss:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}/.well-known/jwt-vc-issuer{path}"
