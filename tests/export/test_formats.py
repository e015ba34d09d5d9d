"""Every export format from an in-memory wallet of credentials signed in the test."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from hashlib import sha256
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from credwallet.errors import UsageError
from credwallet.export import ExportOptions, ExportResult, run_export
from credwallet.export.runner import NothingToExport
from credwallet.export.vp import OB2_TERM, OTHER_DID_REASON
from credwallet.models.entry import StoredCredential, WalletData
from credwallet.models.results import Check, VerificationResult
from credwallet.verify import DictMaterial, verify_bytes, verify_stored
from tests.export.helpers import (
    HOLDER_DID,
    HOSTILE_SVG,
    NOW,
    OTHER_DID,
    V2,
    Issuer,
    add,
    data_uri,
    ob3,
    png,
    wallet_with,
)

EMAIL = "learner.private@example.net"


def export(wallet: WalletData, fmt: str, **kw: Any) -> ExportResult:
    before = wallet.model_dump_json()
    result = run_export(wallet, ExportOptions(fmt=fmt, now=NOW, **kw))
    assert wallet.model_dump_json() == before, "exporting must never modify the wallet"
    return result


def text(result: ExportResult) -> str:
    return result.content.decode("utf-8")


def reverify(wallet: WalletData, raw: bytes) -> VerificationResult:
    return verify_bytes(raw, now=NOW, material=DictMaterial(wallet.cache),
                        holder_did=wallet.holder.did)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer("Université de Genève — Faculté des sciences")


def ob2_hosted(name: str = "Community Mentor") -> StoredCredential:
    doc = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
           "id": "https://badges.example.org/assertions/42",
           "recipient": {"type": "email", "hashed": True,
                         "identity": "sha256$" + sha256(EMAIL.encode()).hexdigest()},
           "badge": {"type": "BadgeClass", "id": "https://badges.example.org/badges/mentor",
                     "name": name, "description": "Mentored ten newcomers.",
                     "criteria": {"narrative": "Mentor ten people."},
                     "issuer": {"type": "Profile", "id": "https://badges.example.org/issuer",
                                "name": "Example Badges", "url": "https://badges.example.org"}},
           "verification": {"type": "hosted"}, "issuedOn": "2023-09-01T00:00:00Z"}
    raw = json.dumps(doc)
    return StoredCredential(
        id="0b2000000000aaaa", format="ob2-hosted", raw=raw, source=doc["id"], imported_at=NOW,
        name=name, verification=VerificationResult.from_checks(
            [Check(check="proof", status="passed", detail="hosted assertion matches its URL"),
             Check(check="recipient", status="passed", detail=f"recipient is salted hash of {EMAIL}")],
            checked_at=NOW))


# --- vp ---------------------------------------------------------------------------------------

def test_vp_holds_originals_unchanged_and_verifies(issuer: Issuer) -> None:
    cred = ob3(issuer, image=data_uri(png(), "image/png"))
    wallet = wallet_with(cred)
    res = export(wallet, "vp", challenge="c-123", domain="jobs.example.com")
    vp = json.loads(res.content)
    assert vp["@context"] == [V2] and vp["type"] == ["VerifiablePresentation"]
    assert vp["holder"] == wallet.holder.did
    assert vp["verifiableCredential"] == [cred]
    proof = vp["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022" and proof["proofPurpose"] == "authentication"
    assert proof["challenge"] == "c-123" and proof["domain"] == "jobs.example.com"
    assert proof["verificationMethod"].startswith(wallet.holder.did + "#")
    result = reverify(wallet, res.content)
    assert result.verified, result.checks
    assert res.credentials == [wallet.credentials[0].id] and res.skipped == []


def test_vp_fails_after_one_byte_of_a_credential_changes(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer))
    res = export(wallet, "vp")
    tampered = res.content.replace(b"Data Analysis Fundamentals", b"Data Analysis Fundamentalz", 1)
    assert tampered != res.content
    result = reverify(wallet, tampered)
    assert not result.verified
    failed = {c.check for c in result.checks if c.status == "failed"}
    assert failed & {"proof", "nested"}


def test_vp_envelopes_jwt_credentials(issuer: Issuer) -> None:
    from tests.export.helpers import jwt_credential

    token = jwt_credential(issuer, jose_v2=True)
    old_style = jwt_credential(issuer, name="Old JWT")  # VC-JWT 1.1: not an application/vc+jwt
    wallet = wallet_with(ob3(issuer), token.encode(), old_style.encode())
    res = export(wallet, "vp")
    vp = json.loads(res.content)
    assert len(vp["verifiableCredential"]) == 2
    env = vp["verifiableCredential"][1]
    assert env == {"@context": V2, "id": f"data:application/vc+jwt,{token}",
                   "type": "EnvelopedVerifiableCredential"}
    assert [s.id for s in res.skipped] == [wallet.credentials[2].id]
    assert "VC-JWT 1.1" in res.skipped[0].reason
    assert reverify(wallet, json.dumps(vp).encode()).verified


def test_vp_is_vc_2_0_even_when_it_holds_a_1_1_credential(issuer: Issuer) -> None:
    """VC 1.1 credentials go into a VC 2.0 presentation next to enveloped JWTs (issue #13
    item 9; more in test_vp_mixed.py). Only a VC-JWT 1.1 token stays out."""
    from tests.export.helpers import jwt_credential, vc_v1

    wallet = wallet_with(vc_v1(issuer), jwt_credential(issuer).encode(),
                         jwt_credential(issuer, jose_v2=True).encode())
    res = export(wallet, "vp")
    vp = json.loads(res.content)
    assert vp["@context"][0] == V2
    assert len(vp["verifiableCredential"]) == 2
    assert [s.id for s in res.skipped] == [wallet.credentials[1].id]
    assert "VC-JWT 1.1" in res.skipped[0].reason
    assert reverify(wallet, res.content).verified


def test_vp_puts_open_badges_2_apart_with_a_note(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer))
    wallet.credentials.append(ob2_hosted())
    res = export(wallet, "vp")
    vp = json.loads(res.content)
    assert len(vp["verifiableCredential"]) == 1
    section = vp[OB2_TERM]
    assert "not W3C verifiable credentials" in section["note"]
    assert section["assertions"][0]["original"] == wallet.credentials[1].raw
    assert reverify(wallet, res.content).verified
    # The OB 2.0 section is covered by the holder's signature too.
    section["assertions"][0]["original"] = section["assertions"][0]["original"].replace("42", "43")
    assert not reverify(wallet, json.dumps(vp).encode()).verified



def test_vp_leaves_out_credentials_issued_to_another_did_of_the_user(issuer: Issuer) -> None:
    """A credential to another DID identity of the user is the holder's (every other format
    keeps it), but the VP signed by the wallet's did:key leaves it out: holder_binding."""
    mine = ob3(issuer, name="Issued To The Holder Key", cred_id="urn:uuid:mine")
    other = ob3(issuer, name="Issued To My Other DID", cred_id="urn:uuid:other-did",
                subject_id=OTHER_DID)
    wallet = wallet_with(mine, other, learner=OTHER_DID)
    assert wallet.holder.did == HOLDER_DID != OTHER_DID
    other_id = wallet.credentials[1].id
    res = export(wallet, "vp", include_unmatched=True)
    vp = json.loads(res.content)
    assert vp["verifiableCredential"] == [mine]
    assert res.credentials == [wallet.credentials[0].id]
    assert [(s.id, s.reason) for s in res.skipped] == [
        (other_id, OTHER_DID_REASON.format(did=OTHER_DID, holder=HOLDER_DID))]
    result = reverify(wallet, res.content)
    binding = result.check("holder_binding")
    assert result.verified and binding is not None and binding.status == "passed", result.checks
    for fmt in ("html", "markdown", "linkedin", "jsonresume", "json"):
        out = export(wallet, fmt)
        assert out.skipped == [] and len(out.credentials) == 2, fmt
        assert "Issued To My Other DID" in text(out) and "Issued To The Holder Key" in text(out), fmt
    bundle = zipfile.ZipFile(io.BytesIO(export(wallet, "bundle").content))
    assert json.loads(bundle.read("presentation.json"))["verifiableCredential"] == [mine]
    assert "Issued To My Other DID" in bundle.read("portfolio.html").decode("utf-8")
    with pytest.raises(NothingToExport, match="holder_binding"):
        export(wallet, "vp", ids=[other_id])

