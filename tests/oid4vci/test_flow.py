"""OID4VCI import against the loopback issuer (tests/oid4vci/issuer.py), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.oid4vci.conftest import file_bytes, payload_text
from tests.oid4vci.issuer import Issuer


def no_secret_anywhere(issuer: Issuer, home: Path, *outputs: Any) -> None:
    text = payload_text(home)
    raw = file_bytes(home)
    for secret in issuer.secrets_seen:
        for out in outputs:
            assert secret not in out.stdout and secret not in out.stderr, secret
        assert secret not in text, secret
        assert secret.encode() not in raw


def test_pre_authorized_jwt_vc(cw: Any, wallet: Path, issuer: Issuer) -> None:
    link = issuer.link(issuer.offer("OB3_JWT"))
    res = cw("import", link, "--json")
    assert res.code == 0, res.stdout + res.stderr
    doc = res.json()
    [item] = doc["items"]
    assert item["status"] == "imported" and item["format"] == "ob3-jwt"
    assert item["source"] == f"openid-credential-offer:{issuer.issuer}"
    assert item["verification"]["verified"] is True
    checks = {c["check"]: c["status"] for c in item["verification"]["checks"]}
    assert checks["recipient"] == "passed" and checks["proof"] == "passed"
    assert "Loopback Academy" in res.stderr and "Loopback Python Badge" in res.stderr
    assert [n["event"] for n in issuer.notifications] == ["credential_accepted"]
    shown = cw("show", item["id"], "--json").json()["credential"]
    assert shown["issuer"] == "Loopback Academy"  # tagged with its issuer, like any import
    assert shown["source"] == issuer.issuer
    no_secret_anywhere(issuer, wallet, res)


def _checks(item: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["status"] for c in item["verification"]["checks"]}


def test_ldp_vc_by_reference(cw: Any, wallet: Path, issuer: Issuer) -> None:
    link = issuer.link_by_reference(issuer.offer("OB3_LDP"))
    res = cw("import", link, "--json")
    assert res.code == 0, res.stdout + res.stderr
    [item] = res.json()["items"]
    assert item["format"] == "ob3-ldp" and item["verification"]["verified"] is True
    assert item["source"] == f"openid-credential-offer:{issuer.issuer}"
    assert any(m == "GET" and p.startswith("/offers/") for m, p in issuer.requests)
    no_secret_anywhere(issuer, wallet, res)


def test_https_link_carrying_an_offer(cw: Any, wallet: Path, issuer: Issuer) -> None:
    link = issuer.link(issuer.offer("OB3_JWT")).replace("openid-credential-offer://",
                                                        "https://wallet.example/offer")
    res = cw("import", link, "--json")
    assert res.code == 0, res.stdout + res.stderr
    assert res.json()["items"][0]["status"] == "imported"


def test_sd_jwt_vc_with_es256_jwk_proof(cw: Any, wallet: Path, issuer: Issuer) -> None:
    res = cw("import", issuer.link(issuer.offer("SDJWT")), "--json")
    assert res.code == 0, res.stdout + res.stderr
    [item] = res.json()["items"]
    assert item["format"] == "sd-jwt-vc" and item["verification"]["verified"] is True
    assert _checks(item)["recipient"] == "passed"


def test_es256_only_issuer_binds_to_did_jwk(cw: Any, wallet: Path, issuer: Issuer) -> None:
    res = cw("import", issuer.link(issuer.offer("ES256_JWT")), "--json")
    assert res.code == 0, res.stdout + res.stderr
    [item] = res.json()["items"]
    assert _checks(item)["recipient"] == "passed"
    idents = cw("identity", "list", "--json").json()
    assert any(str(i.get("value", "")).startswith("did:jwk:") for i in idents["identities"])


def test_several_configurations_and_a_batch(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.batch = 2
    res = cw("import", issuer.link(issuer.offer("OB3_JWT", "OB3_LDP")), "--json")
    assert res.code == 0, res.stdout + res.stderr
    items = res.json()["items"]
    assert [i["status"] for i in items] == ["imported"] * 4
    assert len({i["id"] for i in items}) == 4
    assert [n["event"] for n in issuer.notifications] == ["credential_accepted"] * 2
    listed = cw("list", "--json").json()
    assert len(listed["credentials"]) == 4


def test_tx_code_given_asked_and_wrong(cw: Any, wallet: Path, issuer: Issuer,
                                       tmp_path: Path) -> None:
    missing = cw("import", issuer.link(issuer.offer("OB3_JWT", tx_code="493536")), "--json")
    assert missing.code == 2 and missing.json()["items"][0]["status"] == "failed"
    assert "--tx-code" in missing.stdout
    wrong = cw("import", issuer.link(issuer.offer("OB3_JWT", tx_code="493536")),
               "--tx-code", "111111", "--json")
    assert wrong.code == 3, wrong.stdout
    assert "invalid_grant" in wrong.json()["items"][0]["error"]
    not_numeric = cw("import", issuer.link(issuer.offer("OB3_JWT", tx_code="493536")),
                     "--tx-code", "abcdef", "--json")
    assert not_numeric.code == 2
    code_file = tmp_path / "tx"
    code_file.write_text("493536\n")
    good = cw("import", issuer.link(issuer.offer("OB3_JWT", tx_code="493536")),
              "--tx-code-file", str(code_file), "--json")
    assert good.code == 0, good.stdout
    assert len(cw("list", "--json").json()["credentials"]) == 1
    no_secret_anywhere(issuer, wallet, missing, wrong, not_numeric, good)


def test_nonce_from_token_response(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.nonce_mode = "token"
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 0, res.stdout
    assert ("POST", "/oid4vci/nonce") not in issuer.requests


def test_invalid_nonce_retried_once(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.reject_nonce = 1
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 0, res.stdout
    assert issuer.requests.count(("POST", "/oid4vci/credential")) == 2
    assert issuer.requests.count(("POST", "/oid4vci/nonce")) == 2


def test_invalid_nonce_twice_fails(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.reject_nonce = 5
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 3, res.stdout
    doc = res.json()
    assert doc["error"]["code"] == 3
    assert "invalid_nonce" in doc["items"][0]["error"]
    assert issuer.requests.count(("POST", "/oid4vci/credential")) == 2
    assert cw("list", "--json").json()["credentials"] == []


def test_credential_bound_to_someone_else_is_refused(cw: Any, wallet: Path,
                                                     issuer: Issuer) -> None:
    issuer.bind_to = "did:example:somebody-else"
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 1, res.stdout
    [item] = res.json()["items"]
    assert item["status"] == "failed" and "not bound to you" in item["error"]
    assert "did:example:somebody-else" in item["error"]
    assert cw("list", "--json").json()["credentials"] == []
    assert [n["event"] for n in issuer.notifications] == ["credential_failure"]


def test_sd_jwt_bound_to_another_key_is_refused(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.bind_to = "did:example:other#key-1"
    res = cw("import", issuer.link(issuer.offer("SDJWT")), "--json")
    assert res.code == 1 and "cnf key is not your key" in res.json()["items"][0]["error"]


def test_a_refused_credential_takes_its_batch_along(cw: Any, wallet: Path,
                                                    issuer: Issuer) -> None:
    issuer.batch = 2
    original = issuer.credential
    calls: list[int] = []

    def second_forged(config: str, holder: dict[str, Any]) -> Any:
        calls.append(1)
        cred = original(config, holder)
        return cred[:-4] + ("AAAA" if cred[-4:] != "AAAA" else "BBBB") if len(calls) == 2 else cred

    issuer.credential = second_forged  # type: ignore[method-assign]
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 1, res.stdout
    items = res.json()["items"]
    assert [i["status"] for i in items] == ["failed", "failed"]
    assert "another credential of the same issuance" in items[0]["error"]
    assert cw("list", "--json").json()["credentials"] == []
    assert [n["event"] for n in issuer.notifications] == ["credential_failure"]


def test_protocol_errors_are_one_line_with_the_right_code(cw: Any, wallet: Path,
                                                          issuer: Issuer) -> None:
    cases: list[tuple[str, Any, int, str]] = [
        ("fail_with", "invalid_proof", 3, "invalid_proof"),
        ("fail_with", "credential_request_denied", 3, "credential_request_denied"),
        ("credential_status", 500, 5, "HTTP 500"),
        ("metadata_mode", "garbage", 3, "not valid JSON"),
        ("metadata_mode", "wrong_issuer", 3, "must not be used"),
    ]
    for attr, value, code, text in cases:
        fresh = Issuer()
        try:
            setattr(fresh, attr, value)
            res = cw("import", fresh.link(fresh.offer("OB3_JWT")), "--json")
        finally:
            fresh.stop()
        assert res.code == code, (attr, value, res.stdout)
        doc = res.json()
        assert doc["ok"] is False and doc["error"]["code"] == code
        error = doc["items"][0]["error"]
        assert text in error and "\n" not in error, error
        assert "Traceback" not in res.stderr
    human = cw("import", issuer.link(issuer.offer("MDL")))
    assert human.code == 3 and "unsupported_credential_format" in human.stdout
    assert cw("list", "--json").json()["credentials"] == []


def test_used_or_unknown_offer_code_is_invalid_grant(cw: Any, wallet: Path,
                                                     issuer: Issuer) -> None:
    offer = issuer.offer("OB3_JWT")
    assert cw("import", issuer.link(offer), "--json").code == 0
    again = cw("import", issuer.link(offer), "--json")
    assert again.code == 3 and "invalid_grant" in again.json()["items"][0]["error"]
    assert again.json()["error"]["kind"] == "bad_input"
    unknown = {**offer, "credential_configuration_ids": ["NOPE"]}
    res = cw("import", issuer.link(unknown), "--json")
    assert res.code == 3 and "does not list" in res.json()["items"][0]["error"]
    gone = cw("import", "openid-credential-offer://?credential_offer_uri="
              + f"{issuer.base}/offers/expired", "--json")
    assert gone.code == 5, gone.stdout
    bad = cw("import", "openid-credential-offer://?credential_offer=%7Bnot-json", "--json")
    assert bad.code == 3 and bad.json()["items"][0]["source"] == "openid-credential-offer"


def test_authorization_code_flow_with_pkce(cw: Any, wallet: Path, issuer: Issuer,
                                           monkeypatch: Any) -> None:
    import sys

    browser = Path(__file__).with_name("browser.py")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {browser} %s")
    res = cw("import", issuer.link(issuer.offer("OB3_LDP", grant="auth")), "--json")
    assert res.code == 0, res.stdout + res.stderr
    assert res.json()["items"][0]["status"] == "imported"
    assert f"{issuer.issuer}/authorize?" in res.stderr  # the URL is shown to the learner
    no_secret_anywhere(issuer, wallet, res)


def test_authorization_response_with_a_foreign_state_is_refused(cw: Any, wallet: Path,
                                                                issuer: Issuer,
                                                                monkeypatch: Any) -> None:
    import sys

    browser = Path(__file__).with_name("browser.py")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {browser} %s")
    issuer.redirect_state = "forged-state"
    res = cw("import", issuer.link(issuer.offer("OB3_LDP", grant="auth")), "--json")
    assert res.code == 3 and "state" in res.json()["items"][0]["error"]
    assert ("POST", "/oid4vci/token") not in issuer.requests
    issuer.redirect_state, issuer.authorization_error = None, "access_denied"
    denied = cw("import", issuer.link(issuer.offer("OB3_LDP", grant="auth")), "--json")
    assert denied.code == 3 and "access_denied" in denied.json()["items"][0]["error"]


def test_qr_code_image(cw: Any, wallet: Path, issuer: Issuer, tmp_path: Path) -> None:
    import segno

    image = tmp_path / "offer.png"
    segno.make(issuer.link_by_reference(issuer.offer("OB3_JWT")), error="m").save(
        str(image), scale=4)
    # An image is data from someone else: its local issuer needs --allow-host
    # (tests/oid4vci/test_network_rules.py has the refusals).
    res = cw("import", str(image), "--allow-host", f"127.0.0.1:{issuer.port}", "--json")
    assert res.code == 0, res.stdout + res.stderr
    assert res.json()["items"][0]["status"] == "imported"
    plain = tmp_path / "nothing.png"
    segno.make("hello, no offer here").save(str(plain), scale=4)
    none = cw("import", str(plain), "--json")
    assert none.code == 3 and "QR code" in none.json()["items"][0]["error"]


def test_signed_metadata_good_and_bad(cw: Any, wallet: Path, issuer: Issuer) -> None:
    for mode in ("signed", "jwt"):
        issuer.metadata_mode = mode
        res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
        assert res.code == 0, (mode, res.stdout)
        assert "checked" in res.stderr and ("GET", "/.well-known/did.json") in issuer.requests
    issuer.metadata_mode = "signed_bad"
    bad = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert bad.code == 3, bad.stdout
    assert "signed metadata: the signature does not verify" in bad.json()["items"][0]["error"]
    assert len(cw("list", "--json").json()["credentials"]) == 2


@pytest.mark.parametrize(("claims", "purpose", "said"), [
    ({"iat": 1e300}, "assertionMethod", "iat is missing or not a date"),
    ({"iat": "yesterday"}, "assertionMethod", "iat is missing or not a date"),
    ({"exp": -1e308}, "assertionMethod", "exp is not a date"),
    ({"exp": 1}, "assertionMethod", "has expired"),
    ({}, "keyAgreement", "does not list #meta-1 under assertionMethod"),
    ({}, "authentication", "does not list #meta-1 under assertionMethod"),
])
def test_signed_metadata_refusals(cw: Any, wallet: Path, issuer: Issuer, claims: dict[str, Any],
                                  purpose: str, said: str) -> None:
    """Hostile dates are refused, not crashed on; a key the issuer's DID lists for another
    purpose than assertionMethod does not vouch for the metadata."""
    issuer.metadata_mode = "jwt"
    issuer.metadata_claims = claims
    issuer.metadata_key_purpose = purpose
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json")
    assert res.code == 3, res.stdout + res.stderr
    assert said in res.json()["items"][0]["error"]
    assert "Traceback" not in res.stderr


def test_deferred_resume_and_refresh(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.deferred = True
    res = cw("import", issuer.link(issuer.offer("OB3_JWT")), "--tag", "later", "--json")
    assert res.code == 0, res.stdout
    [item] = res.json()["items"]
    assert item["status"] == "pending" and item["id"] is None
    assert "--resume" in item["warnings"][0]
    token = issuer.secrets_seen[-1]
    assert token.startswith("at-") and token in payload_text(wallet)  # the documented exception
    assert token.encode() not in file_bytes(wallet)  # encrypted
    still = cw("import", "--resume", "--json")
    assert still.code == 0 and still.json()["items"][0]["status"] == "pending"
    for tx in issuer.transactions.values():
        tx.ready = True
    done = cw("import", "--resume", "--json")
    assert done.code == 0, done.stdout
    [got] = done.json()["items"]
    assert got["status"] == "imported" and got["verification"]["verified"] is True
    assert token not in payload_text(wallet)
    assert [n["event"] for n in issuer.notifications] == ["credential_accepted"]
    assert cw("list", "--tag", "later", "--json").json()["credentials"][0]["id"] == got["id"]
    # refresh collects the next one once its interval has passed
    res = cw("import", issuer.link(issuer.offer("OB3_LDP")), "--json")
    assert res.json()["items"][0]["status"] == "pending"
    for tx in issuer.transactions.values():
        tx.ready = True
    early = cw("refresh", "--json")
    assert early.json()["issuances"] == []  # its interval (60 s) has not passed
    from datetime import UTC, datetime, timedelta

    from credwallet.wallet.store import WalletStore
    from tests.conftest import PASSPHRASE

    store = WalletStore(wallet / "wallet.cwlt")
    with store.transaction(PASSPHRASE) as w:
        w.oid4vci_pending[0].next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
    later = cw("refresh", "--json")
    assert later.json()["issuances"][0]["status"] == "imported", later.stdout
    assert len(cw("list", "--json").json()["credentials"]) == 2
    no_secret_anywhere(issuer, wallet, res, still, done, early, later)


def test_deferred_issuance_the_issuer_forgot(cw: Any, wallet: Path, issuer: Issuer) -> None:
    issuer.deferred = True
    assert cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json").code == 0
    issuer.transactions.clear()
    res = cw("import", "--resume", "--json")
    assert res.code == 3 and "invalid_transaction_id" in res.json()["items"][0]["error"]
    assert "oid4vci_pending" not in payload_text(wallet)


def test_pending_survives_json_roundtrip_of_other_commands(cw: Any, wallet: Path,
                                                            issuer: Issuer) -> None:
    issuer.deferred = True
    assert cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json").code == 0
    assert cw("identity", "add", "learner@example.com", "--json").code == 0
    assert json.loads(payload_text(wallet))["oid4vci_pending"][0]["configuration_id"] == "OB3_JWT"


def test_documents_match_their_schemas(cw: Any, wallet: Path, issuer: Issuer) -> None:
    from tests.test_contract_schemas import _validator

    issuer.deferred = True
    docs = [cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json").json()]
    for tx in issuer.transactions.values():
        tx.ready = True
    issuer.deferred = False
    docs.append(cw("import", "--resume", issuer.link(issuer.offer("OB3_LDP")),
                   issuer.link(issuer.offer("MDL")), "--json").json())
    assert [i["status"] for i in docs[0]["items"]] == ["pending"]
    assert [i["status"] for i in docs[1]["items"]] == ["imported", "imported", "failed"]
    for doc in docs:
        errors = list(_validator("credwallet.import/1").iter_errors(doc))
        assert errors == [], errors[0].message
    issuer.deferred = True
    assert cw("import", issuer.link(issuer.offer("OB3_JWT")), "--json").code == 0
    refreshed = cw("refresh", "--json").json()
    assert refreshed["issuances"] == []
    assert list(_validator("credwallet.refresh/1").iter_errors(refreshed)) == []
    bad = json.loads(json.dumps(docs[0]))
    bad["items"][0]["id"] = "0123456789abcdef"  # a pending item has no id yet
    assert list(_validator("credwallet.import/1").iter_errors(bad))
