"""One self-contained portfolio page for its reader (an employer): nothing is fetched to view
it, nothing runs. A summary table first (one row per credential: name, issuer, date, status),
then one collapsed `<details>` per credential (what it says, and its checks in plain words with
the technical detail folded inside), then how to verify it all independently (#14).

Safety: every value is escaped with html.escape; images are sanitised data: URIs shown via
<img>; the Content-Security-Policy allows no script at all, only data: images and the one
stylesheet (pinned by its hash). Links are plain http(s) anchors, opened without referrer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from html import escape
from typing import TYPE_CHECKING, Any

from credwallet import __version__
from credwallet.artifact import embed_block
from credwallet.export.facts import day, display_id, human_date, parse_date
from credwallet.export.html_style import CSS, CSS_HASH
from credwallet.export.images import data_uri
from credwallet.export.model import ExportItem

if TYPE_CHECKING:
    from credwallet.pathways.progress import NodeProgress, PathwayProgress

CSP = ("default-src 'none'; img-src data:; style-src 'sha256-" + CSS_HASH + "'; "
       "base-uri 'none'; form-action 'none'")
def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _link(url: str | None, text: str | None = None) -> str:
    """An anchor for http(s) URLs; anything else (javascript:, data:, urn:) is shown as text."""
    if not url:
        return ""
    label = e(text if text is not None else url)
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{label}</a>'
    return f'<span class="mono">{label}</span>'


def _dl(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in rows if v)
    return f"<dl>{body}</dl>" if body else ""


def _time(value: str | None) -> str:
    """A date as people read it ("15 March 2024"); the exact value stays in `datetime`."""
    shown = human_date(value)
    if shown is None:
        return e(value)
    return f'<time datetime="{e(value)}">{e(shown)}</time>'


def _id(value: str | None) -> str:
    """An identifier (DID, URL, URN) in monospace, percent-decoded for display when a DID."""
    return f'<span class="mono">{e(display_id(value))}</span>' if value else ""


def _signer_did(fact: dict[str, Any]) -> str | None:
    """Who signed, as the reader can look it up: the issuer's id when its key checked out as
    the issuer's, else the DID part of the verification method."""
    v = fact["verification"]
    checks = {c["check"]: c for c in v["checks"]}
    issuer_id = fact["issuer"].get("id")
    if issuer_id and checks.get("key_binding", {}).get("status") == "passed":
        return str(issuer_id)
    signer = v.get("signer")
    return str(signer).split("#", 1)[0] if signer else None


def _revocation(fact: dict[str, Any]) -> str:
    v = fact["verification"]
    check = next((c for c in v["checks"] if c["check"] == "revocation"), None)
    when = _time(v["checked_at"])
    if check is None:
        return "revocation not checked"
    detail = str(check.get("detail", "")).lower()
    if check["status"] == "passed":
        if "declares no status" in detail or "cannot revoke" in detail:
            return "not revocable (the issuer gave it no status entry)"
        return f"not revoked as of {when}"
    if check["status"] == "failed":
        return "REVOKED or suspended"
    return f"revocation could not be confirmed as of {when}"


def _verdict_line(fact: dict[str, Any]) -> str:
    """One sentence in plain words: what the reader can rely on."""
    v = fact["verification"]
    if not v["verified"]:
        failed = [c for c in v["checks"] if c["status"] == "failed"]
        # In plain words where there are some; the raw details are in the technical table.
        why = " ".join(_PLAIN[c["check"]][1] if c["check"] in _PLAIN and _PLAIN[c["check"]][1]
                       else f'{c["check"].replace("_", " ")}: {c["detail"]}.'
                       for c in failed[:2]) or v["summary"]
        return (f'<p class="line"><span class="verdict bad">Not verified</span>: '
                f"{e(why)}</p>")
    who = _signer_did(fact)
    signed = f"signed by {_id(who)}" if who else "checked with the issuer"
    return (f'<p class="line"><span class="verdict ok">Verified</span>: {signed}, '
            f"{_revocation(fact)}.</p>")


