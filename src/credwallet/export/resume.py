"""Resume formats: a Markdown section and the JSON Resume `certificates` section."""

from __future__ import annotations

import re
from typing import Any

from credwallet.errors import BadInput
from credwallet.export.facts import day
from credwallet.export.links import ATTACHED, link_label

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
NOT_HOLDER = "not issued to the holder"
AS_STATED = "as stated by the holder"
AS_WRITTEN = "as written by the issuer"
# Terminal and bidi controls in issuer text: a Markdown file is often printed to a terminal.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Inline Markdown (CommonMark + GFM) only gives meaning to these in running text: code spans,
# link brackets, backslash escapes; an HTML tag or autolink after `<`; an entity after `&`.
_ALWAYS = re.compile(r"([\\`\[\]])")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")


def _emphasis(text: str) -> str:
    """Escape `*`, `_` and `~` only where they could open or close emphasis (or GFM
    strikethrough): not between two spaces, and for `_` not inside a word."""
    out = []
    for i, ch in enumerate(text):
        if ch in "*_~":
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            intraword = ch == "_" and before.isalnum() and after.isalnum()
            if not intraword and not (before.isspace() and after.isspace()):
                out.append("\\")
        out.append(ch)
    return "".join(out)


def md_escape(text: str) -> str:
    """Text for the middle of a Markdown line (never its start): line breaks folded, controls
    replaced, and only what Markdown would read as markup escaped, so `(Level 7)`, `C#`,
    `C++` and `snake_case` come out as written."""
    folded = " ".join(CONTROLS.sub("\ufffd", text).split())
    escaped = _emphasis(_ALWAYS.sub(r"\\\1", folded))
    return _ENTITY.sub(r"\\&", _TAG_OPEN.sub(r"\\<", escaped))


def md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")


def _md_line(f: dict[str, Any], indent: str = "") -> list[str]:
    issuer = f["issuer"].get("name") or f["issuer"].get("id") or "unknown issuer"
    parts = [f"**{md_escape(f['name'])}**", md_escape(issuer)]
    when = day(f.get("issued") or f.get("valid_from"))
    if when:
        parts.append(when)
    link = f.get("verify_link")
    parts.append(f"[{link_label(link)}]({md_url(link['url'])})" if link else ATTACHED)
    line = f"{indent}- " + " · ".join(parts)
    if f["unverified"]:
        line += " · *not verified*"
    if not f["issued_to_holder"]:
        line += f" · *{NOT_HOLDER}*"
    lines = [line]
    if f.get("subject_name"):
        lines.append(f"{indent}  Name on the credential: {md_escape(f['subject_name'])} "
                     f"({AS_WRITTEN})")
    if f["skills"]:
        lines.append(f"{indent}  Skills: " + ", ".join(md_escape(s) for s in f["skills"]))
    return lines


def _md_lines(facts: list[dict[str, Any]]) -> list[str]:
    """One item per credential; the credentials that came inside another on the list (a
    learner record's courses) are listed under it, indented."""
    ids = {f["id"] for f in facts}
    children: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        if f.get("parent") in ids:
            children.setdefault(f["parent"], []).append(f)
    lines: list[str] = []
    done: set[str] = set()

    def item(f: dict[str, Any], depth: int) -> None:
        done.add(f["id"])
        lines.extend(_md_line(f, "  " * depth))
        for child in children.get(f["id"], []):
            if child["id"] not in done:
                item(child, depth + 1)

    for f in facts:
        if f.get("parent") not in ids and f["id"] not in done:
            item(f, 0)
    for f in facts:  # a parent cycle cannot happen in a wallet; never drop a line if it did
        if f["id"] not in done:
            item(f, 0)
    return lines


def render_markdown(facts: list[dict[str, Any]], holder_name: str | None = None) -> str:
    """The section; `holder_name` (`identity name`) is shown as stated by the holder."""
    lines = ["## Licenses & Certifications", ""]
    if holder_name:
        lines += [f"Holder: {md_escape(holder_name)} ({AS_STATED})", ""]
    lines += _md_lines([f for f in facts if f["issued_to_holder"]])
    others = [f for f in facts if not f["issued_to_holder"]]
    if others:
        # Under their own heading, so no reader takes them for the holder's certifications.
        lines += ["", "### Not issued to the holder", "",
                  "These credentials name someone else (or no one) as their recipient; they are "
                  "not the holder's certifications.", ""]
        lines += _md_lines(others)
    lines.append("")
    return "\n".join(lines)


def certificate(f: dict[str, Any]) -> dict[str, str]:
    name = f["name"] + (" (not verified)" if f["unverified"] else "") \
        + ("" if f["issued_to_holder"] else f" ({NOT_HOLDER})")
    cert = {"name": name, "issuer": f["issuer"].get("name") or f["issuer"].get("id") or ""}
    when = day(f.get("issued") or f.get("valid_from"))
    if when:
        cert["date"] = when
    if f.get("verify_link"):
        cert["url"] = f["verify_link"]["url"]
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
