"""LinkedIn "Add license or certification" links, one per credential, plus the values for
entering them by hand. Every parameter is percent-encoded (RFC 3986, UTF-8), so non-ASCII
names survive. `certUrl` is given only for a link an employer can follow to verify the
credential at its issuer (export/links.py: an OB 2.0 hosted assertion, a public https
credential id); otherwise the entry says to verify it with the attached presentation.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from credwallet.export.facts import parse_date
from credwallet.export.links import ATTACHED
from credwallet.export.resume import CONTROLS

ADD_URL = "https://www.linkedin.com/profile/add"
ORG_ID_RE = re.compile(r"^[0-9]{1,20}$")
SETTING = "linkedin_org_ids"


def org_id_for(fact: dict[str, Any], org_ids: dict[str, str]) -> str | None:
    issuer = fact["issuer"]
    for key in (issuer.get("id"), issuer.get("name")):
        if key and key in org_ids:
            return org_ids[key]
    return None


def link_fields(fact: dict[str, Any], org_ids: dict[str, str]) -> list[tuple[str, str]]:
    """The query parameters, in LinkedIn's documented order."""
    fields: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", fact["name"])]
    org = org_id_for(fact, org_ids)
    if org:
        fields.append(("organizationId", org))
    else:
        issuer = fact["issuer"]
        fields.append(("organizationName", issuer.get("name") or issuer.get("id") or ""))
    issued = parse_date(fact.get("issued") or fact.get("valid_from"))
    if issued:
        fields += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    expires = parse_date(fact.get("expires"))
    if expires:
        fields += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    if fact.get("verify_link"):
        fields.append(("certUrl", fact["verify_link"]["url"]))
    if fact.get("credential_id"):
        fields.append(("certId", fact["credential_id"]))
    return fields


def link(fields: list[tuple[str, str]]) -> str:
    return f"{ADD_URL}?{urlencode(fields, quote_via=quote)}"


def entries(facts: list[dict[str, Any]], org_ids: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for f in facts:
        fields = link_fields(f, org_ids)
        out.append({"id": f["id"], "unverified": f["unverified"],
                    "issued_to_holder": f["issued_to_holder"], "url": link(fields),
                    "fields": dict(fields)})
    return out


_LABELS = [("name", "Name"), ("organizationName", "Issuing organization"),
           ("organizationId", "Issuing organization (LinkedIn id)"), ("issueYear", "Issue year"),
           ("issueMonth", "Issue month"), ("expirationYear", "Expiration year"),
           ("expirationMonth", "Expiration month"), ("certId", "Credential ID"),
           ("certUrl", "Credential URL")]


def _one_line(value: Any) -> str:
    """Issuer-supplied text on one line: a name with line breaks must not forge extra lines."""
    return " ".join(CONTROLS.sub("\ufffd", str(value)).split())


def render_text(facts: list[dict[str, Any]], org_ids: dict[str, str]) -> str:
    """Plain text: a link per credential, then a table of values for manual entry."""
    lines = ["# Add to LinkedIn: Licenses & certifications", "",
             "Open each link while signed in to LinkedIn, check the values, and save.", ""]
    for entry in entries(facts, org_ids):
        fields = entry["fields"]
        mark = "  [NOT VERIFIED]" if entry["unverified"] else ""
        if not entry["issued_to_holder"]:
            # No add-to-profile link: it would put someone else's credential on the profile.
            mark += "  [NOT ISSUED TO THE HOLDER]"
            lines += [f"## {_one_line(fields['name'])}{mark}", "",
                      "Not issued to the holder: do not add it to your profile (no link or "
                      "values given).", ""]
            continue
        lines += [f"## {_one_line(fields['name'])}{mark}", "", entry["url"], ""]
        width = max(len(label) for _, label in _LABELS)
        for key, label in _LABELS:
            if key in fields:
                lines.append(f"  {label.ljust(width)}  {_one_line(fields[key])}")
        if not any(k == "certUrl" for k in fields):
            lines.append(f"  {'Credential URL'.ljust(width)}  (leave empty: nothing public to "
                         f"follow; employers {ATTACHED}, see `credwallet export --format vp`)")
        lines.append("")
    return "\n".join(lines)