# --- selection, verification and identity ------------------------------------------------------

def test_unverified_skipped_unless_asked_then_marked_everywhere(issuer: Issuer) -> None:
    good = ob3(issuer)
    bad = ob3(issuer, name="Forged Badge", cred_id="urn:uuid:bad")
    bad["name"] = "Forged Badge (edited)"
    wallet = wallet_with(good)
    bad_id = add(wallet, bad, keep_invalid=True)
    res = export(wallet, "markdown")
    assert [s.id for s in res.skipped] == [bad_id]
    assert "did not verify" in res.skipped[0].reason and "--include-unverified" in res.skipped[0].reason
    assert "Forged" not in text(res)
    marks = {"markdown": "*not verified*", "html": "NOT VERIFIED", "linkedin": "[NOT VERIFIED]",
             "jsonresume": "(not verified)", "json": '"unverified": true'}
    for fmt, mark in marks.items():
        out = text(export(wallet, fmt, include_unverified=True))
        assert "Forged" in out and mark in out, fmt
    with pytest.raises(NothingToExport):
        export(wallet, "html", ids=[bad_id])
    vp = json.loads(export(wallet, "vp", include_unverified=True).content)
    assert len(vp["verifiableCredential"]) == 2
    assert [n["id"] for n in vp["exportNotes"]["unverified"]] == ["urn:uuid:bad"]
    assert "exportNotes" not in json.loads(export(wallet, "vp").content)


