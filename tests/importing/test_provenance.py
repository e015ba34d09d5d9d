"""Issue #11 items 2/3 (fetch side): what binds a key or a hosting scope is fetched from its
own id and cached under the URL that was requested, never taken from an embedded copy or
stored under an id a document claims."""

from __future__ import annotations

import json
from typing import Any

from credwallet.fetch.refresh import refresh_wallet
from credwallet.importer import default_verifier, import_all
from credwallet.models.entry import WalletData
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import OB2, Sites, ob2_assertion


def body(w: WalletData, url: str) -> Any:
    return json.loads(w.cache[url].body_bytes())


def test_ob2_profile_embedded_in_the_badgeclass_is_fetched_from_its_id(sites: Sites) -> None:
    site = sites.site
    issuer = site.url("/ob2/issuer.json")
    liar = {"@context": OB2, "type": "Issuer", "id": issuer, "name": "Liar",
            "url": "https://evil.example", "verification": {"allowedOrigins": "evil.example"}}
    badge = site.json("/test/p/badge.json", {
        "@context": OB2, "type": "BadgeClass", "id": site.url("/test/p/badge.json"),
        "name": "Embedded liar", "description": "x", "image": site.url("/img/badge.png"),
        "criteria": {"narrative": "x"}, "issuer": liar})
    aid = site.json("/test/p/a1.json", ob2_assertion(site, "/test/p/a1.json", badge))
    before = site.hits["/ob2/issuer.json"]
    w = new_wallet()
    [item] = import_all(w, [aid], now=NOW)
    assert item.status == "imported", item
    assert site.hits["/ob2/issuer.json"] > before
    cached = w.cache[issuer]
    assert cached.kind == "issuer" and cached.url == issuer and cached.final_url is None
    assert body(w, issuer)["name"] == "Loopback Academy"  # what the id serves, not the copy


def test_ob2_signed_token_embedding_badge_and_profile_fetches_both_ids(sites: Sites) -> None:
    """A signed token whose embedded profile lies (other name, other key list): the profile
    that can bind the key is the one served at its id, so that is what is cached there.
    The BadgeClass the token embeds is signed: verification reads that copy, so (fetching
    derived from verification, #12) nothing is fetched or cached at its id."""
    site = sites.site
    assert sites.sign_ob2 is not None
    issuer, badge_url = site.url("/ob2s/issuer.json"), site.url("/ob2s/badge.json")
    liar = {"@context": OB2, "type": "Issuer", "id": issuer, "name": "Liar",
            "url": "https://evil.example", "publicKey": [sites.ob2_signed_key,
                                                          "https://evil.example/key"]}
    badge = dict(json.loads(site.routes["/ob2s/badge.json"].body), issuer=liar)
    payload = {"@context": OB2, "type": "Assertion",
               "id": "urn:uuid:0b2b2b2b-0000-4000-8000-0000000000e1",
               "recipient": {"type": "email", "hashed": False, "identity": "learner@example.com"},
               "badge": badge, "issuedOn": "2024-05-01T00:00:00Z",
               "verification": {"type": "SignedBadge", "creator": sites.ob2_signed_key}}
    url = site.raw("/test/p/embedded.jws", sites.sign_ob2(payload).encode(), "text/plain")
    before = site.hits["/ob2s/issuer.json"]
    w = new_wallet()
    [item] = import_all(w, [url], now=NOW)
    assert item.status == "imported", item
    assert site.hits["/ob2s/issuer.json"] > before
    assert badge_url not in w.cache
    assert w.cache[issuer].kind == "issuer" and w.cache[issuer].url == issuer
    assert body(w, issuer)["name"] == "Signed Institute"
    assert checks(item)["proof"] == "passed"


def test_hosted_assertion_served_elsewhere_is_fetched_from_its_id(sites: Sites) -> None:
    site = sites.site
    aid = sites.ob2_assertions[1]
    path = aid.split(str(site.port), 1)[1]
    copy = site.raw("/test/p/copy.json", site.routes[path].body, "application/ld+json")
    before = site.hits[path]
    w = new_wallet()
    [item] = import_all(w, [copy], now=NOW)
    assert item.status == "imported", item
    assert site.hits[path] > before  # the hosted copy came from the id itself
    assert w.cache[aid].url == aid and w.cache[aid].final_url is None
    assert w.cache[aid].kind == "assertion"


def test_documents_are_cached_under_the_url_requested_not_the_id_they_claim(
        sites: Sites) -> None:
    site = sites.site
    issuer = site.url("/ob2/issuer.json")
    hop = site.raw("/test/p/issuer-moved", b"", "text/plain", status=301,
                   headers={"Location": "/ob2/issuer.json"})
    badge = site.json("/test/p/badge2.json", {
        "@context": OB2, "type": "BadgeClass", "id": site.url("/test/p/badge2.json"),
        "name": "Moved issuer", "description": "x", "image": site.url("/img/badge.png"),
        "criteria": {"narrative": "x"}, "issuer": hop})
    aid = site.json("/test/p/a2.json", ob2_assertion(site, "/test/p/a2.json", badge))
    w = new_wallet()
    [item] = import_all(w, [aid], now=NOW)
    assert item.status == "imported", item
    assert w.cache[hop].final_url == issuer and w.cache[hop].url == hop
    assert issuer not in w.cache  # the body says id=issuer; it was not requested there


def test_vc_issuer_with_an_https_id_is_fetched_even_when_embedded(sites: Sites) -> None:
    """An https issuer's own document is fetched from its id when verification reads it (its
    key lives there), whatever profile the credential embeds; when verification does not read
    it (the key is a did:web's), it is not fetched at all (fetching derived from verification,
    #12)."""
    site = sites.site
    profile = site.json("/test/p/vc-issuer.json", {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": site.url("/test/p/vc-issuer.json"),
        "type": ["Profile"], "name": "Served profile"})
    doc = json.loads(site.routes["/ob3/cred/1.json"].body)
    doc.pop("proof")
    doc.pop("credentialStatus")
    doc["id"] = "urn:uuid:0b3b3b3b-0000-4000-8000-0000000000b3"
    doc["issuer"] = {"id": profile, "type": ["Profile"], "name": "Embedded copy"}
    url = site.json("/test/p/vc.json", sites.sign_ob3(doc))
    w = new_wallet()
    item = import_all(w, [url], now=NOW, keep_invalid=True)[0]
    assert item.status == "imported", item
    assert profile not in w.cache
    ctl = site.url("/ctl/issuer.json")  # /ctl/cred.json embeds {"id": ctl, "name": "URL issuer"}
    assert json.loads(site.routes["/ctl/cred.json"].body)["issuer"]["id"] == ctl
    [item] = import_all(w, [site.url("/ctl/cred.json")], now=NOW)
    assert item.status == "imported" and checks(item)["key_binding"] == "passed", item
    assert w.cache[ctl].kind == "key" and w.cache[ctl].url == ctl
    assert body(w, ctl) == json.loads(site.routes["/ctl/issuer.json"].body)


def test_refresh_fetches_the_profile_from_its_id_too(sites: Sites) -> None:
    w = new_wallet()
    import_all(w, [sites.ob2_signed], now=NOW)
    [item] = refresh_wallet(w, list(w.credentials), now=NOW, verifier=default_verifier())
    fetched = {f.url: f.kind for f in item.fetched}
    assert fetched[sites.site.url("/ob2s/issuer.json")] == "issuer"
    assert fetched[sites.ob2_signed_key] == "key"
