"""The export bundle: one zip a receiver can check without trusting the holder.

Contents: presentation.json (signed by the holder), the original credential files
unchanged (JSON, JWT, baked PNG/SVG), portfolio.html, verification-report.json and .txt,
resume.md, resume.json, linkedin.txt, README.txt and manifest.json (SHA-256 and size of
every other file). Names are ASCII slugs plus the wallet id, so they are safe on any system.
Credentials not issued to the holder (only with --include-unmatched) go under
not-issued-to-holder/ instead of credentials/, and the manifest names them.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from datetime import datetime
from typing import Any

from credwallet.export.model import ExportItem
from credwallet.formats import SPECS

MANIFEST_SCHEMA = "credwallet.bundle-manifest/1"
NOT_HOLDER_DIR = "not-issued-to-holder"


def slug(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:limit].rstrip("-") or "credential"


_EXT = {"image/png": "png", "image/svg+xml": "svg"}


def original_files(item: ExportItem, cache_image: tuple[bytes, str] | None) -> dict[str, bytes]:
    """The credential's original bytes (and its baked image, which carries it too)."""
    folder = "credentials" if item.issued_to_holder else NOT_HOLDER_DIR
    base = f"{folder}/{slug(item.title)}-{item.cred.id}"
    raw = item.cred.raw_bytes()
    fmt = item.cred.format
    known = SPECS.get(fmt)
    files = {f"{base}{known.extension if known else '.bin'}": raw}
    if cache_image is not None and item.cred.image_key and item.cred.image_key.startswith("baked:"):
        data, media_type = cache_image
        files[f"{base}.baked.{_EXT.get(media_type, 'bin')}"] = data
    return files


def text_report(report: dict[str, Any]) -> str:
    lines = [f"Verification report, {report['generated']}", f"Holder: {report['holder']}", ""]
    for entry in report["credentials"]:
        v = entry["verification"]
        lines.append(f"{entry['name']}  [{entry['id']}]")
        lines.append(f"  issuer:   {entry['issuer']}")
        lines.append(f"  verdict:  {v['summary']}")
        if entry.get("issued_to_holder") is False:
            lines.append(f"  NOT ISSUED TO THE HOLDER: {entry.get('not_issued_to_holder')}")
        lines.append(f"  checked:  {v['checked_at'] or 'never'}")
        if v["signer"]:
            lines.append(f"  signed by {v['signer']} ({v['suite'] or 'unknown suite'})")
        for c in v["checks"]:
            lines.append(f"    {c['check']:<12} {c['status']:<8} {c['detail']}")
        lines.append("")
    if report.get("presentation"):
        p = report["presentation"]
        lines.append(f"presentation.json: {p['summary']} (checked {p['checked_at']})")
    for s in report["skipped"]:
        lines.append(f"skipped {s['id']}: {s['reason']}")
    return "\n".join(lines) + "\n"


README = """credwallet export bundle
========================

presentation.json      W3C Verifiable Presentation of the credentials, signed by the holder
                       (Data Integrity eddsa-rdfc-2022, proof purpose "authentication").
credentials/           each credential's original signed file, byte for byte as issued.
portfolio.html         a readable summary page (self-contained; opens offline).
verification-report.*  what was checked, when, and which key signed each credential.
resume.md, resume.json a resume section (Markdown) and JSON Resume "certificates".
linkedin.txt           "Add to profile" links for LinkedIn and the values to type in.
manifest.json          SHA-256 digest and size of every other file in this bundle.
not-issued-to-holder/  only if the holder asked: credentials that name someone else (or no
                       one) as recipient. They are not the holder's, are marked as such in
                       every file, are listed in manifest.json under "not_issued_to_holder",
                       and are never in presentation.json.

To check: `credwallet verify --file presentation.json`, or verify the files in credentials/
with any Open Badges / W3C VC verifier you trust. The summary page and resume are only as
good as the signed originals behind them. The credentials are tied to the holder's key above;
the holder's name, if given, is the holder's own statement. A name inside a credential
(credentialSubject.name) is what its issuer wrote, covered by the issuer's signature.
"""


def readme(holder: str, holder_name: str | None = None) -> str:
    """README.txt: who the holder is (a name only as the holder states it), then the files."""
    who = (f"Holder: {' '.join(holder_name.split())} (as stated by the holder: no signed file "
           f"vouches for this name)\nHolder's key: {holder}\n\n" if holder_name
           else f"Holder's key: {holder}\n\n")
    head, rest = README.split("\n\n", 1)
    return f"{head}\n\n{who}{rest}"


def build_zip(files: dict[str, bytes], *, created: datetime, holder: str,
              not_issued_to_holder: list[dict[str, Any]] | None = None,
              holder_name: str | None = None) -> bytes:
    files = dict(files)
    files["README.txt"] = readme(holder, holder_name).encode("utf-8")
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "created": created.isoformat().replace("+00:00", "Z"),
        "holder": holder,
        "algorithm": "sha256",
        "files": [{"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())],
        # [{"id", "why", "files"}]: credentials in this bundle that are not the holder's.
        "not_issued_to_holder": list(not_issued_to_holder or []),
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    stamp = created.timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in ["manifest.json", *sorted(n for n in files if n != "manifest.json")]:
            info = zipfile.ZipInfo(name, date_time=(max(stamp[0], 1980), *stamp[1:]))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buf.getvalue()
