"""bbs-2023 against Digital Bazaar's implementation (@digitalbazaar/bbs-2023-cryptosuite with
@digitalbazaar/bls12-381-multikey; versions pinned in package-lock.json, docs/interop.md).

Their issuer signs a base proof with a fresh BLS12-381 did:key and derives a disclosure; credwallet
verifies the disclosure (key bound to the did:key issuer) and refuses the base proof; every
tampered disclosure is refused by both, the reference's verdict asked, not assumed.
"""

from __future__ import annotations

import base64
import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import missing_dependency
from tests.interop.conftest import HERE
from tests.verify.vutil import NOW

from credwallet.verify import EmptyMaterial, verify_bytes

pytestmark = pytest.mark.interop
SCRIPT = HERE / "bbs.mjs"
PACKAGES = ("@digitalbazaar/bbs-2023-cryptosuite", "@digitalbazaar/bls12-381-multikey")
PRESENTATION_HEADER = "0011aabb"


def _bbs(*args: str) -> Any:
    proc = subprocess.run(["node", str(SCRIPT), *args], capture_output=True, timeout=120, cwd=HERE)
    if proc.returncode != 0:
        raise AssertionError(f"bbs.mjs {args[0]} failed: {proc.stderr.decode()[-2000:]}")
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def issued() -> dict[str, Any]:
    if not all((HERE / "node_modules" / pkg).is_dir() for pkg in PACKAGES):
        missing_dependency("the bbs-2023 reference packages are missing (run tests/interop/setup.sh)")
    out: dict[str, Any] = _bbs("issue", PRESENTATION_HEADER)
    return out


def _ours(doc: dict[str, Any]) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=EmptyMaterial())


def _theirs(docs: list[dict[str, Any]], tmp_path: Path) -> list[bool]:
    path = tmp_path / "bbs.json"
    path.write_text(json.dumps(docs))
    return [r["verified"] for r in _bbs("verify", str(path))]


def test_their_derived_proof_verifies_here(issued: dict[str, Any]) -> None:
    result = _ours(issued["derived"])
    assert result.check("proof").status == "passed", result.check("proof").detail
    assert "bbs-2023" in result.check("proof").detail
    assert result.check("key_binding").status == "passed", result.check("key_binding").detail
    assert issued["did"] in result.check("key_binding").detail


def test_their_base_proof_is_refused_by_both(issued: dict[str, Any], tmp_path: Path) -> None:
    assert _ours(issued["base"]).check("proof").status == "failed"
    assert _theirs([issued["base"]], tmp_path) == [False]


def _raw(doc: dict[str, Any]) -> bytes:
    text = doc["proof"]["proofValue"][1:]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _set_raw(doc: dict[str, Any], raw: bytes) -> dict[str, Any]:
    doc["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return doc


def _tampered(derived: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    doc = copy.deepcopy(derived)
    doc["credentialSubject"]["course"]["grade"] = "A+"
    out["disclosed value"] = doc
    doc = copy.deepcopy(derived)
    doc["credentialSubject"]["course"]["title"] = "Interop 102"
    out["mandatory value"] = doc
    doc = copy.deepcopy(derived)
    raw = bytearray(_raw(doc))
    raw[3 + 1 + 3 + 200] ^= 0x01  # inside the BBS proof's scalars
    out["proof byte"] = _set_raw(doc, bytes(raw))
    doc = copy.deepcopy(derived)
    raw = bytearray(_raw(doc))
    raw[-1] ^= 0x01  # the presentation header's last byte
    out["presentation header"] = _set_raw(doc, bytes(raw))
    doc = copy.deepcopy(derived)
    doc["proof"]["created"] = "2026-02-01T00:00:00Z"  # changes the BBS header (proof hash)
    out["bbs header"] = doc
    doc = copy.deepcopy(derived)
    doc["credentialSubject"]["modules"][1]["score"] = 78
    out["second disclosed value"] = doc
    return out


def test_tampered_disclosures_are_refused_by_both(issued: dict[str, Any], tmp_path: Path) -> None:
    tampered = _tampered(issued["derived"])
    assert _theirs([issued["derived"]], tmp_path) == [True]  # the reference accepts the original
    verdicts = _theirs(list(tampered.values()), tmp_path)
    for (name, doc), theirs in zip(tampered.items(), verdicts, strict=True):
        assert theirs is False, f"the reference accepted the tampered {name}"
        assert _ours(doc).check("proof").status == "failed", name


def test_another_issuer_key_is_refused_by_both(issued: dict[str, Any], tmp_path: Path) -> None:
    other = _bbs("issue", PRESENTATION_HEADER)
    doc = copy.deepcopy(issued["derived"])
    doc["proof"]["verificationMethod"] = other["derived"]["proof"]["verificationMethod"]
    assert _theirs([doc], tmp_path) == [False]
    assert _ours(doc).check("proof").status == "failed"
