"""`credwallet verify` through the real command tree (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_inproc
from tests.verify.vutil import VECTORS, signed_ob3

GOOD = VECTORS / "dcc-verifier-core/verifiableCredentials/v2/v2NoStatus.json"
EXPIRED = VECTORS / "dcc-verifier-core/verifiableCredentials/v2/v2Expired.json"
BAD_SIG = VECTORS / "1edtech-inspector/ob30/simple-err-proof-value.json"


def test_file_needs_no_wallet(tmp_path: Path) -> None:
    res = run_inproc("verify", "--file", str(GOOD), "--json", env={"CREDWALLET_PASSPHRASE": ""})
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.verify/1" and doc["ok"] is True
    (result,) = doc["results"]
    assert result["verified"] is True and result["source"] == str(GOOD) and result["id"] is None
    assert {c["check"] for c in result["checks"]} >= {
        "format", "proof", "key_binding", "not_before", "expiry", "revocation", "recipient",
        "schema", "contexts"}
    assert all(c["status"] in ("passed", "failed", "warning", "skipped") for c in result["checks"])
    rec = next(c for c in result["checks"] if c["check"] == "recipient")
    assert rec["status"] == "warning"


def test_file_exit_codes(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"not a credential")
    res = run_inproc("verify", "--file", str(junk), "--json")
    assert res.code == 3
    assert res.json()["ok"] is False
    assert res.json()["error"]["code"] == 3
    res = run_inproc("verify", "--file", str(tmp_path / "missing.json"))
    assert res.code == 3 and "cannot read" in res.stdout + res.stderr
    # Several files: the most serious outcome wins, every file is reported.
    res = run_inproc("verify", "--json", "--file", str(GOOD), "--file", str(BAD_SIG), "--file",
                  str(EXPIRED), "--file", str(junk))
    assert res.code == 3
    assert [r["verified"] for r in res.json()["results"]] == [True, False, False, False]


def test_at_changes_the_clock() -> None:
    res = run_inproc("verify", "--file", str(GOOD), "--at", "2005-01-01T00:00:00Z", "--json")
    assert res.code == 1
    nb = next(c for c in res.json()["results"][0]["checks"] if c["check"] == "not_before")
    assert nb["status"] == "failed"
    assert run_inproc("verify", "--file", str(GOOD), "--at", "yesterday").code == 2


def test_nothing_to_verify_is_usage_error() -> None:
    assert run_inproc("verify").code == 2


def test_human_output_names_the_signer() -> None:
    res = run_inproc("verify", "--file", str(BAD_SIG), "--file", str(GOOD))
    assert res.code == 1
    assert "NOT VERIFIED (failed: proof" in res.stdout and "does not match" in res.stdout
    assert "\nVERIFIED (warnings: recipient" in res.stdout and "did:key:z6MknNQD" in res.stdout


def test_stored_credentials_verify_and_list_shows_verdict(wallet_home: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps(signed_ob3(bytes(range(32)))))
    expired = tmp_path / "expired.json"  # did:key issuers only: import needs no network
    expired.write_text(json.dumps(signed_ob3(bytes(range(32)), validUntil="2025-02-01T00:00:00Z",
                                             id="urn:uuid:5c0b4a52-0000-4000-8000-000000000001")))
    res = run_inproc("import", "--json", str(GOOD), str(fresh), str(expired))
    assert res.code in (0, 1), res
    ids = [i["id"] for i in res.json()["items"] if i["id"]]
    assert len(ids) == 3

    res = run_inproc("verify", ids[0][:8], "--json")
    assert res.code == 0, res
    assert res.json()["results"][0]["id"] == ids[0]

    res = run_inproc("verify", "--all", "--json")
    assert res.code == 1
    verdicts = {r["id"]: r["verified"] for r in res.json()["results"]}
    assert verdicts == {ids[0]: True, ids[1]: True, ids[2]: False}

    listed = run_inproc("list", "--json").json()["credentials"]
    assert {c["id"]: c["verified"] for c in listed} == verdicts

    assert run_inproc("verify", "ffffffffffff").code == 6


def test_all_uses_a_process_pool(wallet_home: Path, tmp_path: Path) -> None:
    paths = []
    for i in range(12):
        p = tmp_path / f"c{i}.json"
        doc = signed_ob3(bytes([i + 1] * 32), id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}")
        p.write_text(json.dumps(doc))
        paths.append(str(p))
    assert run_inproc("import", *paths).code == 0
    res = run_inproc("verify", "--all", "--json")
    assert res.code == 0, res
    assert len(res.json()["results"]) == 12
    assert all(r["verified"] for r in res.json()["results"])