def _technical(fact: dict[str, Any]) -> str:
    """The checks as run, for a reader who wants them: folded inside the details."""
    v = fact["verification"]
    rows = [("Checked", (_time(v["checked_at"]) + " " + e(_clock(v["checked_at"]))
                         + ", offline, with what the holder's wallet had cached")
             if v["checked_at"] else "never"),
            ("Signing key", _id(v["signer"])),
            ("Proof", e(v["suite"])),
            ("Credential id", _id(fact["credential_id"]))]
    checks = "".join(
        f'<tr><td>{e(c["check"])}</td><td><span class="{_status_class(s)}">'
        f'{e(s)}</span></td><td>{e(d)}</td></tr>'
        for c in v["checks"] for s, d in [_for_reader(c)])
    table = ('<table><caption class="muted">Checks</caption><thead><tr><th scope="col">Check'
             '</th><th scope="col">Status</th><th scope="col">Detail</th></tr></thead>'
             f"<tbody>{checks}</tbody></table>") if checks else ""
    return (f'<details class="tech"><summary>Technical detail: {e(v["summary"])}</summary>'
            f"{_dl(rows)}{table}</details>")


# One sentence per check, in plain words: (passed, failed) wording; a warning shows its detail.
_PLAIN: dict[str, tuple[str, str]] = {
    "proof": ("The signature is valid: nothing was changed after the issuer signed it.",
              "The signature does not match: the content was changed or the signature is "
              "broken."),
    "key_binding": ("The signing key belongs to the issuer named on it.",
                    "The signing key is not shown to belong to the issuer named on it."),
    "not_before": ("Its validity period had begun.", "It is not valid yet."),
    "expiry": ("It had not expired.", "It has expired."),
    "recipient": ("It was issued to the holder.", "It was not issued to the holder."),
    "schema": ("Its required fields are present and well formed.",
               "Required fields are missing or malformed."),
    "contexts": ("Its terms mean what the published standards say (known JSON-LD contexts).",
                 "Its vocabulary is unknown or redefines standard terms."),
    "nested": ("Every credential inside it checked out too.",
               "A credential inside it did not check out."),
    "format": ("", "It could not be read as a credential."),
}


def _plain_checks(fact: dict[str, Any]) -> str:
    """What was checked, in plain words with a text mark (not colour alone); the check names
    and raw details stay in the technical table."""
    items = []
    for c in fact["verification"]["checks"]:
        name, status = c["check"], c["status"]
        if name == "revocation":
            text = _revocation(fact)
            text = text[0].upper() + text[1:] + "."
        elif name in _PLAIN and status in ("passed", "failed"):
            text = _PLAIN[name][0 if status == "passed" else 1]
        elif status in ("warning", "failed") and name not in ("issuer_trust", "holder_binding"):
            text = f"{name.replace('_', ' ').capitalize()}: {c['detail']}"
        else:
            continue
        if text:
            mark = {"passed": ("\u2713", "ok"), "failed": ("\u2717", "bad")}.get(status, ("!", "warn"))
            items.append(f'<li><span class="mark" aria-hidden="true">{mark[0]}</span>'
                         f'<span class="sr-label">{e(_STATUS_WORD.get(status, status))}: </span>'
                         f"{e(text) if name != 'revocation' else text}</li>")
    return f'<ul class="checks">{"".join(items)}</ul>' if items else ""


_STATUS_WORD = {"passed": "Passed", "failed": "Failed", "warning": "Warning", "skipped": "Skipped"}


def _clock(value: str | None) -> str:
    dt = parse_date(value)
    return f"{dt.astimezone(UTC):%H:%M} UTC" if dt else ""


def _for_reader(check: dict[str, Any]) -> tuple[str, str]:
    """Status and detail of a check as the reader should read them. The issuer_trust check
    is about the holder's own trust list: it says nothing the reader can rely on, so it is
    restated neutrally (and is never shown as a warning about the credential)."""
    if check["check"] != "issuer_trust":
        return str(check["status"]), str(check["detail"])
    if check["status"] == "passed":
        return ("info", "the holder's wallet lists this issuer as recognised (the holder's own "
                "choice, not an independent endorsement)")
    return ("info", "the holder's wallet does not list this issuer as recognised; this says "
            "nothing about the signature, which is checked above")


