"""Mixed-model and expiring presentations from `credwallet export` in Digital Bazaar's
reference stack (@digitalbazaar/vc 7.3, pinned in tests/interop/). Skips without node or the
stack; fails under CI=true.

What the reference does (asserted below, so a change in it shows up here):
- a VC 2.0 presentation holding a VC 1.1 and a VC 2.0 credential verifies, and fails after one
  byte of either changes;
- it does not understand enveloped credentials (VC 2.0 §4.13): the presentation's own proof
  verifies, but the `EnvelopedVerifiableCredential` entry is checked as an embedded-proof
  credential and refused;
- it does not enforce a proof's `expires` (data-integrity 2.5 only checks that it is a
  date-time; vc 7.3 gives presentations no validity period): an expired presentation still
  verifies there. `expires` is signed, so a stretched one fails.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from credwallet.export import ExportOptions, run_export
from tests.export.helpers import NOW, Issuer, jwt_credential, ob3, vc_v1, wallet_with

INTEROP = Path(__file__).resolve().parents[1] / "interop"
SCRIPT = INTEROP / "reference.mjs"
pytestmark = pytest.mark.interop  # tests/conftest.py skips, or under CI fails, without node

CHALLENGE, DOMAIN = "9d1e-challenge", "hr.example.org"
AT_EXPORT = "2026-06-01T12:00:00Z"  # NOW in tests.export.helpers
AFTER = "2026-08-01T00:00:00Z"


def reference(path: Path, at: str = AT_EXPORT) -> dict[str, Any]:
    proc = subprocess.run(["node", str(SCRIPT), "verify-vp-detail", str(path), CHALLENGE, DOMAIN,
                           at], capture_output=True, timeout=120, cwd=INTEROP)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def exported(tmp_path: Path, *docs: Any, **kw: Any) -> tuple[Path, bytes]:
    issuer = Issuer("Reference Mixed College")
    wallet = wallet_with(*[d(issuer) for d in docs])
    res = run_export(wallet, ExportOptions(fmt="vp", now=NOW, challenge=CHALLENGE, domain=DOMAIN,
                                           **kw))
    path = tmp_path / "vp.json"
    path.write_bytes(res.content)
    return path, res.content


OK = {"verified": True, "error": None}


def test_reference_verifies_a_vc2_presentation_of_1_1_and_2_0_credentials(tmp_path: Path) -> None:
    path, content = exported(tmp_path, vc_v1, ob3)
    vp = json.loads(content)
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["verifiableCredential"][0]["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    assert reference(path) == {"verified": True, "presentation": OK, "credentials": [OK, OK]}


@pytest.mark.parametrize(("old", "new"), [
    (b"Course One (1.1)", b"Course One (1.2)"),  # inside the VC 1.1 credential
    (b"Data Analysis Fundamentals", b"Data Analysis Fundamentalz"),  # inside the VC 2.0 one
])
def test_reference_rejects_a_changed_byte_in_either_model(tmp_path: Path, old: bytes,
                                                          new: bytes) -> None:
    path, content = exported(tmp_path, vc_v1, ob3)
    assert old in content
    path.write_bytes(content.replace(old, new, 1))
    result = reference(path)
    assert result["verified"] is False
    assert result["presentation"]["verified"] is False  # the holder's proof covers both


def test_reference_does_not_understand_enveloped_credentials(tmp_path: Path) -> None:
    path, _ = exported(tmp_path, vc_v1, ob3, lambda i: jwt_credential(i, jose_v2=True).encode())
    result = reference(path)
    assert result["presentation"] == OK
    assert result["credentials"][:2] == [OK, OK]
    assert result["credentials"][2]["verified"] is False
    assert "needs to be first in the list of contexts" in result["credentials"][2]["error"]


def test_reference_checks_expires_is_signed_but_not_that_it_has_passed(tmp_path: Path) -> None:
    path, content = exported(tmp_path, vc_v1, ob3, expires_in=timedelta(days=30))
    assert json.loads(content)["proof"]["expires"] == "2026-07-01T12:00:00Z"
    assert reference(path)["verified"] is True
    # After expiry: credwallet fails it (test_vp_expiry.py); the reference does not look.
    assert reference(path, AFTER)["verified"] is True
    path.write_bytes(content.replace(b"2026-07-01T12:00:00Z", b"2027-07-01T12:00:00Z", 1))
    assert reference(path)["presentation"]["verified"] is False
