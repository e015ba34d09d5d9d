"""`refresh`: re-fetch what can change, re-verify, report newly revoked / rotated / expiring."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from credwallet.fetch.refresh import RefreshItem, refresh_wallet
from credwallet.importer import default_verifier, import_all
from credwallet.models.entry import WalletData
from tests.importing.test_import_sites import NOW, new_wallet
from tests.issuer_site import Sites, running_sites, status_list


@pytest.fixture
def own_sites() -> Iterator[Sites]:
    """A site of our own: these tests change what the issuer serves."""
    with running_sites(n_ob2=1, extras=False) as s:
        yield s


def refresh(w: WalletData, now: datetime = NOW) -> list[RefreshItem]:
    return refresh_wallet(w, list(w.credentials), now=now, verifier=default_verifier())


def test_nothing_changed(own_sites: Sites) -> None:
    w = new_wallet()
    import_all(w, [own_sites.ob3_good, own_sites.ob2_assertions[0]], now=NOW)
    old = {u: d.fetched_at for u, d in w.cache.items()}
    later = NOW + timedelta(days=1)
    items = refresh(w, later)
    assert [i.exit_code for i in items] == [0, 0]
    for it in items:
        assert it.fetched and not any(f.changed for f in it.fetched), it
        assert not it.newly_revoked and not it.key_rotations
        assert it.verification is not None and it.verification.verified
    # The status list and DID document were fetched again: newer as-of times.
    assert w.cache[own_sites.ob3_status].fetched_at > old[own_sites.ob3_status]
    assert items[0].signing_key == own_sites.ob3_did + "#key-1"
    assert w.credentials[0].extra["signing_key"]["id"] == own_sites.ob3_did + "#key-1"


def test_newly_revoked_by_status_list_and_410(own_sites: Sites) -> None:
    w = new_wallet()
    import_all(w, [own_sites.ob3_good, own_sites.ob2_assertions[0]], now=NOW)
    site = own_sites.site
    site.json("/ob3/status/1", own_sites.sign_ob3({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": own_sites.ob3_status,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": own_sites.ob3_did, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": own_sites.ob3_status + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": status_list({3, 7})}}))
    site.json("/ob2/assertions/0.json", {"revoked": True}, status=410)
    ob3, ob2 = refresh(w)
    assert ob3.newly_revoked and ob2.newly_revoked
    assert any(f.url == own_sites.ob3_status and f.changed for f in ob3.fetched)
    assert any("410" in c for c in ob2.changes)
    assert w.cache[own_sites.ob2_assertions[0]].http_status == 410
    assert ob3.verification is not None and not ob3.verification.verified
    assert "no longer verifies" in ob3.changes
    # A second refresh: still revoked, but not *newly*.
    again = refresh(w)
    assert not again[0].newly_revoked and not again[1].newly_revoked


def test_key_rotation_is_shown(own_sites: Sites) -> None:
    from nacl.signing import SigningKey

    from credwallet.didkey import ed25519_multikey

    w = new_wallet()
    import_all(w, [own_sites.ob3_good], now=NOW)
    did = own_sites.ob3_did
    other = bytes(SigningKey(bytes(32 * [7])).verify_key)
    own_sites.site.json("/ob3/did.json", {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did, "verificationMethod": [{"id": did + "#key-2", "type": "Multikey",
                                           "controller": did,
                                           "publicKeyMultibase": ed25519_multikey(other)}],
        "assertionMethod": [did + "#key-2"]})
    [item] = refresh(w)
    assert any("key-1 was removed" in k for k in item.key_rotations), item
    assert any("key-2 was added" in k for k in item.key_rotations)
    assert item.verification is not None and not item.verification.verified


def test_expiring_within_30_days(own_sites: Sites) -> None:
    doc = json.loads(own_sites.site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000ee"
    doc["validUntil"] = (NOW + timedelta(days=10)).isoformat().replace("+00:00", "Z")
    url = own_sites.site.json("/ob3/cred/expiring.json", own_sites.sign_ob3(doc))
    w = new_wallet()
    [imported] = import_all(w, [url], now=NOW)
    assert imported.status == "imported", imported
    [item] = refresh(w)
    assert item.expiring_soon and any("within 30 days" in c for c in item.changes)
    [late] = refresh(w, NOW + timedelta(days=11))
    assert not late.expiring_soon  # already expired: not "expiring"


def test_fetch_failure_keeps_old_copy_and_exits_5(own_sites: Sites) -> None:
    w = new_wallet()
    import_all(w, [own_sites.ob3_good], now=NOW)
    before = w.cache[own_sites.ob3_status]
    own_sites.site.raw("/ob3/status/1", b"down", "text/plain", status=503)
    [item] = refresh(w)
    assert item.exit_code == 5 and item.status == "failed"
    assert any("503" in e for e in item.errors)
    assert w.cache[own_sites.ob3_status] == before
    assert item.contract_dict()["errors"] == item.errors


def test_refresh_when_issuer_is_gone_entirely() -> None:
    with running_sites(n_ob2=1, extras=False) as s:
        w = new_wallet()
        import_all(w, [s.ob2_assertions[0]], now=NOW)
    snapshot = w.model_dump_json()
    [item] = refresh(w, datetime(2026, 6, 2, tzinfo=UTC))
    assert item.exit_code == 5 and item.errors
    assert json.loads(w.model_dump_json())["cache"] == json.loads(snapshot)["cache"]
