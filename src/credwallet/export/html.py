"""One self-contained portfolio page: nothing is fetched to view it, nothing runs.

Safety: every value is escaped with html.escape; images are sanitised data: URIs shown via
<img>; the Content-Security-Policy allows no script at all, only data: images and the one
stylesheet (pinned by its hash). Links are plain http(s) anchors, opened without referrer.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from credwallet import __version__
from credwallet.artifact import embed_block
from credwallet.export.facts import day
from credwallet.export.images import data_uri
from credwallet.export.model import ExportItem

if TYPE_CHECKING:
    from credwallet.pathways.progress import NodeProgress, PathwayProgress

CSS = """
:root{color-scheme:light;--ink:#1b1b1b;--muted:#4a4a4a;--line:#c9c9c9;--ok:#0b5d1e;--okbg:#e3f2e6;
--bad:#8a1111;--badbg:#fbe9e9;--warn:#6b4a00;--warnbg:#fff4d6;--link:#0a4fa8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--ink);background:#fff}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.25rem}
header{border-bottom:2px solid var(--ink)}
h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.35rem;margin:.2rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .3rem}
p,li,dd,td{overflow-wrap:anywhere}
a{color:var(--link)}
.muted{color:var(--muted)}
.credential{border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:1.25rem 0}
.top{display:flex;gap:1.25rem;align-items:flex-start}
.top img{width:7.5rem;height:7.5rem;object-fit:contain;flex:none}
.top .facts{flex:1;min-width:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dt{font-weight:600}dd{margin:0}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:700}
.ok{background:var(--okbg);color:var(--ok)}.bad{background:var(--badbg);color:var(--bad)}
.warn{background:var(--warnbg);color:var(--warn)}
.banner{padding:.5rem .75rem;border-left:.35rem solid var(--bad);background:var(--badbg);
color:var(--bad);font-weight:600}
.narrative{white-space:pre-wrap}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top}
td.k{white-space:nowrap;overflow-wrap:normal}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;
overflow-wrap:anywhere}
progress{width:100%;height:1rem}
ul.req{padding-left:1.2rem}
.state{font-weight:700}
@media (max-width:40rem){.top{flex-direction:column}.top img{width:6rem;height:6rem}
dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
@media print{header,main,footer{max-width:none;padding:0}
.credential{break-inside:avoid-page;border-color:#888}
a[href^="http"]::after{content:" <" attr(href) ">";font-size:.8em;color:var(--muted)}
nav.toc{display:none}}
""".strip()

_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = ("default-src 'none'; img-src data:; style-src 'sha256-" + _CSS_HASH + "'; "
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


def _verdict(fact: dict[str, Any]) -> str:
    v = fact["verification"]
    if v["verified"]:
        return '<span class="verdict ok">Verified</span>'
    return '<span class="verdict bad">Not verified</span>'


def _verification(fact: dict[str, Any]) -> str:
    v = fact["verification"]
    rows = [("Result", _verdict(fact) + (" " + e(v["summary"]) if not v["verified"] else "")),
            ("Checked", e(v["checked_at"]) + " (offline, as of this time)" if v["checked_at"]
             else "never"),
            ("Signed by", f'<span class="mono">{e(v["signer"])}</span>' if v["signer"] else ""),
            ("Proof", e(v["suite"]))]
    checks = "".join(
        f'<tr><td class="k">{e(c["check"])}</td><td class="k"><span class="{_status_class(c["status"])}">'
        f'{e(c["status"])}</span></td><td>{e(c["detail"])}</td></tr>' for c in v["checks"])
    table = ("<table><caption class=\"muted\">Checks</caption><thead><tr><th scope=\"col\">Check"
             "</th><th scope=\"col\">Status</th><th scope=\"col\">Detail</th></tr></thead>"
             f"<tbody>{checks}</tbody></table>") if checks else ""
    return f"<h3>Verification</h3>{_dl(rows)}{table}"


def _status_class(status: str) -> str:
    return {"passed": "verdict ok", "failed": "verdict bad", "warning": "verdict warn"}.get(
        status, "muted")


def _credential(fact: dict[str, Any], item: ExportItem, level: int = 2) -> str:
    anchor = f"cred-{e(fact['id'])}"
    head = (f'<article class="credential" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<h{level} id="{anchor}-h">{e(fact["name"])}</h{level}>')
    ach = fact["achievement"]
    rest = "".join([
        _warning_banners(fact),
        _card_top(fact, item),
        _narratives(fact, ach),
        _criteria(ach),
        _skills(fact["skills"]),
        _alignments(ach["alignments"]),
        _assessment(item),
        _verification(fact),
        _parent_note(item),
        "</article>",
    ])
    if level != 2:  # keep the outline: sub-headings one level below the card's own heading
        rest = rest.replace("<h3>", f"<h{level + 1}>").replace("</h3>", f"</h{level + 1}>")
    return head + rest


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


def _issuer_text(issuer: dict[str, Any]) -> str:
    text = e(issuer.get("name") or issuer.get("id") or "unknown issuer")
    if issuer.get("url"):
        text = _link(issuer["url"], issuer.get("name") or issuer["url"])
    if issuer.get("name") and issuer.get("id"):
        text += f' <span class="muted mono">({e(issuer["id"])})</span>'
    if issuer.get("signed") is False:
        text += ' <span class="muted">(from an unsigned issuer profile)</span>'
    return text


def _fact_rows(fact: dict[str, Any]) -> list[tuple[str, str]]:
    """The card's key facts; a row with an empty value is left out (by _dl)."""
    ach = fact["achievement"]
    return [("Issuer", _issuer_text(fact["issuer"])),
            ("Issued", e(day(fact["issued"]) or fact["issued"])),
            ("Valid from", e(day(fact["valid_from"])) if fact["valid_from"] != fact["issued"]
             else ""),
            ("Expires", e(day(fact["expires"]) or fact["expires"])),
            ("Achievement", e(ach["name"]) if ach["name"] and ach["name"] != fact["name"] else ""),
            ("Type", e(ach["type"])),
            ("Field of study", e(ach["field_of_study"])),
            ("Credits", e(_credits(fact))),
            ("Credential id", f'<span class="mono">{e(fact["credential_id"])}</span>'
             if fact["credential_id"] else ""),
            ("Public URL", _link(fact["public_url"])),
            ("Recipient", _recipient(fact.get("subject")))]


def _card_top(fact: dict[str, Any], item: ExportItem) -> str:
    img = ""
    if item.image is not None:
        img = f'<img src="{e(data_uri(item.image))}" alt="Badge image: {e(fact["name"])}">'
    return f'<div class="top">{img}<div class="facts">{_dl(_fact_rows(fact))}</div></div>'


def _narratives(fact: dict[str, Any], ach: dict[str, Any]) -> str:
    """The credential's description, then the achievement's when it says something else."""
    out = ""
    if fact["description"]:
        out += f'<p class="narrative">{e(fact["description"])}</p>'
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


def _skills(skills: list[Any]) -> str:
    if not skills:
        return ""
    return "<h3>Skills</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in skills) + "</ul>"


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


def _parent_note(item: ExportItem) -> str:
    if not item.cred.parent_id:
        return ""
    return (f'<p class="muted">Part of credential <span class="mono">'
            f'{e(item.cred.parent_id)}</span> in this export\'s source wallet.</p>')


def _assessment(item: ExportItem) -> str:
    """Evidence, results against their required levels, endorsements, and whether any assessment
    is described at all, so a reader can tell a participation badge from an assessed one."""
    from credwallet.trust.signals import quality_signals

    q = quality_signals(item.view, item.result)
    a = q["assessment"]
    parts = ["<h3>Assessment</h3>"]
    if a["assessment"] == "none":
        parts.append('<p class="banner" role="note">No assessment described: this credential '
                     "states no criteria, evidence or results.</p>")
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
        parts.append("<p>Endorsements:</p><ul>" + "".join(f"<li>{e(x)}</li>" for x in lines)
                     + "</ul>")
    trust = q["issuer_trust"]
    if trust.get("detail"):
        parts.append(f'<p class="muted">Issuer trust ({e(trust.get("status"))}): '
                     f"{e(trust['detail'])}</p>")
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
<li>Confirm that the key that signed ("Signed by" above) belongs to the issuer you expect:
for a <code>did:web</code> key, the issuer's web site publishes it; for a <code>did:key</code>,
ask the issuer or compare with their other credentials.</li>
<li>Open Badges 2.0 badges are checked differently: open the assertion URL (hosted badges) or
check the signature against the public key in the issuer's profile (signed badges).</li>
<li>Revocation is only as current as the time shown for each check; ask the issuer if you need
it confirmed today.</li>
</ol></section>
""".strip()


def render_html(facts: list[dict[str, Any]], items: list[ExportItem], *, holder: str | None,
                generated: str, progress: PathwayProgress | None,
                presentation: str | None = None) -> str:
    unverified = sum(1 for f in facts if f["unverified"])
    pairs = list(zip(facts, items, strict=True))
    mine = [(f, i) for f, i in pairs if f["issued_to_holder"]]
    others = [(f, i) for f, i in pairs if not f["issued_to_holder"]]
    title = "Verified learning credentials" if not others else "Learning credentials"
    intro = (f"<p>{len(facts)} credential(s), exported {e(generated)} with credwallet "
             f"{e(__version__)}. Each entry shows what was checked and when.</p>")
    if holder:
        intro += f'<p class="muted">Holder: <span class="mono">{e(holder)}</span></p>'
    if unverified:
        intro += (f'<p class="banner" role="note">{unverified} credential(s) on this page did NOT '
                  "pass verification and are marked as such.</p>")
    if others:
        intro += (f'<p class="banner" role="note">{len(others)} credential(s) on this page were '
                  "NOT issued to the holder (they name someone else, or no one, as recipient). "
                  f"They are listed apart, under \u201c{e(NOT_HOLDER_BADGE)}\u201d.</p>")
    names = {f["id"]: f["name"] for f in facts}
    toc = ""
    if len(facts) > 1:
        toc = ('<nav class="toc" aria-label="Credentials"><h2>Contents</h2><ul>'
               + "".join(f'<li><a href="#cred-{e(f["id"])}">{e(f["name"])}</a>'
                         f'{" (not verified)" if f["unverified"] else ""}'
                         f'{" (not issued to the holder)" if not f["issued_to_holder"] else ""}'
                         "</li>" for f in facts)
               + "</ul></nav>")
    if others:
        # Someone else's credentials never sit under the "Verified learning credentials"
        # heading: each group gets its own section, the cards one level down.
        body = ""
        if mine:
            body += ('<section aria-labelledby="mine-h"><h2 id="mine-h">Verified learning '
                     "credentials</h2>" + "".join(_credential(f, i, 3) for f, i in mine)
                     + "</section>")
        body += ('<section aria-labelledby="others-h"><h2 id="others-h">'
                 f"{e(NOT_HOLDER_BADGE)}</h2><p>These credentials name someone else, or no one, "
                 "as their recipient. They are not the holder's.</p>"
                 + "".join(_credential(f, i, 3) for f, i in others) + "</section>")
    else:
        body = "".join(_credential(f, i) for f, i in mine)
    pathway = _pathway(progress, names) if progress is not None else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'  # constant, no quotes
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="credwallet {e(__version__)}">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{e(title)}</h1>{intro}</header><main>{pathway}{toc}{body}"
        f"{HOW_TO_VERIFY}</main>"
        # The signed presentation, as an inert data block (the CSP runs no script at all).
        f"{embed_block(presentation) if presentation else ''}"
        '<footer class="muted"><p>Generated offline by credwallet. Values come from the signed '
        "credentials unless marked otherwise.</p></footer></body></html>\n"
    )
