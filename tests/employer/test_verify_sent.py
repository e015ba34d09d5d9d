"""What the job seeker sends checks out for the employer: `verify --file` on every artefact.

The employer has no wallet: a presentation, the bundle zip and the portfolio page are each
verified as sent; a bundle whose files differ from its manifest fails; a presentation bound
to a challenge and domain verifies only with those values.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.export.helpers import Issuer, ob3


@pytest.fixture
def sent(isolated_home: Path, tmp_path: Path, cw: Cli) -> Path:
    """A wallet holding two credentials issued to its holder, and the three exports."""
    holder = cw("init", "--json").json()["holder"]
    issuer = Issuer("Example University")
    for i, name in enumerate(["Python Basics", "SQL"]):
        path = tmp_path / f"c{i}.json"
        cred_id = f"urn:uuid:00000000-0000-4000-8000-00000000000{i}"
        path.write_text(json.dumps(ob3(issuer, name=name, cred_id=cred_id, subject_id=holder)))
        assert cw("import", str(path), "--json").code == 0
    out = tmp_path / "out"
    out.mkdir()
    for fmt, name in (("bundle", "bundle.zip"), ("html", "page.html"), ("vp", "vp.json")):
        res = cw("export", "--format", fmt, "-o", str(out / name), "--json")
        assert res.code == 0, res.stdout + res.stderr
    res = cw("export", "--format", "vp", "--challenge", "c-123", "--domain", "jobs.example",
             "-o", str(out / "bound.json"), "--json")
    assert res.code == 0, res.stdout
    return out


def _verify(cw: Cli, path: Path, *extra: str) -> dict[str, Any]:
    res = cw("verify", "--file", str(path), "--offline", "--json", *extra)
    doc = res.json()
    assert res.code in (0, 1), res.stdout + res.stderr
    (result,) = doc["results"]
    return dict(result)


def _check(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["check"] == name)


def test_every_artefact_verifies_as_sent(sent: Path, cw: Cli) -> None:
    for name, kind in (("vp.json", "file"), ("bundle.zip", "bundle"), ("page.html", "page")):
        result = _verify(cw, sent / name)
        assert result["verified"], (name, [c for c in result["checks"] if c["status"] != "passed"])
        assert result["format"] == "vp-ldp" and result["extra"]["opened_as"] == kind
        assert len(result["nested"]) == 2
        assert _check(result, "holder_binding")["status"] == "passed"
    assert _check(_verify(cw, sent / "bundle.zip"), "manifest")["status"] == "passed"


def _rezip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            body = change(info.filename, zin.read(info))
            if body is not None:
                zout.writestr(info.filename, body)


def test_a_bundle_that_differs_from_its_manifest_fails(sent: Path, cw: Cli,
                                                      tmp_path: Path) -> None:
    def edit_resume(name: str, body: bytes) -> bytes | None:
        return body + b"\nAlso: astronaut." if name == "resume.md" else body

    tampered = tmp_path / "tampered.zip"
    _rezip(sent / "bundle.zip", tampered, edit_resume)
    result = _verify(cw, tampered)
    assert not result["verified"]
    assert "resume.md does not match its digest" in _check(result, "manifest")["detail"]

    def add_file(name: str, body: bytes) -> bytes | None:
        return body

    extra = tmp_path / "extra.zip"
    _rezip(sent / "bundle.zip", extra, add_file)
    with zipfile.ZipFile(extra, "a") as z:
        z.writestr("credentials/fake.json", b"{}")
    assert "not in the manifest" in _check(_verify(cw, extra), "manifest")["detail"]


def test_a_page_with_an_edited_presentation_fails(sent: Path, cw: Cli, tmp_path: Path) -> None:
    page = (sent / "page.html").read_text(encoding="utf-8")
    assert page.count('type="application/vp+json"') == 1
    edited = tmp_path / "edited.html"
    edited.write_text(page.replace("Python Basics", "Rocket Science"), encoding="utf-8")
    result = _verify(cw, edited)
    assert not result["verified"]
    not_a_page = tmp_path / "plain.html"
    not_a_page.write_text("<!DOCTYPE html><html><body>hi</body></html>")
    res = cw("verify", "--file", str(not_a_page), "--offline", "--json")
    assert res.code == 3


def test_challenge_and_domain_are_checked(sent: Path, cw: Cli) -> None:
    ok = _verify(cw, sent / "bound.json", "--challenge", "c-123", "--domain", "jobs.example")
    assert ok["verified"], ok["checks"]
    wrong = _verify(cw, sent / "bound.json", "--challenge", "replayed", "--domain", "jobs.example")
    assert not wrong["verified"]
    assert "is not the expected" in _check(wrong, "proof")["detail"]


def test_hostile_zips_are_bad_input(cw: Cli, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("presentation.json", b"0" * (20 * 1024 * 1024))
    bomb.write_bytes(buf.getvalue())
    res = cw("verify", "--file", str(bomb), "--offline", "--json")
    assert res.code == 3 and "larger than" in res.json()["results"][0]["checks"][0]["detail"]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert cw("verify", "--file", str(broken), "--offline", "--json").code == 3


def test_online_verify_fetches_what_it_lacks_and_sees_a_later_revocation(
        isolated_home: Path, tmp_path: Path, cw: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.issuer_site import OB3, VC2, running_sites, status_list

    with running_sites(1, extras=False) as s:
        holder = cw("init", "--json").json()["holder"]
        doc = s.sign_ob3({
            "@context": [VC2, OB3], "id": "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000aa",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": s.ob3_did, "type": ["Profile"], "name": "Loopback DID Issuer"},
            "validFrom": "2025-01-01T00:00:00Z", "name": "Mine",
            "credentialSubject": {"type": ["AchievementSubject"], "id": holder, "achievement": {
                "id": s.site.url("/ob3/achievements/mine"), "type": ["Achievement"], "name": "Mine",
                "description": "Mine.", "criteria": {"narrative": "Do it."}}},
            "credentialStatus": {"id": f"{s.ob3_status}#3", "type": "BitstringStatusListEntry",
                                 "statusPurpose": "revocation", "statusListIndex": "3",
                                 "statusListCredential": s.ob3_status}})
        url = s.site.json("/ob3/cred/mine.json", doc)
        assert cw("import", url, "--json").code == 0
        vp = tmp_path / "vp.json"
        assert cw("export", "--format", "vp", "-o", str(vp), "--json").code == 0

        # The employer: no wallet, online, the issuer site is an intranet host (loopback here).
        monkeypatch.delenv("CREDWALLET_OFFLINE")
        monkeypatch.setenv("CREDWALLET_HOME", str(tmp_path / "employer-has-no-wallet"))
        allow = f"127.0.0.1:{s.site.port}"
        refused = cw("verify", "--file", str(vp), "--json").json()["results"][0]
        assert not refused["verified"]  # without --allow-host nothing private is fetched
        assert refused["extra"]["fetch_problems"]
        ok = cw("verify", "--file", str(vp), "--allow-host", allow, "--json").json()["results"][0]
        assert ok["verified"], [c for c in ok["checks"] if c["status"] != "passed"]
        fetched = {f["url"]: f for f in ok["extra"]["fetched"]}
        assert s.ob3_status in fetched and fetched[s.ob3_status]["fetched_at"].endswith("Z")
        assert any(u.endswith("/ob3/did.json") for u in fetched)

        # The issuer revokes after the export: the next check sees it.
        s.site.json("/ob3/status/1", s.sign_ob3({
            "@context": [VC2], "id": s.ob3_status,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": s.ob3_did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": s.ob3_status + "#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": status_list({3, 7})}}))
        res = cw("verify", "--file", str(vp), "--allow-host", allow, "--json")
        assert res.code == 1
        (child,) = res.json()["results"][0]["nested"]
        assert _check(child, "revocation")["status"] == "failed"

        # Offline: nothing fetched, and the checks say what could not be established.
        off = cw("verify", "--file", str(vp), "--offline", "--json").json()["results"][0]
        assert off["extra"]["fetched"] is None and not off["verified"]
