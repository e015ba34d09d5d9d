"""Issue #11 item 5b: a URL's first use does not decide how it is cached.

A presentation whose first credential shows, as its badge image, the URL that is the second
credential's status list: the list must still be fetched and cached as a status list, so
the revoked bit (index 7 on the loopback issuer) reads as revoked.
"""

from __future__ import annotations

import json
from typing import Any

from credwallet.importer import IMAGE_PREFIX, import_all
from credwallet.verify import verify_stored
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import VC2, Sites


def picture_is_status_list(sites: Sites) -> dict[str, Any]:
    """A valid credential (no status of its own) whose achievement image is the status list."""
    doc = json.loads(sites.site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc.pop("credentialStatus")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000005b0"
    doc["credentialSubject"]["achievement"]["image"] = {"id": sites.ob3_status, "type": "Image"}
    return sites.sign_ob3(doc)


def test_image_use_of_a_status_list_url_does_not_hide_the_revocation(sites: Sites) -> None:
    revoked = json.loads(sites.site.routes["/ob3/cred/2.json"].body)  # index 7: revoked
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"],
          "verifiableCredential": [picture_is_status_list(sites), revoked]}  # image use first
    url = sites.site.json("/test/vp-5b.json", vp)
    w = new_wallet()
    [item] = import_all(w, [url], now=NOW)
    assert item.status == "imported", item
    assert w.cache[sites.ob3_status].kind == "status_list"
    by_id = {c.id: c for c in w.credentials}
    first, second = (by_id[i] for i in item.children)
    assert second.verification is not None
    rev = {c.check: c for c in second.verification.checks}["revocation"]
    assert rev.status == "failed", second.verification
    assert first.verification is not None and first.verification.verified, first.verification
    # The picture was not an image (it is JSON): nothing is kept as one under either key.
    assert first.image_key is None
    assert IMAGE_PREFIX + sites.ob3_status not in w.cache


def test_an_image_and_a_document_sharing_a_url_are_cached_apart(sites: Sites) -> None:
    """The real collision: one URL answering both (content negotiation). The image moves to
    image:<url> when a credential needs the URL as a status list, in either import order."""
    site = sites.site
    listing = site.routes["/ob3/status/1"]
    png = site.routes["/img/badge.png"].body

    def negotiate(h: Any) -> None:
        wants_image = h.headers.get("Accept", "").startswith("image/")
        body, ctype = (png, "image/png") if wants_image else (listing.body, "application/ld+json")
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    shared = site.custom("/test/shared-5b", negotiate)
    doc = json.loads(site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc.pop("credentialStatus")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000005b1"
    doc["credentialSubject"]["achievement"]["image"] = {"id": shared, "type": "Image"}
    pictured = site.json("/test/pictured-5b.json", sites.sign_ob3(doc))
    doc = json.loads(site.routes["/ob3/cred/2.json"].body)
    doc.pop("proof")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000005b2"
    doc["credentialStatus"] = dict(doc["credentialStatus"], statusListCredential=shared,
                                   id=shared + "#7")
    listed = site.json("/test/listed-5b.json", sites.sign_ob3(doc))

    for order in ([pictured, listed], [listed, pictured]):
        w = new_wallet()
        items = [import_all(w, [u], now=NOW)[0] for u in order]  # separate imports
        assert all(i.status == "imported" for i in items), items
        assert w.cache[shared].kind == "status_list"
        assert w.cache[IMAGE_PREFIX + shared].kind == "image"
        assert w.cache[IMAGE_PREFIX + shared].body_bytes() == png
        by_source = {c.source: c for c in w.credentials}
        assert by_source[pictured].image_key == IMAGE_PREFIX + shared
        revocation = checks(next(i for i in items if i.source == listed))["revocation"]
        assert revocation == "failed", order
        # Later verification (offline) agrees.
        result = verify_stored(by_source[listed], w, NOW)
        assert {c.check: c.status for c in result.checks}["revocation"] == "failed"