def test_private_identifiers_are_withheld(issuer: Issuer) -> None:
    plain = ob3(issuer, name="Named In Clear", cred_id="urn:uuid:clear",
                identifier={"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": False, "identityHash": EMAIL})
    wallet = wallet_with(ob3(issuer), plain, email=EMAIL)
    for fmt in ("vp", "bundle", "json"):
        res = export(wallet, fmt)
        assert [s.id for s in res.skipped] == [wallet.credentials[1].id], fmt
        assert "--include-identity" in res.skipped[0].reason
        assert EMAIL.encode() not in res.content
    for fmt in ("html", "markdown", "linkedin", "jsonresume"):
        res = export(wallet, fmt)
        assert res.skipped == [] and EMAIL not in text(res), fmt
    allowed = export(wallet, "vp", include_identity=True)
    assert allowed.skipped == [] and EMAIL.encode() in allowed.content


def test_selection_by_id_prefix_tag_and_errors(issuer: Issuer) -> None:
    wallet = wallet_with()
    a = add(wallet, ob3(issuer, name="Alpha", cred_id="urn:uuid:a"), tags=["data"])
    b = add(wallet, ob3(issuer, name="Beta", cred_id="urn:uuid:b"))
    assert export(wallet, "markdown", ids=[b[:8]]).credentials == [b]
    assert export(wallet, "markdown", tags=["DATA"]).credentials == [a]
    assert export(wallet, "markdown").credentials == [a, b]
    with pytest.raises(UsageError):
        export(wallet, "markdown", tags=["none"])
    with pytest.raises(UsageError):
        export(wallet, "pdf")