def _status_class(status: str) -> str:
    return {"passed": "verdict ok", "failed": "verdict bad", "warning": "verdict warn"}.get(
        status, "muted")


def _credential(fact: dict[str, Any], item: ExportItem, anchors: dict[str, str]) -> str:
    """One credential, collapsed to a line (image, name, status, issuer and date); opened, what
    it says, then how it was checked."""
    anchor = anchors[fact["id"]]
    ach = fact["achievement"]
    body = "".join([
        _warning_banners(fact),
        _card_facts(fact),
        _summary(fact),
        _no_assessment(item),
        _dl(_detail_rows(fact)),
        _narratives(fact, ach),
        _criteria(ach),
        _alignments(ach["alignments"]),
        _assessment(item),
        "<h4>How it was checked</h4>",
        _verdict_line(fact),
        _plain_checks(fact),
        _technical(fact),
        _parent_note(item, anchors),
    ]).replace("<h3>", "<h4>").replace("</h3>", "</h4>")  # below the card's own h3
    img = ""
    if item.image is not None:
        img = f'<img src="{e(data_uri(item.image))}" alt="Badge image: {e(fact["name"])}">'
    when = _time(_issued(fact))
    sub = e(_issuer_name(fact["issuer"])) + (f" · {when}" if when else "")
    return (f'<article class="credential" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<details><summary>{img}<span class="head"><h3 id="{anchor}-h">{e(fact["name"])}'
            f'</h3><span class="sub">{sub}</span></span>'
            f'<span class="badges">{_badges(fact)}</span></summary>'
            f'<div class="body">{body}</div></details></article>')


def _issued(fact: dict[str, Any]) -> str | None:
    value = fact["issued"] or fact["valid_from"]
    return str(value) if value else None


def _issuer_name(issuer: dict[str, Any]) -> str:
    return str(issuer.get("name") or display_id(issuer.get("id")) or "an unknown issuer")


# Status word -> (badge text, colour class). `status` comes from export/facts.py.
_BADGE = {"verified": ("Verified", "ok"), "not_verified": ("Not verified", "bad"),
          "expired": ("Expired", "warn"), "revoked": ("Revoked", "bad"),
          "suspended": ("Suspended", "bad")}


def _badges(fact: dict[str, Any]) -> str:
    """The status badge (text, not colour alone), and "Not issued to the holder" when so."""
    text, cls = _BADGE.get(fact["status"], ("Not verified", "bad"))
    out = f'<span class="badge {cls}">{e(text)}</span>'
    if not fact["issued_to_holder"]:
        out += f' <span class="badge bad">{e(NOT_HOLDER_BADGE)}</span>'
    return out


def _warning_banners(fact: dict[str, Any]) -> str:
    """Said first, so no reader takes someone else's or an unverified credential at face value."""
    out = ""
    if not fact["issued_to_holder"]:
        out += (f'<p><span class="verdict bad">{e(NOT_HOLDER_BADGE)}</span></p>'
                '<p class="banner" role="note">NOT ISSUED TO THE HOLDER: '
                f'{e(fact["not_issued_to_holder"])}. It is shown at the holder\'s request; '
                "it is not the holder's credential and proves nothing about the holder.</p>")
    if fact["unverified"]:
        out += ('<p class="banner" role="note">NOT VERIFIED: this credential did not pass '
                "verification (see below). It is included at the holder's request; do not "
                "rely on it.</p>")
    return out


def _issuer_text(issuer: dict[str, Any], with_id: bool = True) -> str:
    """The issuer's name (bold; linked to its web site when it gives one) and identifier. The
    identifier is left out when the verdict line already names it as the verified signer."""
    name = issuer.get("name")
    if not name and not issuer.get("id"):
        return "an unknown issuer"
    if not name:
        return _id(issuer["id"])
    text = _link(issuer["url"], name) if issuer.get("url") else f"<strong>{e(name)}</strong>"
    if issuer.get("id") and with_id:
        text += " " + _id(issuer["id"])
    if issuer.get("signed") is False:
        text += ' <span class="muted">(name from an unsigned issuer profile)</span>'
    return text


