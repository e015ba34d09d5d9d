"""Credential responses and what is shown of the issuer's words: binding, echoes of secrets,
interruptions (credential_deleted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.oid4vci.conftest import file_bytes
from tests.oid4vci.issuer import Issuer


def test_an_error_description_echoing_the_code_or_token_is_withheld(
        cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.echo_secrets = True
    offer = issuer.offer("OB3_JWT")
    assert cw("import", issuer.link(offer), "--json").code == 0
    again = cw("import", issuer.link(offer), "--json")  # used code: its description repeats it
    assert again.code == 3 and "invalid_grant" in again.stdout
    assert "withheld" in again.json()["items"][0]["error"]
    issuer.fail_with = "invalid_proof"  # its description repeats the Authorization header
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")))
    assert res.code == 3 and "invalid_proof" in res.stdout and "withheld" in res.stdout
    # (the autouse check in conftest.py asserts no code or token in any output)
    assert any(s.startswith("at-") for s in issuer.secrets_seen)


def test_sd_jwt_vc_without_a_cnf_key_is_not_bound(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.sd_jwt_binding = "sub"  # only a `sub` naming the holder: no key binding possible
    res = cw("import", issuer.link(issuer.offer("SDJWT")), "--json")
    assert res.code == 1, res.stdout
    assert "not bound to you" in res.json()["items"][0]["error"]
    assert cw("list", "--json").json()["credentials"] == []
    assert [n["event"] for n in issuer.notifications] == ["credential_failure"]


@pytest.mark.parametrize("where", ["complete_online", "add_fetched"])
def test_interrupted_after_arrival_sends_credential_deleted(
        cw: Any, wallet: Path, issuer: Issuer, monkeypatch: Any, where: str) -> None:
    import credwallet.issuance as issuance

    def interrupt(*args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(issuance, where, interrupt)
    issuer.batch = 2
    before = file_bytes(wallet)
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 130, res.stdout + res.stderr
    assert [n["event"] for n in issuer.notifications] == ["credential_deleted"]
    assert issuer.notifications[0]["notification_id"].startswith("n-")
    assert file_bytes(wallet) == before  # nothing stored
    assert cw("list", "--json").json()["credentials"] == []