def test_pathway_selects_satisfying_credentials_and_shows_progress(issuer: Issuer) -> None:
    wallet = wallet_with()
    a = add(wallet, ob3(issuer, name="SQL Basics", cred_id="urn:uuid:sql"))
    add(wallet, ob3(issuer, name="Unrelated", cred_id="urn:uuid:other"))
    wallet.pathways = [{"schema": "credwallet.pathway/1", "name": "data-analyst",
                        "title": "Data Analyst Certificate",
                        "requirements": [{"type": "credential", "name": "SQL Basics"},
                                         {"type": "credential", "name": "Statistics"}]}]
    res = export(wallet, "html", pathway="data-analyst")
    assert res.credentials == [a]
    page = text(res)
    assert "Pathway: Data Analyst Certificate" in page
    assert "1 of 2 requirements met" in page and "Not yet:</span> credential with name Statistics" in page
    doc = json.loads(export(wallet, "json", pathway="data-analyst").content)
    assert doc["pathway"]["name"] == "data-analyst" and doc["pathway"]["complete"] is False


def test_fresh_verification_is_used_when_a_verifier_is_given(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, valid_until="2026-07-01T00:00:00Z"))
    later = NOW.replace(year=2027)
    with pytest.raises(NothingToExport, match="expir"):
        run_export(wallet, ExportOptions(fmt="markdown", now=later), verifier=verify_stored)
    ok = run_export(wallet, ExportOptions(fmt="markdown", now=NOW), verifier=verify_stored)
    assert ok.credentials == [wallet.credentials[0].id]


# --- html ---------------------------------------------------------------------------------------

def _data_uris(page: str) -> list[tuple[str, bytes]]:
    return [(m, base64.b64decode(d)) for m, d in
            re.findall(r'src="data:([a-z/+]+);base64,([A-Za-z0-9+/=]+)"', page)]


def test_html_escapes_and_never_runs_issuer_script() -> None:
    hostile = Issuer('<script>alert("issuer")</script>')
    name = 'Badge <img src=x onerror=alert(1)> "quoted" & more'
    wallet = wallet_with(ob3(hostile, name=name, image=data_uri(HOSTILE_SVG, "image/svg+xml"),
                             description="</p><script>alert(2)</script>",
                             alignments=[{"targetName": "Evil", "targetUrl": "javascript:alert(3)"}]))
    full = text(export(wallet, "html"))
    # The only <script> is the inert data block carrying the signed presentation (not run: it is
    # not JavaScript, and the CSP allows no script at all). Its JSON escapes < > &, so nothing in
    # it can close the block; the rest of the page must hold no script at all.
    block = re.search(r'<script type="application/vp\+json" id="credwallet-presentation">([^<]*)</script>',
                      full)
    assert block is not None and full.lower().count("<script") == 1
    page = full.replace(block.group(0), "")
    assert "<script" not in page.lower()
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more" in page
    assert 'href="javascript' not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "script-src" not in csp.group(1)
    images = _data_uris(page)
    assert len(images) == 1 and images[0][0] == "image/svg+xml"
    svg = images[0][1].lower()
    for bad in (b"script", b"onload", b"onclick", b"foreignobject", b"iframe", b"evil.test",
                b"javascript"):
        assert bad not in svg
    assert b"circle" in svg and b"#0000ff" in svg  # the harmless drawing survives


def test_html_unicode_long_description_missing_fields_no_image() -> None:
    unnamed = Issuer(None)
    long_text = "Ünïcødé 学习 😀 " + "very long description " * 800
    wallet = wallet_with(ob3(unnamed, name="Données & 数据分析 ✓", description=long_text,
                             criteria=None, image=None))
    page = text(export(wallet, "html"))
    assert "Données &amp; 数据分析 ✓" in page
    assert long_text.strip() in page
    assert unnamed.did in page  # issuer without a name falls back to its id
    assert "<img" not in page
    assert "How to verify this yourself" in page


def test_html_strips_text_chunks_from_baked_png(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, image=data_uri(png(text=b"secret " + EMAIL.encode()), "image/png")))
    page = text(export(wallet, "html"))
    (media, data), = _data_uris(page)
    assert media == "image/png" and b"tEXt" not in data and EMAIL.encode() not in data
    assert data.startswith(b"\x89PNG") and b"IDAT" in data


