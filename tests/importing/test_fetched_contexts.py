"""Contexts fetched at import: pinned, reported as such, and never trusted to say what a term
credwallet reads means (an import-fetched context that renames `credentialStatus` is refused)."""

from __future__ import annotations

import json
from typing import Any

from credwallet.importer import import_all
from credwallet.verify import sign_data_integrity
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import OB3, SIGNED_AT, VC2, Sites

CRED_STATUS = "https://www.w3.org/2018/credentials#credentialStatus"


def detail(item: Any, name: str) -> str:
    assert item.verification is not None
    found = item.verification.check(name)
    assert found is not None, item.verification
    return str(found.detail)


def test_contexts_check_names_a_context_fetched_at_import(sites: Sites) -> None:
    w = new_wallet()
    [item] = import_all(w, [sites.site.url("/ctl/cred.json")], now=NOW)
    assert item.status == "imported", item
    ctx = sites.site.url("/ctx/ext.json")
    assert w.cache[ctx].kind == "context"
    c = checks(item)
    assert c["contexts"] == "passed" and c["proof"] == "passed", item.verification
    text = detail(item, "contexts")
    assert "fetched at import, not bundled" in text and ctx in text, text
    assert "bundled" in text.replace("not bundled", "")  # the VC and OB contexts are bundled


def _signed(sites: Sites, doc: dict[str, Any], ctx_url: str, ctx: dict[str, Any]) -> dict[str, Any]:
    return sign_data_integrity(doc, seed=sites.ob3_seed, verification_method=sites.ob3_did + "#key-1",
                               proof_purpose="assertionMethod", created=SIGNED_AT,
                               extra_contexts={ctx_url: ctx})


def test_import_fetched_context_cannot_alias_credential_status(sites: Sites) -> None:
    site = sites.site
    alias = {"@context": {"revocationInfo": {"@id": CRED_STATUS, "@type": "@id"}}}
    ctx_url = site.json("/ctx/alias-status.json", alias)
    status_url = sites.ob3_status
    doc = {
        "@context": [VC2, OB3, ctx_url], "id": "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000a1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": sites.ob3_did, "type": ["Profile"], "name": "Loopback DID Issuer"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Aliased status",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner",
                              "achievement": {"id": site.url("/ob3/achievements/a1"),
                                              "type": ["Achievement"], "name": "A",
                                              "description": "d", "criteria": {"narrative": "n"}}},
        # Index 7 is revoked on the issuer's list: a reader by key name would see no status.
        "revocationInfo": {"id": f"{status_url}#7", "type": "BitstringStatusListEntry",
                           "statusPurpose": "revocation", "statusListIndex": "7",
                           "statusListCredential": status_url},
    }
    url = site.json("/ctx-alias/cred.json", _signed(sites, doc, ctx_url, alias))

    w = new_wallet()
    [item] = import_all(w, [url], now=NOW)
    # The context was fetched at import (nothing is stored: the import fails)...
    assert any("not bundled" in x and ctx_url in x for x in item.warnings), item.warnings
    # ...and the signature is fine (the RDF is what was signed)...
    c = checks(item)
    assert c["proof"] == "passed", item.verification
    # ...but the document does not read the way the bundled contexts define it: refused.
    assert c["contexts"] == "failed", item.verification
    assert "credentialStatus" in detail(item, "contexts")
    assert item.verification is not None and item.verification.verified is False
    assert item.status == "failed" and item.exit_code != 0, item
    assert not w.credentials


def test_aliasing_refused_even_with_keep_invalid(sites: Sites) -> None:
    """Kept (marked invalid) on request, but never shown as verified or as 'not revoked'."""
    site = sites.site
    alias = {"@context": {"@protected": True,
                          "status": {"@id": CRED_STATUS, "@type": "@id"}}}
    ctx_url = site.json("/ctx/alias-status-2.json", alias)
    doc = {
        "@context": [VC2, ctx_url], "id": "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000a2",
        "type": ["VerifiableCredential"], "issuer": sites.ob3_did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        "status": {"id": f"{sites.ob3_status}#7", "type": "BitstringStatusListEntry",
                   "statusPurpose": "revocation", "statusListIndex": "7",
                   "statusListCredential": sites.ob3_status},
    }
    url = site.json("/ctx-alias/cred2.json", _signed(sites, doc, ctx_url, alias))
    w = new_wallet()
    [item] = import_all(w, [url], now=NOW, keep_invalid=True)
    c = checks(item)
    assert c["contexts"] == "failed", item.verification
    assert item.verification is not None and item.verification.verified is False
    assert json.dumps(item.contract_dict()).count("credentialStatus") >= 1