def _dates(fact: dict[str, Any]) -> str:
    parts = []
    if fact["issued"]:
        parts.append("Issued " + _time(fact["issued"]))
    if fact["valid_from"] and fact["valid_from"] != fact["issued"]:
        parts.append("valid from " + _time(fact["valid_from"]))
    if fact["expires"]:
        parts.append("expires " + _time(fact["expires"]))
    return f'<p class="line">{" · ".join(parts)}</p>' if parts else ""


def _card_facts(fact: dict[str, Any]) -> str:
    """Who issued it (neutrally: name, identifier, any registry listing), its dates, and the
    name the issuer wrote for the subject."""
    subject = ""
    if fact.get("subject_name"):
        subject = (f'<p class="line">Name on the credential: <strong>'
                   f'{e(fact["subject_name"])}</strong> <span class="muted">(as written by the '
                   "issuer)</span></p>")
    registry = _registry_listing(fact)
    return (f'<p class="line">Issuer: {_issuer_text(fact["issuer"])}</p>{registry}'
            f"{_dates(fact)}{subject}")


def _registry_listing(fact: dict[str, Any]) -> str:
    """Known-issuer registries the issuer is listed in: a public fact the reader can check
    (unlike the holder's own trust list, which is not shown)."""
    lines = []
    for x in fact["verification"].get("registry_listings", []):
        name = f" as \u201c{e(x['name'])}\u201d" if x.get("name") else ""
        reg = e(x.get("registry_name") or x["registry"])
        where = f' <span class="muted">({e(x["registry"])})</span>' if x.get("registry_name") else ""
        lines.append(f'<p class="line">Listed{name} in the registry {reg}{where} '
                     f'<span class="muted">(as of {_time(x["as_of"])})</span></p>')
    return "".join(lines)


def _summary(fact: dict[str, Any]) -> str:
    """The description (whole: the card is folded anyway), skills, where to check it online."""
    out = ""
    desc = (fact["description"] or "").strip()
    if desc:
        out += f'<p class="line narrative">{e(desc)}</p>'
    if fact["skills"]:
        out += f'<p class="line">Skills: {" · ".join(e(x) for x in fact["skills"])}</p>'
    link = fact.get("verify_link")
    if link:
        out += f'<p class="line">{_link(link["url"], "Check it at the issuer")}</p>'
    return out


def _no_assessment(item: ExportItem) -> str:
    from credwallet.trust.assessment import assessment_summary

    if assessment_summary(item.view)["assessment"] != "none":
        return ""
    return ('<p class="line muted">No assessment described: this credential states no '
            "criteria, evidence or results.</p>")


def _detail_rows(fact: dict[str, Any]) -> list[tuple[str, str]]:
    """The rest of the credential's facts; a row with an empty value is left out (by _dl)."""
    ach = fact["achievement"]
    return [("Achievement", e(ach["name"]) if ach["name"] and ach["name"] != fact["name"] else ""),
            ("Type", e(ach["type"])),
            ("Field of study", e(ach["field_of_study"])),
            ("Credits", e(_credits(fact))),
            ("Recipient", _recipient(fact.get("subject")))]


def _narratives(fact: dict[str, Any], ach: dict[str, Any]) -> str:
    """The achievement's description when it says something else than the credential's."""
    out = ""
    if ach["description"] and ach["description"] != fact["description"]:
        out += f'<h3>About the achievement</h3><p class="narrative">{e(ach["description"])}</p>'
    return out


def _criteria(ach: dict[str, Any]) -> str:
    if not (ach["criteria"] or ach["criteria_url"]):
        return ""
    out = "<h3>Criteria</h3>"
    if ach["criteria"]:
        out += f'<p class="narrative">{e(ach["criteria"])}</p>'
    if ach["criteria_url"]:
        out += f"<p>{_link(ach['criteria_url'])}</p>"
    return out


def _alignments(alignments: list[dict[str, Any]]) -> str:
    if not alignments:
        return ""
    return "<h3>Alignments</h3><ul>" + "".join(_alignment(a) for a in alignments) + "</ul>"


