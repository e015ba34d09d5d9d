"""`credwallet import URL...` and `credwallet refresh` through the real command tree (in-process)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_inproc
from tests.issuer_site import Sites, running_sites, status_list

ENV = {"CREDWALLET_HTTP_TIMEOUT": "3"}


def ids_in_wallet() -> list[str]:
    res = run_inproc("list", "--json")
    assert res.code == 0, res
    return sorted(c["id"] for c in res.json()["credentials"])


def test_import_urls_mixed_good_and_bad(wallet_home: Path, sites: Sites) -> None:
    res = run_inproc("import", sites.ob2_assertions[0], sites.site.url("/nothing"), sites.ob3_good,
                  sites.site.url("/hostile/html"), "--json", env=ENV)
    assert res.code == 5, res  # network (404) outranks bad content (html)
    doc = res.json()
    assert doc["schema"] == "credwallet.import/1" and doc["ok"] is False
    statuses = [(i["status"], i["format"]) for i in doc["items"]]
    assert statuses == [("imported", "ob2-hosted"), ("failed", None), ("imported", "ob3-ldp"),
                        ("failed", None)]
    assert "404" in doc["items"][1]["error"] and "text/html" in doc["items"][3]["error"]
    assert doc["items"][0]["verification"]["verified"] is True
    assert len(ids_in_wallet()) == 2


def test_failed_import_leaves_wallet_as_it_was(wallet_home: Path, sites: Sites) -> None:
    res = run_inproc("import", sites.site.url("/hostile/badjson"), sites.site.url("/hostile/bomb.png"),
                  "--json", env=ENV)
    assert res.code == 3, res
    assert all(i["status"] == "failed" for i in res.json()["items"])
    assert ids_in_wallet() == []


def test_human_output_and_stderr_warnings(wallet_home: Path, sites: Sites, tmp_path: Path) -> None:
    cred = tmp_path / "cred.json"
    cred.write_bytes(sites.site.routes["/ob3/cred/1.json"].body)
    res = run_inproc("import", str(cred), "--keep-invalid", env=ENV)
    assert res.code == 0, res
    assert "imported" in res.stdout
    assert "warning:" in res.stderr and "private or local" in res.stderr


def test_refresh_reports_newly_revoked(wallet_home: Path) -> None:
    with running_sites(n_ob2=1, extras=False) as s:
        assert run_inproc("import", s.ob3_good, "--json", env=ENV).code == 0
        first = run_inproc("refresh", "--json", env=ENV)
        assert first.code == 0, first
        doc = first.json()
        assert doc["schema"] == "credwallet.refresh/1" and doc["ok"] is True
        assert doc["registries"] == []  # none followed
        [item] = doc["results"]
        assert item["newly_revoked"] is False and item["verified"] is True
        assert item["signing_key"] == s.ob3_did + "#key-1"
        assert all(f["changed"] is False for f in item["fetched"])
        s.site.json("/ob3/status/1", s.sign_ob3({
            "@context": ["https://www.w3.org/ns/credentials/v2"], "id": s.ob3_status,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": s.ob3_did, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": s.ob3_status + "#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": status_list({3})}}))
        second = run_inproc("refresh", item["id"][:8], "--json", env=ENV)
        assert second.code == 0, second
        [item2] = second.json()["results"]
        assert item2["newly_revoked"] is True and item2["verified"] is False
    down = run_inproc("refresh", env=ENV)  # the issuer is gone; human output this time
    assert down.code == 5, down
    assert "failed" in down.stdout and "kept the previous copy" in down.stdout
    assert "NOT verified" in down.stdout  # still revoked as of the last good fetch


def test_refresh_unknown_id(wallet_home: Path) -> None:
    res = run_inproc("refresh", "deadbeef", "--json")
    assert res.code == 6, res
