"""Issue #11 item 9 at import: a document from a loopback source cannot reach another port
on loopback (the same-source exemption is per address, port and scheme, not per name)."""

from __future__ import annotations

from credwallet.importer import import_all
from tests.importing.test_import_sites import NOW, new_wallet
from tests.issuer_site import IssuerSite, Sites, ob2_assertion


def test_document_pointing_at_another_loopback_port_is_refused(sites: Sites) -> None:
    other = IssuerSite().start()
    try:
        other.json("/badge.json", {"type": "BadgeClass", "name": "internal service"})
        site = sites.site
        aid = site.json("/test/ssrf/a.json",
                        ob2_assertion(site, "/test/ssrf/a.json", other.url("/badge.json")))
        w = new_wallet()
        [item] = import_all(w, [aid], now=NOW, keep_invalid=True)
        assert any("private or local" in warning and other.url("/badge.json") in warning
                   for warning in item.warnings), item.warnings
        assert other.hits["/badge.json"] == 0
        assert other.url("/badge.json") not in w.cache
    finally:
        other.stop()