def test_html_shows_verdict_date_and_key(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer))
    page = text(export(wallet, "html"))
    assert "Verified" in page and "2026-06-01T12:00:00Z" in page
    assert issuer.did in page and "eddsa-rdfc-2022" in page
    assert 'lang="en"' in page and "<h1>" in page and "<h2" in page


# --- linkedin ------------------------------------------------------------------------------------

def _links(out: str) -> list[str]:
    return re.findall(r"^https://www\.linkedin\.com/profile/add\?\S+$", out, re.MULTILINE)


def test_linkedin_link_round_trips_every_value(issuer: Issuer) -> None:
    name = "Ingénieur·e données & IA: 数据 #1 + 100% / ?=&"
    wallet = wallet_with(ob3(issuer, name=name, valid_until="2028-02-29T00:00:00Z",
                             cred_id="https://creds.example.edu/c/123?x=1&y=2"))
    out = text(export(wallet, "linkedin"))
    (link,) = _links(out)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in link and "&y=2" not in link  # every value encoded
    fields = dict(parse_qsl(parts.query, strict_parsing=True))
    assert fields == {
        "startTask": "CERTIFICATION_NAME", "name": name, "organizationName": issuer.name,
        "issueYear": "2024", "issueMonth": "3", "expirationYear": "2028", "expirationMonth": "2",
        "certUrl": "https://creds.example.edu/c/123?x=1&y=2",
        "certId": "https://creds.example.edu/c/123?x=1&y=2"}
    assert "Issuing organization" in out and name in out


def test_linkedin_org_id_mapping_and_no_private_cert_url(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, cred_id="https://127.0.0.1/c/1"))
    wallet.settings["linkedin_org_ids"] = {issuer.did: "1234"}
    (link,) = _links(text(export(wallet, "linkedin")))
    fields = dict(parse_qsl(urlsplit(link).query))
    assert fields["organizationId"] == "1234" and "organizationName" not in fields
    assert "certUrl" not in fields
    (link2,) = _links(text(export(wallet, "linkedin", org_ids={issuer.name or "": "777"})))
    assert dict(parse_qsl(urlsplit(link2).query))["organizationId"] == "1234"  # id wins over name


# --- resume formats --------------------------------------------------------------------------------

def test_markdown_resume_section(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, name="C++ *Advanced* [Part 1]", tags=["C++", "Templates"],
                             alignments=[{"targetName": "Software Engineering",
                                          "targetUrl": "https://example.org/se"}],
                             cred_id="https://creds.example.edu/c/(7)"))
    md = text(export(wallet, "markdown"))
    assert md.startswith("## Licenses & Certifications")
    assert r"**C++ \*Advanced\* \[Part 1\]**" in md  # only what Markdown would read as markup
    assert "[verify at the issuer](https://creds.example.edu/c/%287%29)" in md
    assert "Skills: Software Engineering" in md  # the aligned skill's name, not the tags
    assert "2024-03-15" in md


def test_jsonresume_and_merge_without_clobbering(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, name="Alpha", cred_id="https://creds.example.edu/a"),
                         ob3(issuer, name="Beta", cred_id="urn:uuid:beta"))
    doc = json.loads(export(wallet, "jsonresume").content)
    assert doc["certificates"] == [
        {"name": "Alpha", "issuer": issuer.name, "date": "2024-03-15",
         "url": "https://creds.example.edu/a"},
        {"name": "Beta", "issuer": issuer.name, "date": "2024-03-15"}]
    existing = {"basics": {"name": "Ada"}, "work": [{"name": "ACME"}],
                "certificates": [{"name": "alpha", "issuer": issuer.name, "date": "2024-03-15"},
                                 {"name": "Other", "issuer": "Elsewhere"}]}
    merged = json.loads(export(wallet, "jsonresume", merge=existing).content)
    assert merged["basics"] == {"name": "Ada"} and merged["work"] == [{"name": "ACME"}]
    assert [c["name"] for c in merged["certificates"]] == ["alpha", "Other", "Beta"]
    assert existing["certificates"][0] == {"name": "alpha", "issuer": issuer.name, "date": "2024-03-15"}


