"""What a job seeker sends, opened as the employer receives it: a bundle zip or a portfolio page.

`open_artifact(data, name)` finds the signed presentation inside and reports what was checked
on the way: for a bundle, every file against the SHA-256 digests of its manifest; for a page,
the presentation embedded in it. Anything else is returned as is (a credential or a
presentation file). Nothing here trusts the container: the presentation inside is verified
like any other, and a bundle whose files do not match its manifest fails its `manifest` check.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credwallet.errors import BadInput
from credwallet.ingest.jsonutil import loads
from credwallet.ingest.sniff import Recognised
from credwallet.material import MaterialSource
from credwallet.models.results import Check, CheckName

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError,
               NotImplementedError, KeyError, struct.error)
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
PAGE_SCRIPT_ID = "credwallet-presentation"
PAGE_SCRIPT_TYPE = "application/vp+json"
_PAGE_BLOCK = re.compile(
    r'<script type="application/vp\+json" id="credwallet-presentation">(.{1,16000000}?)</script>',
    re.DOTALL,
)


@dataclass
class Opened:
    kind: str  # "file", "bundle", "page"
    data: bytes  # what to verify
    checks: list[Check] = field(default_factory=list)  # what opening it established


def open_artifact(data: bytes, name: str) -> Opened:
    if data[:4] == b"PK\x03\x04":
        return _bundle(data, name)
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return _page(data, name)
    return Opened("file", data)


def _bundle(data: bytes, name: str) -> Opened:
    # zipfile raises a family of errors on hostile archives (bad CRC, corrupt or truncated
    # deflate streams, unsupported versions): each is bad input, never a crash.
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise BadInput(f"{name}: not a readable zip archive ({type(exc).__name__})") from None
    if len(infos) > MAX_ENTRIES:
        raise BadInput(f"{name}: more than {MAX_ENTRIES} files in the bundle")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise BadInput(f"{name}: the bundle unpacks to more than {MAX_TOTAL_BYTES // 2**20} MiB")
    files: dict[str, bytes] = {}
    for info in infos:
        if not info.filename:  # zipfile's own is_dir() cannot read an empty name
            raise BadInput(f"{name}: a file in the bundle has no name")
        if info.is_dir():
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            raise BadInput(f"{name}: {info.filename!r} is larger than {MAX_ENTRY_BYTES // 2**20} MiB")
        try:
            body = archive.read(info)
        except _ZIP_ERRORS as exc:
            raise BadInput(f"{name}: {info.filename!r} cannot be read ({type(exc).__name__})") from None
        if len(body) > MAX_ENTRY_BYTES:  # the header may lie about the size
            raise BadInput(f"{name}: {info.filename!r} is larger than declared")
        files[info.filename] = body
    presentation = files.get("presentation.json")
    if presentation is None:
        raise BadInput(f"{name}: the bundle holds no presentation.json")
    return Opened("bundle", presentation, [_manifest_check(files)])


def _manifest_check(files: dict[str, bytes]) -> Check:
    raw = files.get("manifest.json")
    if raw is None:
        return Check(check=CheckName.MANIFEST, status="failed", detail="the bundle has no manifest.json")
    try:
        manifest: Any = loads(raw, what="manifest.json")
    except BadInput as exc:
        return Check(check=CheckName.MANIFEST, status="failed", detail=exc.message)
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, list) or manifest.get("algorithm") != "sha256":
        return Check(check=CheckName.MANIFEST, status="failed",
                     detail="manifest.json does not list sha256 digests of the files")
    problems: list[str] = []
    seen: set[str] = set()
    for entry in listed:
        path = entry.get("path") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not isinstance(digest, str):
            problems.append("a manifest entry has no path or digest")
            continue
        seen.add(path)
        body = files.get(path)
        if body is None:
            problems.append(f"{path} is listed but missing")
        elif hashlib.sha256(body).hexdigest() != digest.lower():
            problems.append(f"{path} does not match its digest")
    extra = sorted(set(files) - seen - {"manifest.json"})
    problems += [f"{p} is not in the manifest" for p in extra[:5]]
    if "presentation.json" not in seen:
        problems.append("presentation.json is not covered by the manifest")
    if problems:
        return Check(check=CheckName.MANIFEST, status="failed", detail="; ".join(problems[:8]))
    return Check(check=CheckName.MANIFEST, status="passed",
                 detail=f"all {len(seen)} file(s) match the SHA-256 digests of manifest.json")


def _page(data: bytes, name: str) -> Opened:
    text = data.decode("utf-8", "replace")
    found = _PAGE_BLOCK.findall(text)
    if len(found) != 1:
        raise BadInput(f"{name}: an HTML page without exactly one embedded credwallet presentation"
                       if not found else f"{name}: the page embeds more than one presentation")
    # The block is JSON written with "<", ">" and "&" escaped as \u sequences; HTML entities
    # never appear in it, but unescape defensively so a hand-edited page still reads.
    body = html.unescape(found[0]).strip().encode("utf-8")
    return Opened("page", body)


def embed_block(presentation_json: str) -> str:
    """The inert data block a page carries its presentation in (safe inside <script>)."""
    safe = presentation_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="{PAGE_SCRIPT_TYPE}" id="{PAGE_SCRIPT_ID}">{safe}</script>'


@dataclass
class Gathered:
    """What was fetched to check a file sent to us (a verifier without a wallet)."""

    material: dict[str, Any]  # url -> CachedDocument
    fetched: list[dict[str, Any]]  # url, kind, status, fetched_at: reported with the result
    problems: list[str]  # what could not be fetched (verification then says what it lacks)
    # `verify`'s result over exactly `material`, when the last round computed it (else None)
    result: Any = None


def gather_online(data: bytes, name: str, *, insecure_http: bool = False,
                  allow_hosts: Sequence[Any] = (), now: datetime | None = None,
                  verify: Callable[[MaterialSource], Any] | None = None) -> Gathered:
    """Fetch what verifying `data` at `now` asks for and does not find (DID and key
    documents, status lists, hosted copies: fetch/rounds.py) under the network rules of
    `fetch/` (SSRF guard, limits).

    `verify(material)`: the caller's own verification of `data`. It serves as the rounds'
    probe, and its result over the final material is returned, so the file is not verified
    once more (a legacy baked image, whose assertion is fetched first, runs the default probe).
    """
    from credwallet import fetch
    from credwallet.fetch.rounds import offline_verification
    from credwallet.ingest.sniff import recognise
    from credwallet.material import DictMaterial, Fetched, RecordingMaterial, as_of

    rec = recognise(data, name)
    default = offline_verification(now)
    last: list[tuple[MaterialSource, Any]] = []

    def probe(seen: Recognised, material: MaterialSource) -> object:
        if verify is None or seen.raw != rec.raw:
            return default(seen, material)
        last[:] = [(material, verify(material))]
        return last[0][1]

    [(_i, outcome)] = fetch.complete([(0, Fetched(rec, name))], insecure_http=insecure_http,
                                     allow_hosts=allow_hosts, probe=probe)
    if not isinstance(outcome, Fetched):
        return Gathered({}, [], [outcome.message])
    fetched = [
        {"url": url, "kind": doc.kind, "status": doc.http_status, "fetched_at": as_of(doc)}
        for url, doc in sorted(outcome.material.items())
    ]
    result = None
    if last and isinstance(seen_by := last[0][0], RecordingMaterial) and \
            isinstance(seen_by.inner, DictMaterial) and \
            seen_by.inner.same_as(DictMaterial(outcome.material)):
        result = last[0][1]
    return Gathered(dict(outcome.material), fetched, [*outcome.warnings, *outcome.network_errors],
                    result)
