"""`credwallet export` through the real entry point (`python -m credwallet`)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import Cli, run_cli
from tests.export.helpers import Issuer, data_uri, ob3, png


@pytest.fixture
def home(isolated_home: Path, tmp_path: Path, cw: Cli) -> Path:
    init = cw("init", "--json")
    assert init.code == 0, init.stderr
    holder = init.json()["holder"]  # the credentials below are issued to the holder's did:key
    assert holder.startswith("did:key:z6Mk")
    issuer = Issuer("Öffentliche Hochschule")
    files = []
    for i, name in enumerate(["Python Basics", "数据分析"]):
        doc = ob3(issuer, name=name, cred_id=f"https://creds.example.edu/c/{i}", subject_id=holder,
                  image=data_uri(png(), "image/png"), tags=["data"] if i else None)
        path = tmp_path / f"cred{i}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        files.append(str(path))
    res = cw("import", *files, "--json")
    assert res.code == 0, res.stdout + res.stderr
    return isolated_home


def wallet_bytes(home: Path) -> bytes:
    return (home / "wallet.cwlt").read_bytes()


def test_single_file_formats_to_stdout_and_json(home: Path, cw: Cli) -> None:
    before = wallet_bytes(home)
    for fmt in ("vp", "html", "linkedin", "markdown", "jsonresume", "json"):
        plain = (run_cli if fmt == "vp" else cw)("export", "--format", fmt)
        assert plain.code == 0, (fmt, plain)
        assert plain.stdout.strip(), fmt
        doc = cw("export", "--format", fmt, "--json")
        assert doc.code == 0, (fmt, doc)
        payload = doc.json()
        assert payload["schema"] == "credwallet.export/1" and payload["ok"] is True
        assert payload["format"] == fmt and payload["output"] is None
        assert len(payload["credentials"]) == 2 and payload["skipped"] == []
        if fmt in ("vp", "jsonresume", "json"):
            assert isinstance(payload["document"], dict)
            if fmt == "jsonresume":  # the others carry the export time
                assert payload["document"] == json.loads(plain.stdout)
        else:
            assert isinstance(payload["document"], str)
    assert wallet_bytes(home) == before, "export must not modify the wallet"


def test_vp_to_file_verifies_with_verify_file(home: Path, tmp_path: Path, cw: Cli) -> None:
    out = tmp_path / "vp.json"
    res = run_cli("export", "-f", "vp", "-o", str(out), "--challenge", "abc", "--json")
    assert res.code == 0, res
    assert res.json()["output"] == str(out)
    check = run_cli("verify", "--file", str(out), "--json")
    assert check.code == 0, check
    assert check.json()["results"][0]["verified"] is True
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(out.read_bytes().replace("数据分析".encode(), "数据分折".encode(), 1))
    bad = cw("verify", "--file", str(tampered), "--json")
    assert bad.code == 1 and bad.json()["results"][0]["verified"] is False


def test_bundle_needs_output_and_writes_zip(home: Path, tmp_path: Path, cw: Cli) -> None:
    res = cw("export", "-f", "bundle", "--json")
    assert res.code == 2 and res.json()["error"]["kind"] == "usage"
    out = tmp_path / "bundle.zip"
    res = cw("export", "-f", "bundle", "-o", str(out))
    assert res.code == 0, res
    assert "Wrote bundle with 2 credential(s)" in res.stdout
    names = zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()
    assert "presentation.json" in names and "manifest.json" in names


def test_selection_options(home: Path, cw: Cli) -> None:
    listed = cw("list", "--json").json()["credentials"]
    first = listed[0]["id"]
    res = cw("export", "-f", "markdown", first[:6], "--json")
    assert res.code == 0 and res.json()["credentials"] == [first]
    tagged = cw("export", "-f", "markdown", "--tag", "data", "--json").json()
    assert tagged["credentials"] == [listed[1]["id"]]
    missing = cw("export", "-f", "markdown", "ffffffffffff", "--json")
    assert missing.code == 6 and missing.json()["error"]["kind"] == "not_found"
    unknown = cw("export", "-f", "pdf", "--json")
    assert unknown.code == 2
    no_pathway = cw("export", "-f", "html", "--pathway", "nope", "--json")
    assert no_pathway.code == 6


def test_linkedin_org_ids_only_saved_when_asked(home: Path, cw: Cli) -> None:
    before = wallet_bytes(home)
    res = cw("export", "-f", "linkedin", "--org-id", "Öffentliche Hochschule=4242")
    assert res.code == 0, res
    links = [line for line in res.stdout.splitlines() if line.startswith("https://")]
    assert len(links) == 2
    assert all(dict(parse_qsl(urlsplit(u).query))["organizationId"] == "4242" for u in links)
    assert wallet_bytes(home) == before
    bad = cw("export", "-f", "linkedin", "--org-id", "no-equals-sign")
    assert bad.code == 2
    saved = cw("export", "-f", "linkedin", "--org-id", "Öffentliche Hochschule=99",
                    "--remember-org-ids")
    assert saved.code == 0 and wallet_bytes(home) != before
    again = cw("export", "-f", "linkedin")
    assert "organizationId=99" in again.stdout


def test_jsonresume_merge(home: Path, tmp_path: Path, cw: Cli) -> None:
    resume = tmp_path / "resume.json"
    resume.write_text(json.dumps({"basics": {"name": "Ada"}, "certificates": [
        {"name": "Python Basics", "issuer": "Öffentliche Hochschule", "date": "2024-03-15"}]}))
    res = cw("export", "-f", "jsonresume", "--merge", str(resume))
    assert res.code == 0, res
    merged = json.loads(res.stdout)
    assert merged["basics"] == {"name": "Ada"}
    assert [c["name"] for c in merged["certificates"]] == ["Python Basics", "数据分析"]
    assert cw("export", "-f", "markdown", "--merge", str(resume)).code == 2
    resume.write_text("not json")
    assert cw("export", "-f", "jsonresume", "--merge", str(resume)).code == 3


def test_empty_wallet_is_a_clear_error(wallet_home: Path, cw: Cli) -> None:
    res = cw("export", "-f", "html", "--json")
    assert res.code == 2 and "nothing to export" in res.json()["error"]["message"]
