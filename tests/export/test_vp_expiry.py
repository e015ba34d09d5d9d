"""Issue #14: `export --expires-in DURATION` bounds a presentation's life and verify reports it.

The bound is the holder's Data Integrity proof `expires` (signed with the proof): VCDM 2.0
defines no validity period for a presentation (`validUntil` is a credential property; the
VC 2.0 context defines it only inside `VerifiableCredential`). The verifier reports the
presentation's `expiry` check ("valid until ...") and fails it, and the proof, afterwards.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from credwallet.export import ExportOptions, run_export
from credwallet.verify import DictMaterial, verify_bytes
from tests.conftest import Cli
from tests.export.helpers import NOW, Issuer, ob3, vc_v1, wallet_with

LATER = NOW + timedelta(days=31)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer("Expiring Academy")


def _vp(issuer: Issuer, **kw: Any) -> tuple[Any, dict[str, Any]]:
    wallet = wallet_with(vc_v1(issuer), ob3(issuer))
    res = run_export(wallet, ExportOptions(fmt="vp", now=NOW, challenge="c-1", **kw))
    return wallet, json.loads(res.content)


def _verify(wallet: Any, doc: dict[str, Any], now: Any = NOW) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=now, material=DictMaterial(wallet.cache),
                        holder_did=wallet.holder.did, format="vp-ldp")


def test_expires_in_sets_the_proof_expires_and_verify_reports_it(issuer: Issuer) -> None:
    wallet, vp = _vp(issuer, expires_in=timedelta(days=30))
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["proof"]["expires"] == "2026-07-01T12:00:00Z"
    assert "validUntil" not in vp  # not a presentation property in VCDM 2.0
    now = _verify(wallet, vp)
    assert now.verified, now.checks
    assert now.check("expiry").status == "passed"
    assert now.check("expiry").detail == "valid until 2026-07-01T12:00:00Z (proof expires)"
    after = _verify(wallet, vp, LATER)
    assert not after.verified
    assert after.check("expiry").status == "failed"
    assert after.check("expiry").detail.startswith("expired at 2026-07-01T12:00:00Z")
    assert after.check("proof").status == "failed"
    assert "proof expired" in after.check("proof").detail


def test_expires_is_signed(issuer: Issuer) -> None:
    wallet, vp = _vp(issuer, expires_in=timedelta(hours=12))
    assert vp["proof"]["expires"] == "2026-06-02T00:00:00Z"
    vp["proof"]["expires"] = "2099-01-01T00:00:00Z"  # stretching the life breaks the signature
    result = _verify(wallet, vp)
    assert not result.verified
    assert "does not match" in result.check("proof").detail


def test_without_expires_in_there_is_no_expiry_check(issuer: Issuer) -> None:
    wallet, vp = _vp(issuer)
    assert "expires" not in vp["proof"]
    result = _verify(wallet, vp, NOW + timedelta(days=3650))
    assert result.verified
    assert all(c.check != "expiry" for c in result.checks)


def test_bundle_and_page_carry_the_bound(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer))
    opts: dict[str, Any] = {"now": NOW, "expires_in": timedelta(weeks=2)}
    blob = run_export(wallet, ExportOptions(fmt="bundle", **opts)).content
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        pres = json.loads(zf.read("presentation.json"))
        report = json.loads(zf.read("verification-report.json"))
    assert pres["proof"]["expires"] == "2026-06-15T12:00:00Z"
    checks = {c["check"]: c for c in report["presentation"]["checks"]}
    assert checks["expiry"]["detail"] == "valid until 2026-06-15T12:00:00Z (proof expires)"
    page = run_export(wallet, ExportOptions(fmt="html", **opts)).content.decode()
    assert '"expires": "2026-06-15T12:00:00Z"' in page


# Through the CLI: the flag, its errors, and `verify --file ... --at`.

@pytest.fixture
def home(isolated_home: Path, tmp_path: Path, cw: Cli) -> Path:
    holder = cw("init", "--json").json()["holder"]
    issuer = Issuer("CLI Academy")
    paths = []
    for i, doc in enumerate([vc_v1(issuer, subject_id=holder), ob3(issuer, subject_id=holder)]):
        path = tmp_path / f"c{i}.json"
        path.write_text(json.dumps(doc))
        paths.append(str(path))
    assert cw("import", *paths, "--json").code == 0
    return isolated_home


def test_cli_vp_expires_in_then_verify_at(home: Path, tmp_path: Path,
                                          cw: Cli) -> None:
    out = tmp_path / "vp.json"
    res = cw("export", "-f", "vp", "--expires-in", "30d", "--challenge", "c", "-o", str(out))
    assert res.code == 0, res.stderr
    vp = json.loads(out.read_text())
    assert len(vp["verifiableCredential"]) == 2  # the 1.1 and the 2.0 credential
    expires = vp["proof"]["expires"]
    ok = cw("verify", "--file", str(out), "--offline", "--json")
    assert ok.code == 0, ok.stdout
    (result,) = ok.json()["results"]
    assert result["verified"] is True
    expiry = next(c for c in result["checks"] if c["check"] == "expiry")
    assert expiry == {"check": "expiry", "status": "passed",
                      "detail": f"valid until {expires} (proof expires)"}
    late = cw("verify", "--file", str(out), "--offline", "--json", "--at", "2099-01-01T00:00:00Z")
    assert late.code != 0
    (result,) = late.json()["results"]
    assert result["verified"] is False
    expiry = next(c for c in result["checks"] if c["check"] == "expiry")
    assert expiry["status"] == "failed" and expiry["detail"].startswith(f"expired at {expires}")


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "vp", "--expires-in", "30"], "expects a duration"),
    (["-f", "vp", "--expires-in", "-3d"], "expects a duration"),
    (["-f", "vp", "--expires-in", "0h"], "longer than zero"),
    (["-f", "vp", "--expires-in", "9999w"], "at most"),
    (["-f", "vp", "--expires-in", "1y"], "expects a duration"),
    (["-f", "markdown", "--expires-in", "30d"], "only applies to"),
])
def test_cli_bad_expires_in(home: Path, cw: Cli, args: list[str],
                            message: str) -> None:
    res = cw("export", *args, "--json")
    assert res.code == 2, res.stdout + res.stderr
    assert message in res.stdout + res.stderr
