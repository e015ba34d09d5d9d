"""Token Status List against an independent implementation: @sd-jwt/jwt-status-list (the status list
package of the OpenWallet Foundation SD-JWT stack, pinned through @sd-jwt/sd-jwt-vc 0.19.0).

Both read the draft's vectors the same; lists it writes read the same here; a Status List Token it
builds (signed with `jose`) answers for an SD-JWT VC of the same issuer.
"""

from __future__ import annotations

import json
import random
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import missing_dependency

from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify import token_status as ts

pytestmark = pytest.mark.interop

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "vectors" / "token-status"


def node(command: str, data: Any, tmp_path: Path) -> Any:
    if not (HERE / "node_modules" / "@sd-jwt" / "jwt-status-list").is_dir():
        missing_dependency("@sd-jwt/jwt-status-list missing (run tests/interop/setup.sh)")
    path = tmp_path / f"{command}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run(["node", str(HERE / "token_status.mjs"), command, str(path)],
                          capture_output=True, timeout=120, cwd=HERE)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return json.loads(proc.stdout)


def test_both_read_the_drafts_lists_alike(tmp_path: Path) -> None:
    lists = json.loads((VECTORS / "status-lists.json").read_text(encoding="utf-8"))["lists"]
    size = 4096  # the first entries of each (the long ones hold 2^20; index 0 and 1993 are set)
    theirs = node("decode", [{"bits": e["bits"], "lst": e["lst"], "size": min(size, e["entries"])}
                             for e in lists], tmp_path)
    for entry, got in zip(lists, theirs, strict=True):
        bits, raw = ts.decode({"bits": entry["bits"], "lst": entry["lst"]})
        ours = [ts.value_at(raw, i, bits) for i in range(min(size, entry["entries"]))]
        assert ours == got["values"], entry["name"]
        assert any(ours), entry["name"]


def test_lists_they_write_read_the_same_here(tmp_path: Path) -> None:
    rng = random.Random(11)
    wanted = [{"bits": bits, "values": [rng.randrange(1 << bits) for _ in range(rng.randrange(1, 900))]}
              for bits in (1, 2, 4, 8) for _ in range(3)]
    for want, got in zip(wanted, node("encode", wanted, tmp_path), strict=True):
        bits, raw = ts.decode(got)
        assert [ts.value_at(raw, i, bits) for i in range(len(want["values"]))] == want["values"]


@pytest.mark.parametrize(("value", "status", "start"), [
    (0, "passed", "not revoked or suspended"), (1, "failed", "revoked: INVALID"),
    (2, "failed", "suspended: SUSPENDED")])
def test_their_status_list_token_answers_for_the_issuer(tmp_path: Path, value: int, status: str,
                                                        start: str) -> None:
    iss, uri = "https://issuer.example/tenant", "https://issuer.example/statuslists/7"
    meta_url = "https://issuer.example/.well-known/jwt-vc-issuer/tenant"
    out = node("issue", {"iss": iss, "uri": uri, "idx": 5, "bits": 2,
                         "values": [0, 0, 0, 0, 0, value, 0, 0]}, tmp_path)
    fetched = datetime.now(UTC)
    material = DictMaterial({
        meta_url: CachedDocument.make(meta_url, "key", json.dumps(
            {"issuer": iss, "jwks": {"keys": [out["jwk"]]}}).encode(), fetched),
        uri: CachedDocument.make(uri, "token_status_list", out["statusListToken"].encode(), fetched,
                                 media_type="application/statuslist+jwt")})
    result = verify_bytes(out["credential"].encode(), now=fetched, material=material)
    assert result.check("proof").status == "passed", result.checks
    check = result.check("revocation")
    assert check.status == status and check.detail.startswith(start), check.detail
