"""Trust signals end to end: import, verify (issuer_trust), trust add, show (assessment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.trust.helpers import ISSUER_SEED, credential, did_of, endorsement, sign


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    """The real command tree, in process (fast); stdout parsed as the one JSON document."""
    from credwallet.cli.app import run

    capsys.readouterr()
    code = run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _check(result: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in result["checks"] if c["check"] == name)
    return found


def test_issuer_trust_through_verify_and_show(wallet_home: Path, tmp_path: Path, offline: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    doc = credential(endorsement=[endorsement("urn:uuid:7d6f1c3e-1111-4a51-9c1c-5a1b1e4c0001",
                                              "well run")],
                     evidence=[{"id": "https://example.com/work/1", "type": ["Evidence"],
                                "name": "Team report"}])
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(doc, ISSUER_SEED)))
    code, out = _cli(capsys, "import", str(path))
    assert code == 0, out
    cid = out["items"][0]["id"]
    trust = _check(out["items"][0]["verification"], "issuer_trust")
    assert trust["status"] == "warning" and "unknown is not invalid" in trust["detail"]

    code, out = _cli(capsys, "verify", cid)
    (result,) = out["results"]
    assert code == 0 and result["verified"] is True
    assert _check(result, "issuer_trust")["status"] == "warning"
    (endorsed,) = result["extra"]["endorsements"]
    assert endorsed["verdict"] == "verified" and endorsed["comment"] == "well run"

    did = did_of(ISSUER_SEED)[0]
    assert _cli(capsys, "trust", "add", did, "--label", "Test Issuer")[0] == 0
    code, out = _cli(capsys, "verify", cid)
    check = _check(out["results"][0], "issuer_trust")
    assert check["status"] == "passed" and "'Test Issuer'" in check["detail"]

    code, out = _cli(capsys, "show", cid)
    assessment = out["credential"]["assessment"]
    assert assessment["assessment"] == "assessed"
    assert assessment["evidence"][0]["name"] == "Team report"
    assert assessment["issuer"]["signed"] is True

    human = run_cli("show", cid)  # the real entry point, human output
    assert human.code == 0, human
    assert "Assessment: assessed" in human.stdout and "Endorsements: 1" in human.stdout
    assert "well run" in human.stdout


def test_verify_file_without_wallet_has_the_check(isolated_home: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(credential(), ISSUER_SEED)))
    code, out = _cli(capsys, "verify", "--file", str(path))
    assert code == 0
    check = _check(out["results"][0], "issuer_trust")
    assert check["status"] == "warning" and "no wallet trust list" in check["detail"]


def test_show_flags_participation_badge(wallet_home: Path, tmp_path: Path, offline: None,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    doc = credential()
    del doc["credentialSubject"]["achievement"]["criteria"]
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sign(doc, ISSUER_SEED)))
    code, out = _cli(capsys, "import", str(path))
    assert code == 0, out
    code, out = _cli(capsys, "show", out["items"][0]["id"])
    assert out["credential"]["assessment"]["flags"] == ["no assessment described"]


def test_presentation_and_nested_trust() -> None:
    """A presentation has no issuer: its check sums up the credentials it holds."""
    from credwallet.trust.check import TrustPolicy
    from credwallet.trust.model import TrustSettings
    from credwallet.verify import EmptyMaterial, verify_bytes
    from tests.trust.helpers import NOW, SIGNED_AT

    inner = sign(credential(), ISSUER_SEED)
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [inner]}
    raw = json.dumps(vp).encode()
    settings = TrustSettings()
    settings.add_issuer(did_of(ISSUER_SEED)[0], None, SIGNED_AT)
    for policy, want in ((TrustPolicy(settings), "passed"),
                         (TrustPolicy(require_trusted=True), "failed"),
                         (TrustPolicy(), "warning")):
        result = verify_bytes(raw, now=NOW, material=EmptyMaterial(), trust=policy)
        assert _check(result.model_dump(mode="json"), "issuer_trust")["status"] == want
        assert _check(result.nested[0].model_dump(mode="json"), "issuer_trust")["status"] == want


def test_clr_nested_credentials_get_an_informative_check() -> None:
    from credwallet.trust.check import TrustPolicy
    from credwallet.verify import EmptyMaterial, verify_bytes
    from tests.trust.helpers import NOW, vector

    result = verify_bytes(vector("1edtech-inspector/clr/simple.json"), now=NOW,
                          material=EmptyMaterial(), trust=TrustPolicy(require_trusted=True))
    assert result.check("issuer_trust").status == "failed"  # type: ignore[union-attr]
    assert result.nested
    for child in result.nested:
        assert child.check("issuer_trust").status == "warning"  # type: ignore[union-attr]
