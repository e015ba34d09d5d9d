"""Registry parsing (DCC known-issuer format and the credwallet list format)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.trust import registry as reg_mod
from credwallet.trust.model import Registry, TrustSettings, dump_trust, load_trust
from credwallet.trust.registry import (
    RegistryError,
    RegistryTooLarge,
    parse_registry,
    record_fetch,
)

AT = datetime(2026, 3, 1, tzinfo=UTC)
LATER = datetime(2026, 4, 1, tzinfo=UTC)

# Shape of the DCC registry.json (digitalcredentials/issuer-registry-client test fixtures).
DCC = {
    "meta": {"created": "2022-10-27T17:57:31+00:00", "updated": "2025-03-12T16:20:00+00:00"},
    "registry": {
        "did:web:digitalcredentials.github.io:dcc-did-web": {
            "name": "DCC did:web test", "location": "Cambridge, MA, USA",
            "url": "https://digitalcredentials.mit.edu"},
        "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W": {
            "name": "(Example) My University", "location": "Cambridge, MA, USA",
            "url": "https://digitalcredentials.mit.edu"},
        "did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc": {"name": "Credly Test"},
    },
}


def test_dcc_registry() -> None:
    snap = parse_registry(json.dumps(DCC).encode(), fetched_at=AT)
    assert snap.format == "dcc-known-issuers"
    assert snap.updated == "2025-03-12T16:20:00+00:00"
    assert snap.fetched_at == AT
    assert len(snap.issuers) == 3
    entry = snap.issuers["did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W"]
    assert entry.name == "(Example) My University" and entry.location == "Cambridge, MA, USA"
    assert snap.issuers["did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc"].url is None


def test_dcc_registry_older_entries_key() -> None:
    doc = {"meta": {"created": "2020-12-02T02:32:16+0000"}, "name": "Pilot",
           "entries": {"did:key:z6Mktpn": {"name": "Example University 1", "url": "https://x.edu"}}}
    snap = parse_registry(json.dumps(doc).encode(), fetched_at=AT)
    assert snap.name == "Pilot" and list(snap.issuers) == ["did:key:z6Mktpn"]


def test_credwallet_list_and_object_forms() -> None:
    items = [{"id": "https://Example.EDU/issuer/", "name": "Example"}, {"id": "did:web:a.edu"}]
    snap = parse_registry(json.dumps(items).encode(), fetched_at=AT)
    assert snap.format == "credwallet"
    assert set(snap.issuers) == {"https://example.edu/issuer", "did:web:a.edu"}  # normalised
    obj = parse_registry(json.dumps({"name": "Mine", "updated": "2026-01-01",
                                     "issuers": items}).encode(), fetched_at=AT)
    assert obj.name == "Mine" and obj.updated == "2026-01-01" and len(obj.issuers) == 2


@pytest.mark.parametrize("body, needle", [
    (b"not json at all", "not valid JSON"),
    (b'{"hello": 1}', "not a known-issuer registry"),
    (b'"a string"', "not a known-issuer registry"),
    (b'{"registry": {"did:x:1": "a string"}}', "must be an object"),
    (b'{"registry": {"did:x:1": {"name": 5}}}', "must be a string"),
    (b'[{"name": "no id"}]', "issuer id must be a non-empty string"),
    (b'[42]', "must be an object"),
    (b"\xff\xfe", "UTF-8"),
])
def test_malformed_registries_give_clear_errors(body: bytes, needle: str) -> None:
    with pytest.raises(RegistryError) as err:
        parse_registry(body, fetched_at=AT)
    assert needle in err.value.message


def test_huge_registry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    big = b"[" + b" " * (reg_mod.MAX_REGISTRY_BYTES) + b"]"
    with pytest.raises(RegistryTooLarge):
        parse_registry(big, fetched_at=AT)
    monkeypatch.setattr(reg_mod, "MAX_REGISTRY_ENTRIES", 3)
    many = json.dumps([{"id": f"did:web:{i}.edu"} for i in range(4)]).encode()
    with pytest.raises(RegistryTooLarge):
        parse_registry(many, fetched_at=AT)


def test_failed_refresh_keeps_last_good_copy_and_says_why() -> None:
    reg = Registry(url="https://r.example/registry.json", added_at=AT)
    record_fetch(reg, at=AT, body=json.dumps(DCC).encode())
    assert reg.status == "ok" and reg.snapshot is not None
    record_fetch(reg, at=LATER, error="cannot connect")
    assert reg.status == "unreachable" and reg.error == "cannot connect"
    assert reg.snapshot is not None and reg.snapshot.fetched_at == AT
    record_fetch(reg, at=LATER, body=b"{oops")
    assert reg.status == "malformed" and reg.snapshot.fetched_at == AT
    record_fetch(reg, at=LATER, error="too big", too_large=True)
    assert reg.status == "too_large"
    assert reg.last_attempt_at == LATER


def test_settings_round_trip_through_wallet_dict() -> None:
    s = TrustSettings()
    s.add_issuer("did:web:example.edu#key-1", "Example", AT)
    reg, _ = s.add_registry("HTTPS://R.example/registry.json", None, AT)
    record_fetch(reg, at=AT, body=json.dumps(DCC).encode())
    again = load_trust(json.loads(json.dumps(dump_trust(s))))
    assert again == s
    assert again.issuers[0].value == "did:web:example.edu"  # fragment dropped
    assert again.registries[0].url == "https://r.example/registry.json"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_parser_never_raises_anything_but_registry_errors(data: bytes) -> None:
    with contextlib.suppress(RegistryError, RegistryTooLarge):
        parse_registry(data, fetched_at=AT)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.sampled_from(["registry", "entries", "issuers", "id",
                                                       "name", "url", "meta", "updated"]),
                                      kids, max_size=4), max_leaves=20))
def test_parser_on_json_shapes(doc: object) -> None:
    with contextlib.suppress(RegistryError, RegistryTooLarge):
        parse_registry(json.dumps(doc).encode(), fetched_at=AT)
