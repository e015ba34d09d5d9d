"""Links an employer can follow, and a résumé that reads as written (#14 item 7).

LinkedIn entries and résumé lines link to the issuer's own copy (an OB 2.0 hosted assertion,
an OB 3.0 / VC credential id that is a public https URL) or say to verify the attached
presentation; the Markdown has no escaping artefacts, a learner record's courses sit under
the record, and skills are named, not slugs. Real exports: test credentials signed here, the
CLR 2.0 spec example re-signed, and the demo's own bundle.
"""

from __future__ import annotations

import json
import re
import zipfile
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from markdown_it import MarkdownIt

from credwallet.export.links import ATTACHED, link_kind, verify_link
from credwallet.export.resume import md_escape
from credwallet.models.view import CredentialView, IssuerView
from tests.conftest import Cli
from tests.export.helpers import Issuer, add, ob3, wallet_with
from tests.export.test_formats import _clr_to_holder, export, ob2_hosted, text

RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # GitHub-flavoured enough


def rendered_text(md: str) -> str:
    """What a reader of the rendered Markdown sees (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", "", RENDER.render(md))).strip()


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer("Open Data Academy")


# --- escaping ----------------------------------------------------------------------------------

PLAIN = ["Data Analysis (Level 7)", "C# and C++ for analysts", "snake_case_tools 2.0",
         "AT&T Networking: 100% + more!", "Python 3 - advanced #1", "5 * 3 = 15", "Q&A {day}",
         "Réseaux & données | Niveau 2"]
MARKUP = ["*Advanced* [Part 1]", "`rm -rf` <script>alert(1)</script>", "__init__ &amp; ~~gone~~",
          "a\\*b", "![img](https://x.test/a.png)", "<https://evil.test>", "_lead and trail_"]


@pytest.mark.parametrize("name", PLAIN)
def test_plain_text_is_written_as_is(name: str) -> None:
    assert md_escape(name) == name  # no `\(`, `\#`, `\+`, `\_`, `\!` artefacts
    assert rendered_text(f"- **{md_escape(name)}** · x") == f"{name} · x"


@pytest.mark.parametrize("name", PLAIN + MARKUP)
def test_what_markdown_would_read_as_markup_reads_as_text(name: str) -> None:
    shown = rendered_text(f"- **{md_escape(name)}** · x")
    assert shown == f"{name} · x", shown
    assert "<a " not in RENDER.render(md_escape(name)) and "<script" not in RENDER.render(
        md_escape(name))


def test_markdown_resume_reads_as_written(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, name="Data Analysis (Level 7)",
                             cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000l7l7"))
    md = text(export(wallet, "markdown"))
    assert "**Data Analysis (Level 7)**" in md and "\\(" not in md
    assert f"**Data Analysis (Level 7)** · Open Data Academy · 2024-03-15 · {ATTACHED}" in md


# --- links -------------------------------------------------------------------------------------

def _view(fmt: str, cid: str) -> CredentialView:
    return CredentialView(wallet_id="w", format=fmt, credential_id=cid, issuer=IssuerView())


@pytest.mark.parametrize(("fmt", "cid", "expected"), [
    ("ob2-hosted", "https://badges.university.org/assertions/42", "hosted_assertion"),
    ("ob2-assertion-json", "https://badges.university.org/assertions/43", "hosted_assertion"),
    ("ob3-ldp", "https://creds.university.org/c/1", "credential_id"),
    ("ob3-jwt", "https://creds.university.org/c/2", "credential_id"),
    ("clr-ldp", "https://records.university.org/clr/3", "credential_id"),
    ("vc-ldp", "https://creds.university.org/c/4", "credential_id"),
    # Followable only when public https and the issuer's copy is there:
    ("ob2-signed", "https://badges.university.org/assertions/44", None),  # checked by signature
    ("ob3-ldp", "urn:uuid:4d7f0f1e-0001-4f00-9a00-000000000001", None),
    ("ob3-ldp", "http://creds.university.org/c/1", None),
    ("ob3-ldp", "https://127.0.0.1:8443/c/1", None),
    ("ob2-hosted", "https://localhost/assertions/1", None),
    ("sd-jwt-vc", "https://creds.university.org/c/5", None),
    ("made-up-format", "https://creds.university.org/c/6", None),
])
def test_which_ids_an_employer_can_follow(fmt: str, cid: str, expected: str | None) -> None:
    link = verify_link(_view(fmt, cid))
    assert (link["kind"] if link else None) == expected
    if link:
        assert link["url"] == cid and link_kind(fmt) == expected


def test_linkedin_and_resume_link_to_the_issuers_copy_or_the_presentation(issuer: Issuer) -> None:
    hosted = ob2_hosted("Community Mentor")
    wallet = wallet_with(
        ob3(issuer, name="Online Badge", cred_id="https://creds.university.org/c/77"),
        ob3(issuer, name="Offline Badge", cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-0000000000ff"))
    wallet.credentials.append(hosted)
    md = text(export(wallet, "markdown"))
    lines = {line.split("**")[1]: line for line in md.splitlines() if line.startswith("- **")}
    assert lines["Online Badge"].endswith("[verify at the issuer](https://creds.university.org/c/77)")
    assert lines["Offline Badge"].endswith(ATTACHED)
    assert lines["Community Mentor"].endswith(
        "[verify at the issuer (hosted assertion)](https://badges.example.org/assertions/42)")

    linkedin = text(export(wallet, "linkedin"))
    urls = [dict(parse_qsl(urlsplit(u).query)) for u in
            re.findall(r"^https://www\.linkedin\.com/profile/add\?\S+$", linkedin, re.M)]
    by_name = {u["name"]: u for u in urls}
    assert by_name["Online Badge"]["certUrl"] == "https://creds.university.org/c/77"
    assert by_name["Community Mentor"]["certUrl"] == "https://badges.example.org/assertions/42"
    assert "certUrl" not in by_name["Offline Badge"]
    offline = linkedin[linkedin.index("## Offline Badge"):]
    assert ATTACHED in offline.split("\n## ")[0]

    certs = {c["name"]: c for c in json.loads(export(wallet, "jsonresume").content)["certificates"]}
    assert certs["Online Badge"]["url"] == "https://creds.university.org/c/77"
    assert certs["Community Mentor"]["url"] == "https://badges.example.org/assertions/42"
    assert "url" not in certs["Offline Badge"]


# --- skills and learner records ------------------------------------------------------------------

def test_skills_are_named_not_slugs(issuer: Issuer) -> None:
    aligned = ob3(issuer, name="SQL for Analysts", tags=["sql", "data-analytics"],
                  cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-0000000005q1",
                  alignments=[{"targetName": "Querying relational data",
                               "targetUrl": "https://framework.example.org/SQL-1"}])
    tagged = ob3(issuer, name="Spreadsheets", tags=["data-analytics", "pivot_tables", "Excel"],
                 cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-0000000005q2")
    md = text(export(wallet_with(aligned, tagged), "markdown"))
    assert "  Skills: Querying relational data\n" in md  # the skill's name; tags left out
    assert "  Skills: data analytics, pivot tables, Excel\n" in md  # no alignment: words, not slugs
    assert "data-analytics" not in md and "pivot_tables" not in md


def test_a_learner_records_courses_are_listed_under_it(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, name="Standalone Badge",
                             cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-0000000000aa"))
    clr_id = add(wallet, _clr_to_holder(issuer), source="clr-simple.json")
    children = [c for c in wallet.credentials if c.parent_id == clr_id]
    assert children
    md = text(export(wallet, "markdown"))
    lines = md.splitlines()
    record = next(i for i, line in enumerate(lines) if line.startswith("- **Sample Transcript**"))
    nested = [line for line in lines[record + 1:] if line.startswith("  - **")]
    assert [line.split("**")[1] for line in nested] == [c.name for c in children]
    assert lines.count("- **Standalone Badge** · Open Data Academy · 2024-03-15 · " + ATTACHED) == 1
    html = RENDER.render(md)
    assert re.search(r"Sample Transcript</strong>[^<]*\n<ul>\n<li><strong>Teamwork Badge", html)


def test_demo_bundle_resume_and_linkedin(tmp_path: Path, cw: Cli) -> None:
    """The demo's own export: a CLR of Lakeshore courses, badges aligned to a skills framework,
    credentials whose ids are urn:uuid or on the loopback site (nothing public to follow)."""
    out = cw("demo", "--json", "-o", str(tmp_path / "demo"))
    assert out.code == 0, out.stderr[-2000:]
    with zipfile.ZipFile(out.json()["exports"]["bundle"]) as z:
        md = z.read("resume.md").decode("utf-8")
        linkedin = z.read("linkedin.txt").decode("utf-8")
    lines = md.splitlines()
    record = next(i for i, line in enumerate(lines) if "learner record" in line)
    assert lines[record].startswith("- **Alex Rivera: Lakeshore Community College learner record**")
    nested = [line.split("**")[1] for line in lines[record + 1:] if line.startswith("  - **")]
    assert "ENG 101 English Composition" in nested and "IT 110 Networking Fundamentals" in nested
    assert "\n- **ENG 101" not in md  # only under the record
    assert "Skills: Programming for data analysis" in md  # the framework skill's name
    assert not re.search(r"\\[()#+.!-]", md), md  # no escaping artefacts
    items = [line for line in lines if line.lstrip().startswith("- **")]
    assert items and all(line.endswith(ATTACHED) for line in items)
    assert "certUrl" not in linkedin and ATTACHED in linkedin