def _alignment(a: dict[str, Any]) -> str:
    """One framework target: its name (linked when it has a URL), the other identifying parts
    that add something, and its description."""
    label = a.get("target_name") or a.get("target_code") or a.get("target_url") or "?"
    extra = " · ".join(e(x) for x in (a.get("target_code"), a.get("target_framework"),
                                      a.get("target_type")) if x and x != label)
    text = _link(a["target_url"], label) if a.get("target_url") else e(label)
    return (f"<li>{text}{' <span class=muted>(' + extra + ')</span>' if extra else ''}"
            f"{'<br>' + e(a['target_description']) if a.get('target_description') else ''}"
            "</li>")


def _parent_note(item: ExportItem, anchors: dict[str, str]) -> str:
    """A credential that came inside another (a CLR or presentation): named by its place on
    this page, never by a wallet id."""
    parent = item.cred.parent_id
    if not parent:
        return ""
    if parent in anchors:
        return (f'<p class="muted">Part of <a href="#{anchors[parent]}">another credential on '
                "this page</a>.</p>")
    return '<p class="muted">It came inside another credential (a CLR or presentation).</p>'



def _assessment(item: ExportItem) -> str:
    """Evidence, results against their required levels, endorsements, and whether any assessment
    is described at all, so a reader can tell a participation badge from an assessed one."""
    from credwallet.trust.signals import quality_signals

    q = quality_signals(item.view, item.result)
    a = q["assessment"]
    parts = ["<h3>Assessment</h3>"]
    if a["assessment"] == "none":
        parts.append("<p>None described.</p>")
    for flag in a["flags"]:
        if not flag.startswith("no assessment"):
            parts.append(f'<p class="muted">{e(flag)}</p>')
    rows = []
    for r in a["results"]:
        level = (r.get("achieved_level") or {}).get("name") or r.get("value") or r.get("status")
        required = (r.get("required_level") or {}).get("name") or r.get("required_value")
        meets = {True: "meets the requirement", False: "below the requirement"}.get(
            r.get("meets_requirement"), "")
        rows.append(f"<tr><td>{e(r.get('name') or r.get('result_type') or 'Result')}</td>"
                    f"<td>{e(level)}</td><td>{e(required)}</td><td>{e(meets)}</td></tr>")
    if rows:
        parts.append("<table><caption>Results</caption><thead><tr><th scope=col>Result</th>"
                     "<th scope=col>Achieved</th><th scope=col>Required</th><th scope=col>"
                     "</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    evidence = [ev for ev in a["evidence"] if any(ev.values())]
    if evidence:
        entries = []
        for ev in evidence:
            label = _link(ev["id"], ev.get("name")) if ev.get("id") else e(ev.get("name"))
            note = ev.get("narrative") or ev.get("description")
            entries.append(f"<li>{label}{' — ' + e(note) if note else ''}</li>")
        parts.append("<p>Evidence:</p><ul>" + "".join(entries) + "</ul>")
    activity = a["activity"]
    if activity.get("start") or activity.get("end"):
        parts.append(f"<p>Activity: {e(day(activity.get('start')) or '?')} to "
                     f"{e(day(activity.get('end')) or '?')}</p>")
    lines = q["endorsements"]["lines"]
    if lines:
        parts.append("<p>Endorsements, as the holder's wallet checked them:</p><ul>"
                     + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>")
    return "".join(parts)


def _recipient(subject: dict[str, Any] | None) -> str:
    """Only present with --include-identity."""
    if not subject:
        return ""
    recipient = subject.get("recipient") or {}
    value = subject.get("id") or recipient.get("identity")
    return f'<span class="mono">{e(value)}</span>' if value else ""


def _credits(fact: dict[str, Any]) -> str:
    earned, avail = fact["credits_earned"], fact["achievement"]["credits_available"]
    if earned is None and avail is None:
        return ""
    if earned is not None and avail is not None:
        return f"{earned:g} earned of {avail:g} available"
    return f"{earned:g} earned" if earned is not None else f"{avail:g} available"


NOT_HOLDER_BADGE = "Not issued to the holder"

_STATE = {"satisfied": "Done", "partial": "In progress", "missing": "Not yet"}


def _node(n: NodeProgress, names: dict[str, str]) -> str:
    matched = ", ".join(e(names.get(i, i)) for i in n.matched_by)
    sub = "".join(_node(c, names) for c in n.requirements)
    return (f'<li><span class="state">{e(_STATE.get(n.state, n.state))}:</span> {e(n.title)}'
            + (f' <span class="muted">— met by {matched}</span>' if matched else "")
            + (f"<ul class=\"req\">{sub}</ul>" if sub else "") + "</li>")


def _pathway(p: PathwayProgress, names: dict[str, str]) -> str:
    pct = round(p.progress * 100)
    status = "complete" if p.complete else f"{pct}% complete"
    desc = f'<p class="narrative">{e(p.description)}</p>' if p.description else ""
    credits = (f"<p>Credits: {p.credits.earned:g} of {p.credits.required:g}</p>"
               if p.credits else "")
    return ('<section aria-labelledby="pathway-h"><h2 id="pathway-h">Pathway: '
            f"{e(p.title)}</h2>{desc}<p>{e(p.satisfied)} of {e(p.required)} requirements met "
            f"({e(status)}).</p>"
            f'<progress max="100" value="{pct}" aria-label="Pathway progress">{pct}%</progress>'
            f"{credits}<ul class=\"req\">{''.join(_node(n, names) for n in p.requirements)}</ul>"
            "</section>")


HOW_TO_VERIFY = """
<section aria-labelledby="how-h"><h2 id="how-h">How to verify this yourself</h2>
<p>This page is a summary: it is not proof on its own. The proof is the signed original of each
credential, which the holder can send you (the export bundle holds them in
<code>credentials/</code>, and <code>presentation.json</code> holds the holder's own ones, signed by
the holder).</p>
<ol>
<li>Check each original with any verifier you trust. With credwallet:
<code>credwallet verify --file presentation.json</code> or
<code>credwallet verify --file credentials/NAME.json</code>. No wallet and no network are needed
for credentials signed with did:key keys.</li>
<li>Open Badges 3.0 and W3C verifiable credentials can also be checked with any W3C Data
Integrity or VC-JWT verifier (for example the 1EdTech Open Badges validator or Digital
Bazaar's <code>@digitalbazaar/vc</code> library).</li>
<li>Confirm that the identifier each card says signed it belongs to the issuer you expect:
for a <code>did:web</code> key, the issuer's web site publishes it; for a <code>did:key</code>,
ask the issuer or compare with their other credentials.</li>
<li>Open Badges 2.0 badges are checked differently: open the assertion URL (hosted badges) or
check the signature against the public key in the issuer's profile (signed badges).</li>
<li>Revocation is only as current as the date shown on each card; ask the issuer if you need
it confirmed today.</li>
<li>The holder's name at the top is what the holder typed; the credentials are tied to the
holder's key, not to that name. A name the issuer wrote is shown on the card as such.</li>
</ol></section>
""".strip()


def _holder(holder: str | None, holder_name: str | None) -> str:
    if holder_name:
        who = (f'<p>Holder: <strong>{e(holder_name)}</strong> <span class="muted">(as stated by '
               "the holder)</span></p>")
        if holder:
            who += f'<p class="muted">Holder\'s key: {_id(holder)}</p>'
        return who
    return f'<p class="muted">Holder\'s key: {_id(holder)}</p>' if holder else ""


def _summary_table(facts: list[dict[str, Any]], anchors: dict[str, str]) -> str:
    """One row per credential: name (a link to its details), issuer, date, status."""
    rows = "".join(
        f'<tr><th scope="row"><a href="#{anchors[f["id"]]}">{e(f["name"])}</a></th>'
        f'<td class="issuer">{e(_issuer_name(f["issuer"]))}</td>'
        f'<td class="when">{_time(_issued(f)) or "date not given"}</td>'
        f'<td class="status">{_badges(f)}</td></tr>' for f in facts)
    return ('<section aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
            '<table class="summary"><thead><tr><th scope="col">Credential</th>'
            '<th scope="col">Issuer</th><th scope="col">Date</th><th scope="col">Status</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def _intro(facts: list[dict[str, Any]], holder: str | None, holder_name: str | None,
           generated: str, others: int) -> str:
    unverified = sum(1 for f in facts if f["unverified"])
    intro = _holder(holder, holder_name)
    intro += (f"<p>{len(facts)} credential{'s' if len(facts) != 1 else ''}, each checked on "
              f"{_time(generated)} when this page was made (credwallet {e(__version__)}).</p>")
    if unverified:
        intro += (f'<p class="banner" role="note">{unverified} credential(s) on this page did NOT '
                  "pass verification and are marked as such.</p>")
    if others:
        intro += (f'<p class="banner" role="note">{others} credential(s) on this page were '
                  "NOT issued to the holder (they name someone else, or no one, as recipient). "
                  f"They are listed apart, under \u201c{e(NOT_HOLDER_BADGE)}\u201d.</p>")
    return intro


def _heading(facts: Iterable[dict[str, Any]]) -> str:
    """"Verified" only over credentials that all verified and are all the holder's (#14)."""
    shown = list(facts)
    if all(f["issued_to_holder"] and not f["unverified"] for f in shown):
        return "Verified learning credentials"
    if all(f["issued_to_holder"] for f in shown):
        return "The holder's learning credentials"
    return "Learning credentials"


def _details(pairs: list[tuple[dict[str, Any], ExportItem]], anchors: dict[str, str]) -> str:
    """Every credential's details; someone else's never under the "Verified learning
    credentials" heading: each group gets its own section."""
    hint = ('<p class="muted screen-hint">Open a credential for what it says and how it was '
            "checked.</p>")
    mine = [(f, i) for f, i in pairs if f["issued_to_holder"]]
    others = [(f, i) for f, i in pairs if not f["issued_to_holder"]]
    if not others:
        return ('<section aria-labelledby="details-h"><h2 id="details-h">Details</h2>' + hint
                + "".join(_credential(f, i, anchors) for f, i in mine) + "</section>")
    body = ""
    if mine:
        body += ('<section aria-labelledby="mine-h"><h2 id="mine-h">'
                 f"{e(_heading(f for f, _ in mine))}</h2>" + hint
                 + "".join(_credential(f, i, anchors) for f, i in mine) + "</section>")
    body += ('<section aria-labelledby="others-h"><h2 id="others-h">'
             f"{e(NOT_HOLDER_BADGE)}</h2><p>These credentials name someone else, or no one, "
             "as their recipient. They are not the holder's.</p>"
             + "".join(_credential(f, i, anchors) for f, i in others) + "</section>")
    return body


def render_html(facts: list[dict[str, Any]], items: list[ExportItem], *, holder: str | None,
                generated: str, progress: PathwayProgress | None,
                presentation: str | None = None, holder_name: str | None = None) -> str:
    """The page, addressed to its reader (an employer, a university): `holder_name` is the
    name the holder gave (`identity name`), shown as stated by the holder."""
    pairs = list(zip(facts, items, strict=True))
    others = sum(1 for f in facts if not f["issued_to_holder"])
    title = _heading(facts)
    # Cards are anchored by their place on the page, never by a wallet id.
    anchors = {f["id"]: f"cred-{n}" for n, f in enumerate(facts, 1)}
    names = {f["id"]: f["name"] for f in facts}
    pathway = _pathway(progress, names) if progress is not None else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'  # constant, no quotes
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="credwallet {e(__version__)}">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{e(title)}</h1>{_intro(facts, holder, holder_name, generated, others)}"
        f"</header><main>{_summary_table(facts, anchors)}{pathway}{_details(pairs, anchors)}"
        f"{HOW_TO_VERIFY}</main>"
        # The signed presentation, as an inert data block (the CSP runs no script at all).
        f"{embed_block(presentation) if presentation else ''}"
        '<footer class="muted"><p>Generated offline by credwallet. Values come from the signed '
        "credentials unless marked otherwise.</p></footer></body></html>\n"
    )
