"""Issue #13 item 3: a set `suspension` bit reads as **suspended** in `list`, `show` and pathway
progress (not "revoked", not just "failed"); a credential from a loopback issuer whose signed
suspension list has its bit set."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.issuer_site import VC2, Sites, status_list


@pytest.fixture
def cw(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, Any]]:
    from credwallet.cli.app import run

    def call(*args: str, json_out: bool = True) -> tuple[int, Any]:
        capsys.readouterr()
        code = run([*args, "--json"] if json_out else list(args))
        out = capsys.readouterr().out
        return code, json.loads(out) if json_out else out

    return call


def _suspended_credential(sites: Sites) -> str:
    site = sites.site
    url = site.url("/test/suspensions")
    site.json("/test/suspensions", sites.sign_ob3({
        "@context": [VC2], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": sites.ob3_did, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "suspension", "encodedList": status_list({4})}}))
    doc: dict[str, Any] = json.loads(site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000013a1"
    doc["name"] = "Suspended Robotics"
    doc["credentialStatus"] = {"id": f"{url}#4", "type": "BitstringStatusListEntry",
                               "statusPurpose": "suspension", "statusListIndex": "4",
                               "statusListCredential": url}
    return site.json("/test/suspended.json", sites.sign_ob3(doc))


def test_suspended_in_list_show_and_progress(isolated_home: Path, tmp_path: Path, sites: Sites,
                                             cw: Callable[..., tuple[int, Any]]) -> None:
    assert cw("init")[0] == 0
    _, out = cw("import", _suspended_credential(sites), sites.ob3_good)
    assert [i["status"] for i in out["items"]] == ["imported", "imported"], out
    rows = {r["name"]: r for r in cw("list")[1]["credentials"]}
    suspended = rows["Suspended Robotics"]
    assert suspended["status"] == "suspended" and suspended["verified"] is False
    assert [r["status"] for n, r in rows.items() if n != "Suspended Robotics"] == ["verified"]
    human = cw("list", json_out=False)[1]
    assert "SUSPENDED" in human and "REVOKED" not in human

    shown = cw("show", suspended["id"])[1]["credential"]
    assert shown["status"] == "suspended"
    rev = next(c for c in shown["verification"]["checks"] if c["check"] == "revocation")
    assert rev["status"] == "failed" and rev["detail"].startswith("suspended: bit 4")
    assert "SUSPENDED" in cw("show", suspended["id"], json_out=False)[1]

    pathway = tmp_path / "p.toml"
    pathway.write_text('name = "robots"\ntitle = "Robots"\n[[requirements]]\n'
                       'name_pattern = "Suspended*"\n')
    assert cw("pathway", "add", str(pathway))[0] == 0
    progress = cw("progress", "robots")[1]["pathways"][0]
    [node] = progress["requirements"]
    [held] = node["not_counted"]
    assert held["status"] == "suspended" and held["reason"].startswith("suspended"), held