def test_json_bundle_has_views_reports_and_originals(issuer: Issuer) -> None:
    cred = ob3(issuer)
    wallet = wallet_with(cred)
    doc = json.loads(export(wallet, "json").content)
    assert doc["schema"] == "credwallet.export-json/1" and doc["holder"] == wallet.holder.did
    (entry,) = doc["credentials"]
    assert entry["name"] == "Data Analysis Fundamentals" and entry["verification"]["verified"]
    assert entry["verification"]["signer"].startswith(issuer.did)
    assert json.loads(entry["original"]["data"]) == cred
    assert "subject" not in entry


# --- bundle ------------------------------------------------------------------------------------------

def test_bundle_contents_and_manifest_digests(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, name="../../etc/passwd ✓", image=data_uri(png(), "image/png")))
    from tests.export.helpers import baked_svg

    add(wallet, baked_svg(ob3(issuer, name="Baked", cred_id="urn:uuid:baked")), source="b.svg")
    res = export(wallet, "bundle")
    zf = zipfile.ZipFile(io.BytesIO(res.content))
    names = zf.namelist()
    for required in ("manifest.json", "presentation.json", "portfolio.html", "resume.md",
                     "resume.json", "linkedin.txt", "verification-report.json",
                     "verification-report.txt", "README.txt"):
        assert required in names
    for n in names:
        assert re.fullmatch(r"[A-Za-z0-9.\-]+(/[a-z0-9.\-]+)?", n), n
        assert ".." not in n.split("/")
    manifest = json.loads(zf.read("manifest.json"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for path, f in listed.items():
        data = zf.read(path)
        assert sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"]
    originals = {c.id: c.raw_bytes() for c in wallet.credentials}
    for cid, raw in originals.items():
        (match,) = [n for n in names if n.startswith("credentials/") and cid in n and n.endswith(".json")]
        assert zf.read(match) == raw
    baked = [n for n in names if n.endswith(".baked.svg")]
    assert len(baked) == 1
    assert zf.read(baked[0]) == wallet.cache[wallet.credentials[1].image_key or ""].body_bytes()
    assert reverify(wallet, zf.read("presentation.json")).verified
    report = json.loads(zf.read("verification-report.json"))
    assert report["presentation"]["verified"] is True
    assert all(c["verification"]["verified"] for c in report["credentials"])


def _clr_to_holder(issuer: Issuer) -> dict[str, Any]:
    """The CLR 2.0 spec example, issued to the holder and signed (with its achievement
    credentials) by `issuer`: the spec's own proofs fail key_binding."""
    from pathlib import Path

    clr = json.loads((Path(__file__).resolve().parents[1] / "data" / "clr-simple.json").read_bytes())
    subject = clr["credentialSubject"]
    for i, inner in enumerate(subject["verifiableCredential"]):
        inner.pop("proof", None)
        inner["issuer"]["id"] = issuer.did
        inner["credentialSubject"]["id"] = HOLDER_DID
        subject["verifiableCredential"][i] = issuer.sign(inner)
    clr.pop("proof", None)
    clr["issuer"]["id"] = issuer.did
    subject["id"] = HOLDER_DID
    return issuer.sign(clr)


def test_vp_does_not_repeat_credentials_inside_an_exported_clr(issuer: Issuer) -> None:
    clr = _clr_to_holder(issuer)
    wallet = wallet_with()
    clr_id = add(wallet, clr, source="clr-simple.json")
    children = [c.id for c in wallet.credentials if c.parent_id == clr_id]
    assert children
    assert all(c.verification is not None and c.verification.verified for c in wallet.credentials)
    res = export(wallet, "vp")
    assert res.credentials == [clr_id]
    assert {s.id for s in res.skipped} == set(children)
    assert all("already inside" in s.reason for s in res.skipped)
    vp = json.loads(res.content)
    assert vp["verifiableCredential"] == [clr]
    result = reverify(wallet, res.content)
    binding = result.check("holder_binding")
    assert result.verified and binding is not None and binding.status == "passed", result.checks
    # Other formats list the achievements one by one.
    assert export(wallet, "markdown").credentials == [clr_id, *children]



def test_vp_keeps_achievements_of_a_clr_it_leaves_out(issuer: Issuer) -> None:
    clr = _clr_to_holder(issuer)
    clr.pop("proof")
    clr["credentialSubject"]["id"] = OTHER_DID  # the CLR names another DID of the user
    clr = issuer.sign(clr)
    wallet = wallet_with(learner=OTHER_DID)
    clr_id = add(wallet, clr, source="clr.json")
    children = [c.id for c in wallet.credentials if c.parent_id == clr_id]
    res = export(wallet, "vp")
    assert [s.id for s in res.skipped] == [clr_id] and "holder_binding" in res.skipped[0].reason
    assert res.credentials == children

def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_page_colours_meet_wcag_aa_contrast() -> None:
    from credwallet.export.html import CSS

    var = dict(re.findall(r"--(\w+):(#[0-9a-f]{6})", CSS))
    pairs = [("ink", "#ffffff"), ("muted", "#ffffff"), ("link", "#ffffff"), ("ok", var["okbg"]),
             ("bad", var["badbg"]), ("warn", var["warnbg"]), ("muted", var["badbg"])]
    for fg, bg in pairs:
        a, b = _luminance(var[fg]), _luminance(bg)
        ratio = (max(a, b) + 0.05) / (min(a, b) + 0.05)
        assert ratio >= 4.5, (fg, bg, ratio)


def test_include_identity_shows_the_recipient(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, subject_id=f"mailto:{EMAIL}"), email=EMAIL)
    assert EMAIL not in text(export(wallet, "html"))
    page = text(export(wallet, "html", include_identity=True))
    assert f"mailto:{EMAIL}" in page and "Recipient" in page
    with pytest.raises(NothingToExport, match="--include-identity"):
        export(wallet, "vp")
    assert export(wallet, "vp", include_identity=True).credentials == [wallet.credentials[0].id]


def test_every_format_copes_with_minimal_credentials() -> None:
    from tests.export.helpers import jwt_credential

    bare = Issuer(None)
    doc = ob3(bare, name="Bare", description=None, criteria=None, cred_id="urn:uuid:bare")
    wallet = wallet_with(doc, jwt_credential(bare, jose_v2=True).encode())
    minimal_ob2 = ob2_hosted()
    minimal_ob2.raw = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                                  "id": "https://badges.example.org/a/1",
                                  "badge": "https://badges.example.org/b/1",
                                  "recipient": {"type": "email", "hashed": True,
                                                "identity": "sha256$00"},
                                  "verification": {"type": "hosted"}})
    wallet.credentials.append(minimal_ob2)
    for fmt in ("vp", "bundle", "html", "linkedin", "markdown", "jsonresume", "json"):
        res = export(wallet, fmt)
        assert len(res.credentials) == 3 and res.skipped == [], fmt
    page = text(export(wallet, "html"))
    assert "unknown issuer" in page  # OB 2.0 badge and issuer were never cached
    md = text(export(wallet, "markdown"))
    assert "**Bare**" in md and bare.did in md


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass
else:
    @settings(max_examples=200, deadline=None)
    @given(name=st.text(min_size=1, max_size=80), org=st.text(min_size=1, max_size=40),
           cert_id=st.text(min_size=1, max_size=60))
    def test_linkedin_values_survive_encoding(name: str, org: str, cert_id: str) -> None:
        from credwallet.export.linkedin import link, link_fields

        fact = {"name": name, "issuer": {"name": org, "id": None}, "issued": "2021-12-31",
                "valid_from": None, "expires": None, "public_url": None, "credential_id": cert_id}
        url = link(link_fields(fact, {}))
        assert url.isascii() and " " not in url and "#" not in url
        back = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        assert back == [("startTask", "CERTIFICATION_NAME"), ("name", name),
                        ("organizationName", org), ("issueYear", "2021"), ("issueMonth", "12"),
                        ("certId", cert_id)]
