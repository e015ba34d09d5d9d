"""Resume formats: a Markdown section and the JSON Resume `certificates` section."""

from __future__ import annotations

import re
from typing import Any

from credwallet.errors import BadInput
from credwallet.export.facts import day

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
NOT_HOLDER = "not issued to the holder"
AS_STATED = "as stated by the holder"
AS_WRITTEN = "as written by the issuer"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
# Terminal and bidi controls in issuer text: a Markdown file is often printed to a terminal.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def md_escape(text: str) -> str:
    """Inline Markdown text: special characters escaped, line breaks folded."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(CONTROLS.sub("\ufffd", text).split()))


def md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")


def _md_line(f: dict[str, Any]) -> list[str]:
    issuer = f["issuer"].get("name") or f["issuer"].get("id") or "unknown issuer"
    parts = [f"**{md_escape(f['name'])}**", md_escape(issuer)]
    when = day(f.get("issued") or f.get("valid_from"))
    if when:
        parts.append(when)
    line = "- " + " · ".join(parts)
    if f.get("public_url"):
        line += f" · [credential]({md_url(f['public_url'])})"
    if f["unverified"]:
        line += " · *not verified*"
    if not f["issued_to_holder"]:
        line += f" · *{NOT_HOLDER}*"
    lines = [line]
    if f.get("subject_name"):
        lines.append(f"  Name on the credential: {md_escape(f['subject_name'])} ({AS_WRITTEN})")
    if f["skills"]:
        lines.append("  Skills: " + ", ".join(md_escape(s) for s in f["skills"]))
    return lines


def render_markdown(facts: list[dict[str, Any]], holder_name: str | None = None) -> str:
    """The section; `holder_name` (`identity name`) is shown as stated by the holder."""
    lines = ["## Licenses & Certifications", ""]
    if holder_name:
        lines += [f"Holder: {md_escape(holder_name)} ({AS_STATED})", ""]
    for f in facts:
        if f["issued_to_holder"]:
            lines += _md_line(f)
    others = [f for f in facts if not f["issued_to_holder"]]
    if others:
        # Under their own heading, so no reader takes them for the holder's certifications.
        lines += ["", "### Not issued to the holder", "",
                  "These credentials name someone else (or no one) as their recipient; they are "
                  "not the holder's certifications.", ""]
        for f in others:
            lines += _md_line(f)
    lines.append("")
    return "\n".join(lines)


def certificate(f: dict[str, Any]) -> dict[str, str]:
    name = f["name"] + (" (not verified)" if f["unverified"] else "") \
        + ("" if f["issued_to_holder"] else f" ({NOT_HOLDER})")
    cert = {"name": name, "issuer": f["issuer"].get("name") or f["issuer"].get("id") or ""}
    when = day(f.get("issued") or f.get("valid_from"))
    if when:
        cert["date"] = when
    if f.get("public_url"):
        cert["url"] = f["public_url"]
    return cert


def _fold(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


def _same(a: Any, b: dict[str, str]) -> bool:
    """Same certificate: same URL, or same name and issuer with no conflicting dates."""
    if not isinstance(a, dict):
        return False
    if a.get("url") and a.get("url") == b.get("url"):
        return True
    if _fold(a.get("name")) != _fold(b.get("name")) or _fold(a.get("issuer")) != _fold(b.get("issuer")):
        return False
    return not (a.get("date") and b.get("date")) or _fold(a.get("date"))[:10] == _fold(b.get("date"))[:10]


def json_resume(facts: list[dict[str, Any]], merge: dict[str, Any] | None,
                holder_name: str | None = None) -> dict[str, Any]:
    """`{"certificates": [...]}`, or `merge` with its certificates extended (no duplicates,
    every other section untouched). `holder_name` (`identity name`, self-asserted like the
    rest of a resume) becomes `basics.name`, unless the merged resume already has one."""
    new = [certificate(f) for f in facts]
    if merge is None:
        doc: dict[str, Any] = {"$schema": JSON_RESUME_SCHEMA}
        if holder_name:
            doc["basics"] = {"name": holder_name}
        doc["certificates"] = new
        return doc
    if not isinstance(merge, dict):
        raise BadInput("the resume to merge into must be a JSON object")
    existing = merge.get("certificates", [])
    if not isinstance(existing, list):
        raise BadInput("the resume's `certificates` is not a list")
    out = dict(merge)
    basics = merge.get("basics")
    if holder_name and (basics is None or (isinstance(basics, dict) and not basics.get("name"))):
        out["basics"] = {**(basics or {}), "name": holder_name}
    certs: list[Any] = list(existing)
    for cert in new:
        if not any(_same(c, cert) for c in certs):
            certs.append(cert)
    out["certificates"] = certs
    return out
