"""Presentations from `credwallet export --format vp` in Digital Bazaar's reference stack
(@digitalbazaar/vc, pinned in tests/interop/). Skips without node or the stack; fails under CI=true."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from credwallet.export import ExportOptions, run_export
from tests.export.helpers import NOW, Issuer, data_uri, ob3, png, wallet_with
from tests.export.test_formats import ob2_hosted

INTEROP = Path(__file__).resolve().parents[1] / "interop"
SCRIPT = INTEROP / "reference.mjs"
pytestmark = pytest.mark.interop  # tests/conftest.py skips, or under CI fails, without node

CHALLENGE, DOMAIN = "7f3c2a-challenge", "jobs.example.com"


def reference_verify_vp(path: Path) -> dict[str, Any]:
    proc = subprocess.run(["node", str(SCRIPT), "verify-vp", str(path), CHALLENGE, DOMAIN],
                          capture_output=True, timeout=120, cwd=INTEROP)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def presentation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    issuer = Issuer("Hochschule Überall")
    wallet = wallet_with(ob3(issuer, image=data_uri(png(), "image/png")),
                         ob3(issuer, name="数据分析 ✓", cred_id="urn:uuid:second"))
    wallet.credentials.append(ob2_hosted())
    res = run_export(wallet, ExportOptions(fmt="vp", now=NOW, challenge=CHALLENGE, domain=DOMAIN))
    assert len(res.credentials) == 3
    path = tmp_path_factory.mktemp("vp") / "vp.json"
    path.write_bytes(res.content)
    return path, res.content


def test_reference_verifies_exported_presentation(presentation: tuple[Path, bytes]) -> None:
    path, _ = presentation
    result = reference_verify_vp(path)
    assert result == {"verified": True, "error": None}


@pytest.mark.parametrize(("old", "new"), [
    ("数据分析".encode(), "数据分折".encode()),  # one character inside a contained credential
    (b'"validFrom": "2024-03-15T00:00:00Z"', b'"validFrom": "2024-03-16T00:00:00Z"'),
    (b"assertions/42", b"assertions/43"),  # inside the Open Badges 2.0 section
])
def test_reference_rejects_after_a_contained_byte_changes(presentation: tuple[Path, bytes],
                                                          old: bytes, new: bytes) -> None:
    path, content = presentation
    assert old in content
    tampered = path.with_name("tampered.json")
    tampered.write_bytes(content.replace(old, new, 1))
    assert reference_verify_vp(tampered)["verified"] is False
