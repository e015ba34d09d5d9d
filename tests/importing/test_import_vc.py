"""VC-JWT, CLR, HTTP key documents and non-bundled contexts: what import caches for each."""

from __future__ import annotations

from credwallet.importer import import_all
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import Sites


def test_vc_jwt_with_did_web_kid(sites: Sites) -> None:
    w = new_wallet()
    [item] = import_all(w, [sites.site.url("/vc/cred.jwt")], now=NOW)
    assert item.status == "imported" and item.format == "ob3-jwt", item
    assert w.cache[sites.ob3_did].kind == "did"
    assert w.cache[sites.ob3_status].kind == "status_list"
    c = checks(item)
    assert c["proof"] == "passed" and c["key_binding"] == "passed", item.verification


def test_clr_children_get_their_material(sites: Sites) -> None:
    w = new_wallet()
    [item] = import_all(w, [sites.site.url("/vc/clr.json")], now=NOW)
    assert item.status == "imported" and item.format == "clr-ldp", item
    assert len(item.children) == 1
    child = next(c for c in w.credentials if c.id == item.children[0])
    assert child.verification is not None
    cc = {c.check: c.status for c in child.verification.checks}
    assert cc["proof"] == "passed" and cc["revocation"] == "passed", child.verification
    assert sites.ob3_status in w.cache  # the child's status list, fetched for the child


def test_https_key_document_and_unbundled_context(sites: Sites) -> None:
    w = new_wallet()
    [item] = import_all(w, [sites.site.url("/ctl/cred.json")], now=NOW)
    assert item.status == "imported", item
    ctx = sites.site.url("/ctx/ext.json")
    assert w.cache[ctx].kind == "context"
    assert any("not bundled" in warning and ctx in warning for warning in item.warnings)
    assert sites.site.url("/ctl/issuer.json") in w.cache
    c = checks(item)
    assert c["proof"] == "passed" and c["key_binding"] == "passed", item.verification
