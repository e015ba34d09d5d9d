"""`--allow-host` end to end, on a real loopback issuer: a file whose keys and status list live
on a "private" host (127.0.0.1 here) is verified only when the user names that host."""

from __future__ import annotations

from pathlib import Path

from credwallet.fetch.guard import AllowedHost
from credwallet.importer import import_all
from tests.conftest import run_inproc
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import Sites

ENV = {"CREDWALLET_HTTP_TIMEOUT": "3"}


def ob3_file(sites: Sites, tmp_path: Path) -> Path:
    path = tmp_path / "cred.json"
    path.write_bytes(sites.site.routes["/ob3/cred/1.json"].body)  # did:web and status on 127.0.0.1
    return path


def test_file_source_names_no_private_host_by_default(sites: Sites, tmp_path: Path) -> None:
    w = new_wallet()
    [item] = import_all(w, [str(ob3_file(sites, tmp_path))], now=NOW)
    assert item.status == "failed", item
    assert any("private or local" in x for x in item.warnings), item.warnings


def test_allowed_host_and_port(sites: Sites, tmp_path: Path) -> None:
    w = new_wallet()
    allowed = [AllowedHost.parse(f"127.0.0.1:{sites.site.port}")]
    [item] = import_all(w, [str(ob3_file(sites, tmp_path))], now=NOW, allow_hosts=allowed)
    assert item.status == "imported", item
    c = checks(item)
    assert c["proof"] == "passed" and c["key_binding"] == "passed", item.verification
    assert c["revocation"] == "passed", item.verification
    assert w.cache[sites.ob3_did].kind == "did"
    assert w.cache[sites.ob3_status].kind == "status_list"
    assert not any("private or local" in x for x in item.warnings)


def test_another_port_on_the_same_host_is_not_allowed(sites: Sites, tmp_path: Path) -> None:
    w = new_wallet()
    other = sites.site.port + 1 if sites.site.port < 65535 else sites.site.port - 1
    [item] = import_all(w, [str(ob3_file(sites, tmp_path))], now=NOW,
                        allow_hosts=[AllowedHost.parse(f"127.0.0.1:{other}")])
    assert item.status == "failed"
    assert any("private or local" in x for x in item.warnings), item.warnings


def test_cli_import_and_refresh_with_allow_host(wallet_home: Path, sites: Sites,
                                                tmp_path: Path) -> None:
    cred = str(ob3_file(sites, tmp_path))
    flag = ["--allow-host", "localhost", "--allow-host", f"127.0.0.1:{sites.site.port}"]
    res = run_inproc("import", cred, *flag, "--json", env=ENV)
    assert res.code == 0, res
    [item] = res.json()["items"]
    assert item["status"] == "imported" and item["verification"]["verified"] is True, item
    assert "private or local" not in res.stderr

    again = run_inproc("refresh", *flag, "--json", env=ENV)
    assert again.code == 0, again
    [result] = again.json()["results"]
    assert result["verified"] is True and result["newly_revoked"] is False

    refused = run_inproc("refresh", "--json", env=ENV)  # the stored source is a file
    assert refused.code != 0, refused


def test_cli_bad_allow_host_is_a_usage_error(wallet_home: Path, tmp_path: Path) -> None:
    res = run_inproc("import", str(tmp_path / "x.json"), "--allow-host", "https://intranet.example",
                  "--json", env=ENV)
    assert res.code == 2, res
    assert "--allow-host" in res.stdout + res.stderr
