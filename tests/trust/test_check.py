"""The issuer_trust check: passed / warning / failed under the policy, registry as-of times."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from credwallet.trust.check import TrustPolicy, issuer_trust_check
from credwallet.trust.model import TrustSettings
from credwallet.trust.registry import record_fetch

AT = datetime(2026, 3, 1, tzinfo=UTC)
LATER = datetime(2026, 4, 1, tzinfo=UTC)
DID = "did:web:example.edu"


def _settings() -> TrustSettings:
    s = TrustSettings()
    s.add_issuer(DID, "Example University", AT)
    reg, _ = s.add_registry("https://registry.example/registry.json", "Consortium", AT)
    body = {"meta": {"updated": "2026-02-01"},
            "registry": {"did:key:z6MkListed": {"name": "Listed College"}}}
    record_fetch(reg, at=AT, body=json.dumps(body).encode())
    return s


def test_trusted_issuer_passes_naming_the_list() -> None:
    check = issuer_trust_check(DID + "#key-1", TrustPolicy(_settings()))
    assert check.check == "issuer_trust" and check.status == "passed"
    assert "on your trust list as 'Example University'" in check.detail


def test_registry_issuer_passes_with_registry_name_and_as_of() -> None:
    check = issuer_trust_check("did:key:z6MkListed", TrustPolicy(_settings()))
    assert check.status == "passed"
    assert "'Listed College'" in check.detail and "Consortium" in check.detail
    assert "as of 2026-03-01T00:00:00Z" in check.detail


def test_unknown_issuer_is_a_warning_not_a_failure() -> None:
    check = issuer_trust_check("did:web:stranger.example", TrustPolicy(_settings()))
    assert check.status == "warning"
    assert "unknown is not invalid" in check.detail


def test_require_trusted_turns_unknown_into_failure() -> None:
    policy = TrustPolicy(_settings(), require_trusted=True)
    assert issuer_trust_check("did:web:stranger.example", policy).status == "failed"
    assert issuer_trust_check(None, policy).status == "failed"
    assert issuer_trust_check(DID, policy).status == "passed"


def test_trust_needs_a_proven_issuer() -> None:
    check = issuer_trust_check(DID, TrustPolicy(_settings()), proven=False)
    assert check.status == "warning" and "does not prove" in check.detail
    strict = issuer_trust_check(DID, TrustPolicy(_settings(), require_trusted=True), proven=False)
    assert strict.status == "failed"


def test_names_never_make_an_issuer_trusted() -> None:
    # The registry lists "Listed College" by DID; an issuer id that merely looks similar fails.
    check = issuer_trust_check("https://listed-college.example", TrustPolicy(_settings()))
    assert check.status == "warning"


def test_registry_problems_are_reported_and_old_copy_still_used() -> None:
    s = _settings()
    record_fetch(s.registries[0], at=LATER, error="https://registry.example: cannot connect")
    listed = issuer_trust_check("did:key:z6MkListed", TrustPolicy(s))
    assert listed.status == "passed" and "as of 2026-03-01T00:00:00Z" in listed.detail
    unknown = issuer_trust_check("did:web:other.example", TrustPolicy(s))
    assert unknown.status == "warning"
    assert "was unreachable at 2026-04-01T00:00:00Z" in unknown.detail
    assert "using the copy as of 2026-03-01T00:00:00Z" in unknown.detail


def test_never_fetched_and_malformed_registries() -> None:
    s = TrustSettings()
    s.add_registry("https://new.example/r.json", None, AT)
    reg2, _ = s.add_registry("https://bad.example/r.json", None, AT)
    record_fetch(reg2, at=AT, body=b"<html>")
    detail = issuer_trust_check("did:web:x.example", TrustPolicy(s)).detail
    assert "not fetched yet" in detail
    assert "was malformed" in detail and "no copy to use" in detail


def test_no_wallet_and_empty_lists() -> None:
    assert "no wallet trust list" in issuer_trust_check("did:web:x", None).detail
    assert "trust no issuers" in issuer_trust_check("did:web:x", TrustPolicy()).detail


def test_structured_finding_for_reports() -> None:
    from credwallet.trust.check import evaluate_trust

    found = evaluate_trust("did:key:z6MkListed", TrustPolicy(_settings())).as_dict()
    assert found == {"status": "passed", "trusted": True, "issuer": "did:key:z6MkListed",
                     "source": "registry", "label": "Listed College",
                     "registry": "https://registry.example/registry.json",
                     "as_of": "2026-03-01T00:00:00Z", "registry_problems": [],
                     "listed_in": [{"registry": "https://registry.example/registry.json",
                                    "registry_name": "Consortium", "name": "Listed College",
                                    "as_of": "2026-03-01T00:00:00Z"}]}
    unproven = evaluate_trust("did:key:z6MkListed", TrustPolicy(_settings()), proven=False)
    assert unproven.listed_in == []
    mine = evaluate_trust(DID, TrustPolicy(_settings())).as_dict()
    assert mine["source"] == "trust_list" and mine["label"] == "Example University"
    assert evaluate_trust("did:web:nobody", TrustPolicy(_settings())).as_dict()["trusted"] is False


def test_policy_cache_follows_changes() -> None:
    from credwallet.trust.model import dump_trust

    s = _settings()
    first = TrustPolicy.from_trust_data(dump_trust(s))
    assert TrustPolicy.from_trust_data(dump_trust(s)).settings is first.settings  # cached
    record_fetch(s.registries[0], at=LATER, body=json.dumps([{"id": "did:web:new.example"}]).encode())
    after = TrustPolicy.from_trust_data(dump_trust(s))
    assert issuer_trust_check("did:web:new.example", after).status == "passed"
    s.remove_issuer(DID)
    assert issuer_trust_check(DID, TrustPolicy.from_trust_data(dump_trust(s))).status == "warning"
