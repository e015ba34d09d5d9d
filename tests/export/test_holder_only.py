"""Exports present only what is the holder's (security issue #11, item 6).

A wallet may keep a credential issued to someone else (import only warns), or one naming no
recipient at all. `export` leaves both out of every format by default and says so; with
`--include-unmatched` they are included but marked "not issued to the holder" in every
format, and never put in the holder-signed presentation.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, run_cli
from tests.export.helpers import Issuer, ob3

MINE, THEIRS, NOBODY = "Mine Course Certificate", "Theirs Course Certificate", "Nobody Course Badge"
ELSE = "did:example:someone-else"
TEXT_FORMATS = ("html", "linkedin", "markdown", "jsonresume", "json")


def _no_recipient(issuer: Issuer) -> dict[str, Any]:
    doc = ob3(issuer, name=NOBODY, cred_id="https://creds.example.edu/c/nobody")
    doc.pop("proof")
    del doc["credentialSubject"]["id"]  # names nobody: nothing ties it to the holder
    return issuer.sign(doc)


@pytest.fixture
def wallet(isolated_home: Path, tmp_path: Path, cw: Cli) -> dict[str, str]:
    """Three signed credentials: one to the holder's did:key, one to another DID, one to no one.
    Returns name -> wallet id."""
    assert cw("init", "--json").code == 0
    holder = cw("identity", "list", "--json").json()["holder"]
    issuer = Issuer("Example University")
    docs = {MINE: ob3(issuer, name=MINE, subject_id=holder, cred_id="https://creds.example.edu/c/1"),
            THEIRS: ob3(issuer, name=THEIRS, subject_id=ELSE,
                        cred_id="https://creds.example.edu/c/2"),
            NOBODY: _no_recipient(issuer)}
    ids = {}
    for name, doc in docs.items():
        path = tmp_path / f"{len(ids)}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        res = cw("import", str(path), "--json")
        assert res.code == 0, res.stdout + res.stderr
        item = res.json()["items"][0]
        recipient = next(c for c in item["verification"]["checks"] if c["check"] == "recipient")
        assert recipient["status"] == ("passed" if name == MINE else "warning"), recipient
        ids[name] = item["id"]
    return ids


def _bundle(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_default_export_leaves_them_out_of_every_format(wallet: dict[str, str], tmp_path: Path,
                                                        cw: Cli) -> None:
    others = {wallet[THEIRS], wallet[NOBODY]}
    for fmt in ("vp", *TEXT_FORMATS):
        res = cw("export", "-f", fmt, "--json")
        assert res.code == 0, (fmt, res.stdout)
        payload = res.json()
        assert payload["credentials"] == [wallet[MINE]], fmt
        doc = json.dumps(payload["document"], ensure_ascii=False)
        assert MINE in doc and THEIRS not in doc and NOBODY not in doc, fmt
        summary = payload["unmatched"]
        assert summary["left_out"] == 2 and summary["included"] == 0, fmt
        whys = {u["id"]: u["why"] for u in summary["credentials"]}
        assert set(whys) == others
        assert whys[wallet[THEIRS]] == "it names someone else as its recipient"
        assert whys[wallet[NOBODY]] == "it names no recipient"
        assert ELSE not in json.dumps(summary)  # the other person's id is not repeated
        skipped = {s["id"]: s["reason"] for s in payload["skipped"]}
        assert set(skipped) == others
        assert all("not issued to the holder" in r and "--include-unmatched" in r
                   for r in skipped.values())
        if fmt == "vp":  # the flag would not help: say so rather than suggest it
            assert all("a presentation never holds it" in r for r in skipped.values())
        if fmt == "json":  # the receiver's document does not even list them
            assert payload["document"]["skipped"] == []
            assert payload["document"]["credentials"][0]["issued_to_holder"] is True

    out = tmp_path / "bundle.zip"
    res = cw("export", "-f", "bundle", "-o", str(out), "--json")
    assert res.code == 0, res.stdout
    assert res.json()["unmatched"]["left_out"] == 2
    files = _bundle(out)
    assert not any(n.startswith("not-issued-to-holder/") for n in files)
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        assert THEIRS not in text and NOBODY not in text, name
        assert wallet[THEIRS] not in text and wallet[NOBODY] not in text, name
    assert json.loads(files["manifest.json"])["not_issued_to_holder"] == []


def test_human_mode_says_so_in_one_line_on_stderr(wallet: dict[str, str], tmp_path: Path) -> None:
    res = run_cli("export", "-f", "markdown")  # the real entry point
    assert res.code == 0, res
    assert MINE in res.stdout and THEIRS not in res.stdout and NOBODY not in res.stdout
    lines = [ln for ln in res.stderr.splitlines() if "not issued to you" in ln]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("left out 2 credential(s) not issued to you")
    assert "--include-unmatched" in lines[0] and ELSE not in res.stderr
    # Not also listed one "skipped" line per credential.
    assert "skipped" not in res.stderr

    out = tmp_path / "page.html"
    res = run_cli("export", "-f", "html", "-o", str(out))
    assert res.code == 0, res
    assert sum("not issued to you" in ln for ln in res.stderr.splitlines()) == 1
    assert THEIRS not in out.read_text(encoding="utf-8")


def test_only_unmatched_selected_is_nothing_to_export(wallet: dict[str, str],
                                                     cw: Cli) -> None:
    res = cw("export", "-f", "html", wallet[THEIRS], "--json")
    assert res.code == 1
    error = res.json()["error"]
    assert error["kind"] == "nothing_to_export" and "not issued to the holder" in error["message"]


def test_include_unmatched_marks_them_in_every_format(wallet: dict[str, str], tmp_path: Path,
                                                      cw: Cli) -> None:
    def doc(fmt: str) -> Any:
        res = cw("export", "-f", fmt, "--include-unmatched", "--json")
        assert res.code == 0, (fmt, res.stdout)
        payload = res.json()
        assert payload["unmatched"]["included"] == 2 and payload["unmatched"]["left_out"] == 0
        assert len(payload["credentials"]) == 3 and payload["skipped"] == []
        return payload["document"]

    page = doc("html")
    assert "<h1>Learning credentials</h1>" in page and "<title>Learning credentials</title>" in page
    mine_at, others_at = page.index('id="mine-h"'), page.index('id="others-h"')
    verified_section = page[mine_at:others_at]
    assert MINE in verified_section and THEIRS not in verified_section
    assert NOBODY not in verified_section
    others = page[others_at:]
    for name in (THEIRS, NOBODY):
        card = others[others.index(f">{name}</h3>"):]
        card = card[:card.index("</article>")]
        assert '<span class="verdict bad">Not issued to the holder</span>' in card
        assert "NOT ISSUED TO THE HOLDER" in card
    assert page.count('<span class="verdict bad">Not issued to the holder</span>') == 2

    md = doc("markdown")
    head, tail = md.split("### Not issued to the holder")
    assert MINE in head and THEIRS not in head and NOBODY not in head
    for line in (ln for ln in tail.splitlines() if ln.startswith("- ")):
        assert line.endswith("*not issued to the holder*"), line

    names = {c["name"] for c in doc("jsonresume")["certificates"]}
    assert names == {MINE, f"{THEIRS} (not issued to the holder)",
                     f"{NOBODY} (not issued to the holder)"}

    linkedin = doc("linkedin")
    assert f"## {THEIRS}  [NOT ISSUED TO THE HOLDER]" in linkedin
    assert f"## {NOBODY}  [NOT ISSUED TO THE HOLDER]" in linkedin
    assert linkedin.count("https://www.linkedin.com/profile/add?") == 1  # only the holder's

    creds = {c["name"]: c for c in doc("json")["credentials"]}
    assert creds[MINE]["issued_to_holder"] is True and creds[MINE]["not_issued_to_holder"] is None
    assert creds[THEIRS]["issued_to_holder"] is False
    assert creds[THEIRS]["not_issued_to_holder"] == "it names someone else as its recipient"
    assert creds[NOBODY]["not_issued_to_holder"] == "it names no recipient"

    out = tmp_path / "bundle.zip"
    res = cw("export", "-f", "bundle", "--include-unmatched", "-o", str(out), "--json")
    assert res.code == 0, res.stdout
    files = _bundle(out)
    manifest = json.loads(files["manifest.json"])
    marked = {m["id"]: m for m in manifest["not_issued_to_holder"]}
    assert set(marked) == {wallet[THEIRS], wallet[NOBODY]}
    for entry in marked.values():
        assert entry["files"] and all(f.startswith("not-issued-to-holder/") for f in entry["files"])
        assert all(f in files for f in entry["files"])
    assert not any(wallet[THEIRS] in n for n in files if n.startswith("credentials/"))
    presentation = files["presentation.json"].decode()
    assert MINE in presentation and THEIRS not in presentation and NOBODY not in presentation
    report = json.loads(files["verification-report.json"])
    assert {c["name"]: c["issued_to_holder"] for c in report["credentials"]} == {
        MINE: True, THEIRS: False, NOBODY: False}
    assert "NOT ISSUED TO THE HOLDER" in files["verification-report.txt"].decode()
    assert b"Not issued to the holder" in files["portfolio.html"]
    assert b"### Not issued to the holder" in files["resume.md"]
    assert b"[NOT ISSUED TO THE HOLDER]" in files["linkedin.txt"]


def test_presentation_never_holds_them_even_when_asked(wallet: dict[str, str], tmp_path: Path,
                                                       cw: Cli) -> None:
    out = tmp_path / "vp.json"
    res = cw("export", "-f", "vp", "--include-unmatched", "-o", str(out), "--json")
    assert res.code == 0, res.stdout
    payload = res.json()
    assert payload["credentials"] == [wallet[MINE]]
    assert payload["unmatched"]["left_out"] == 2 and payload["unmatched"]["included"] == 0
    reasons = {s["id"]: s["reason"] for s in payload["skipped"]}
    assert set(reasons) == {wallet[THEIRS], wallet[NOBODY]}
    assert all("never holds it" in r for r in reasons.values())
    vp = out.read_text(encoding="utf-8")
    assert MINE in vp and THEIRS not in vp and NOBODY not in vp
    check = cw("verify", "--file", str(out), "--json")
    assert check.code == 0 and check.json()["results"][0]["verified"] is True

    only_theirs = cw("export", "-f", "vp", wallet[THEIRS], "--include-unmatched", "--json")
    assert only_theirs.code == 1
    assert only_theirs.json()["error"]["kind"] == "nothing_to_export"

    human = run_cli("export", "-f", "vp", "--include-unmatched")  # the real entry point
    assert human.code == 0, human
    (line,) = [ln for ln in human.stderr.splitlines() if "not issued to you" in ln]
    assert "a presentation never holds them" in line


def test_pathway_progress_counts_only_the_holders(wallet: dict[str, str], tmp_path: Path,
                                                  cw: Cli) -> None:
    pathway = {"schema": "credwallet.pathway/1", "name": "goal", "title": "Goal",
               "requirements": [{"id": "mine", "name_pattern": "Mine*"},
                                {"id": "theirs", "name_pattern": "Theirs*"}]}
    path = tmp_path / "goal.json"
    path.write_text(json.dumps(pathway), encoding="utf-8")
    assert cw("pathway", "add", str(path), "--json").code == 0
    for extra in ((), ("--include-unmatched",)):
        res = cw("export", "-f", "json", "--pathway", "goal", *extra, "--json")
        assert res.code == 0, res.stdout
        payload = res.json()
        # The pathway selects only what counts, and someone else's credential never counts.
        assert payload["credentials"] == [wallet[MINE]]
        progress = payload["document"]["pathway"]
        assert progress["satisfied"] == 1 and progress["complete"] is False
        text = json.dumps(progress)
        assert wallet[THEIRS] not in text and THEIRS not in text
        page = cw("export", "-f", "html", "--pathway", "goal", *extra, "--json").json()["document"]
        assert "1 of 2 requirements met" in page and THEIRS not in page
