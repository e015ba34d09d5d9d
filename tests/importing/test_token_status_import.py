"""Token Status List end to end: a real https issuer on 127.0.0.1 serving JWT VC Issuer Metadata,
an SD-JWT VC and its Status List Token; `import`, `refresh`, `list`, `verify` through the CLI.

The list is fetched at import as `token_status_list` (Accept `application/statuslist+jwt`),
re-fetched by `refresh`, and read offline by verification.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from tests.conftest import Cli
from tests.issuer_site import IssuerSite, self_signed_cert
from tests.verify.test_token_status import lst

TYP = "application/statuslist+jwt"


@dataclass
class Issuer:
    site: IssuerSite
    key: ECKey
    iss: str
    list_uri: str
    credential_url: str

    def publish(self, values: list[int], *, signer: ECKey | None = None, **claims: Any) -> None:
        """Serve a Status List Token (2-bit) with `values`, signed by the issuer unless `signer`."""
        now = int(time.time())
        body = {"sub": self.list_uri, "iss": self.iss, "iat": now - 60, "exp": now + 86400, "ttl": 3600,
                "status_list": {"bits": 2, "lst": lst(values, 2)}, **claims}
        token = jws.serialize_compact({"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1"},
                                      json.dumps(body).encode(), signer or self.key, algorithms=["ES256"])
        self.site.raw("/statuslists/1", token.encode(), TYP)


@pytest.fixture
def issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    cert, private = self_signed_cert(str(tmp_path))
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    site = IssuerSite(tls=(cert, private)).start()
    try:
        key = ECKey.generate_key("P-256")
        iss = site.url("/tenant")
        site.json("/.well-known/jwt-vc-issuer/tenant",
                  {"issuer": iss, "jwks": {"keys": [{**key.as_dict(private=False), "kid": "k1"}]}},
                  ctype="application/json")
        list_uri = site.url("/statuslists/1")
        payload = {"iss": iss, "vct": "https://credentials.example/learner", "iat": int(time.time()) - 3600,
                   "name": "Robotics 101", "status": {"status_list": {"idx": 3, "uri": list_uri}}}
        sd_jwt = jws.serialize_compact({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"},
                                       json.dumps(payload).encode(), key, algorithms=["ES256"]) + "~"
        url = site.raw("/credentials/1", sd_jwt.encode(), "application/dc+sd-jwt")
        yield Issuer(site, key, iss, list_uri, url)
    finally:
        site.stop()


def revocation_of(result: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["check"] == "revocation")


def imported(cw: Cli, issuer: Issuer) -> str:
    res = cw("import", issuer.credential_url, "--json")
    assert res.code == 0, res
    [item] = res.json()["items"]
    assert item["status"] == "imported" and item["format"] == "sd-jwt-vc", item
    return str(item["id"])


def test_valid_then_revoked_then_suspended_by_refresh(cw: Cli, wallet_home: Path, issuer: Issuer) -> None:
    issuer.publish([0, 0, 0, 0, 1, 2])
    res = cw("import", issuer.credential_url, "--json")
    assert res.code == 0, res
    [item] = res.json()["items"]
    assert item["verification"]["verified"] is True, item
    rev = revocation_of(item["verification"])
    assert rev["status"] == "passed" and rev["detail"].startswith("not revoked or suspended: VALID (0x00) "
                                                                  "at index 3 of " + issuer.list_uri)
    accepts = [h.get("accept") for p, h in issuer.site.requests if p.startswith("/statuslists/1")]
    assert accepts == [f"{TYP}, application/jwt;q=0.5"]
    cid = item["id"]

    issuer.publish([0, 0, 0, 1])  # the issuer revokes index 3
    res = cw("refresh", "--json")
    assert res.code == 0, res
    [done] = res.json()["results"]
    assert done["newly_revoked"] is True and done["verified"] is False, done
    assert any(f["url"] == issuer.list_uri and f["kind"] == "token_status_list" and f["changed"]
               for f in done["fetched"])
    assert revocation_of(done["verification"])["detail"].startswith("revoked: INVALID (0x01) at index 3")
    [row] = cw("list", "--json").json()["credentials"]
    assert row["status"] == "revoked"
    offline = cw("verify", "--all", "--json")
    assert offline.code == 1, offline

    issuer.publish([0, 0, 0, 2])  # suspended instead
    assert cw("refresh", cid, "--json").code == 0
    [row] = cw("list", "--json").json()["credentials"]
    assert row["status"] == "suspended", row
    assert "SUSPENDED" in cw("list").stdout

    issuer.publish([0, 0, 0, 0])  # lifted
    assert cw("refresh", "--json").code == 0
    assert cw("verify", "--all", "--json").code == 0


@pytest.mark.parametrize(("change", "reason"), [
    ({"signer": "stranger"}, "the signature does not verify with"),
    ({"iss": "https://elsewhere.example"}, "is issued by 'https://elsewhere.example'"),
    ({"sub": "https://elsewhere.example/statuslists/1"}, "has sub 'https://elsewhere.example/statuslists/1'"),
    ({"exp": 1700000000}, "expired at 2023-11-14T22:13:20Z"),
    ({"status_list": {"bits": 3, "lst": "eNrbuRgAAhcBXQ"}}, "bits 3 is not one of 1, 2, 4, 8"),
    ({"status_list": {"bits": 2, "lst": "%%%"}}, "lst is not base64url"),
    ({"status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}, "values": [0]}, None),
])
def test_refresh_to_a_bad_list_fails_with_its_reason(cw: Cli, wallet_home: Path, issuer: Issuer,
                                                     change: dict[str, Any], reason: str | None) -> None:
    issuer.publish([0, 0, 0, 0])
    cid = imported(cw, issuer)
    if change.get("signer") == "stranger":
        issuer.publish([0, 0, 0, 0], signer=ECKey.generate_key("P-256"))
    else:
        issuer.publish(change.pop("values", [0, 0, 0, 0]), **change)
    res = cw("refresh", cid, "--json")
    assert res.code == 0, res
    [done] = res.json()["results"]
    check = revocation_of(done["verification"])
    assert check["status"] == "failed" and done["verified"] is False, check
    if reason is None:  # the 1-bit list of the draft, index 3: INVALID
        assert check["detail"].startswith("revoked: INVALID (0x01) at index 3")
    else:
        assert check["detail"].startswith(f"status not established: Status List Token {issuer.list_uri}")
        assert reason in check["detail"], check["detail"]
    shown = cw("verify", cid)
    assert shown.code == 1 and "Traceback" not in shown.stdout + shown.stderr


def test_index_beyond_the_list_and_a_zip_bomb(cw: Cli, wallet_home: Path, issuer: Issuer) -> None:
    import base64
    import zlib

    issuer.publish([0, 0, 0, 0])
    cid = imported(cw, issuer)
    issuer.publish([], status_list={"bits": 8, "lst": lst([0, 0], 8)})  # two entries: no index 3
    res = cw("refresh", cid, "--json")
    assert res.code == 0, res
    check = revocation_of(res.json()["results"][0]["verification"])
    assert check["status"] == "failed"
    assert "index 3 is beyond the list (2 entries of 8 bits)" in check["detail"], check
    bomb = base64.urlsafe_b64encode(zlib.compress(b"\0" * (64 << 20), 9)).rstrip(b"=").decode()
    issuer.publish([], status_list={"bits": 1, "lst": bomb})  # 64 MiB of zeros in about 64 KiB
    res = cw("refresh", cid, "--json")
    assert res.code == 0, res
    check = revocation_of(res.json()["results"][0]["verification"])
    assert check["status"] == "failed" and "decompression bomb" in check["detail"], check
    assert cw("verify", cid).code == 1


def test_not_cached_is_not_checked_until_refresh(cw: Cli, wallet_home: Path, issuer: Issuer) -> None:
    issuer.site.raw("/statuslists/1", b"gone", "text/plain", status=404)
    res = cw("import", issuer.credential_url, "--json")
    assert res.code == 0, res
    [item] = res.json()["items"]
    check = revocation_of(item["verification"])
    assert check["status"] == "warning" and "was not cached at import" in check["detail"], check
    assert any("statuslists/1" in w for w in item["warnings"]), item["warnings"]
    issuer.publish([0, 0, 0, 1])
    res = cw("refresh", "--json")
    assert res.json()["results"][0]["newly_revoked"] is True, res


def test_a_cwt_list_is_refused_by_name(cw: Cli, wallet_home: Path, issuer: Issuer) -> None:
    issuer.site.raw("/statuslists/1", bytes.fromhex("d2845820a2012610"), "application/statuslist+cwt")
    res = cw("import", issuer.credential_url, "--json")
    assert res.code == 0, res
    [item] = res.json()["items"]
    check = revocation_of(item["verification"])
    assert check["status"] == "failed" and "CWT form" in check["detail"], check
