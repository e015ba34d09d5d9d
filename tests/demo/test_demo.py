"""`credwallet demo`: the whole journey, offline: in-process for the JSON document, through the
real entry point (`python -m credwallet`, the README's quick start) for the human output."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import run_cli, run_inproc


def test_demo_json_journey(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    res = run_inproc("demo", "--json", "-o", str(out))
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.demo/1" and doc["ok"] is True
    assert doc["surprises"] == []
    assert doc["site"].startswith("http://127.0.0.1:")
    statuses = [i["status"] for i in doc["imported"]]
    assert statuses.count("failed") == 1  # the tampered copy, refused
    tampered = next(i for i in doc["imported"] if i["status"] == "failed")
    assert "tampered" in tampered["source"] and "proof" in tampered["error"]
    formats = {i["format"] for i in doc["imported"] if i["format"]}
    assert {"ob3-ldp", "ob2-hosted", "ob2-signed", "clr-ldp"} <= formats
    failed_checks = {
        tuple(sorted(c["check"] for c in r["checks"] if c["status"] == "failed"))
        for r in doc["results"]
    }
    assert ("revocation",) in failed_checks and ("expiry",) in failed_checks
    assert sum(r["verified"] for r in doc["results"]) >= 9
    progress = {p["name"]: p for p in doc["progress"]}
    assert progress["data-analytics-certificate"]["complete"] is True
    assert progress["aas-information-technology"]["complete"] is False
    assert Path(doc["exports"]["html"]).read_text(encoding="utf-8").count("Python Foundations") >= 1
    with zipfile.ZipFile(doc["exports"]["bundle"]) as z:
        assert "manifest.json" in z.namelist()


def test_demo_human_output_mentions_each_step(tmp_path: Path) -> None:
    res = run_cli("demo", "-o", str(tmp_path / "o"), timeout=300)
    assert res.code == 0, res
    for text in ("Import from the issuers", "Verify offline", "Progress toward", "Verified exports",
                 "revocation", "expiry", "Try it yourself"):
        assert text in res.stdout
