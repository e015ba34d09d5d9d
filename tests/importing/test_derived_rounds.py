"""#12 item 2: what import fetches is derived from verification, in bounded rounds.

A verifier that asks the material for something gets it fetched (no fetch-side list of what a
format needs); a chain of documents is followed one round per link; a hostile server whose
every document points at a new one gets at most `MAX_ROUNDS` rounds and `max_documents`
documents.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from nacl.signing import SigningKey

from credwallet import fetch
from credwallet.didkey import ed25519_multikey
from credwallet.fetch.guard import AllowedHost
from credwallet.fetch.rounds import MAX_ROUNDS, offline_verification
from credwallet.importer import import_all
from credwallet.ingest.sniff import recognise
from credwallet.material import (
    DictMaterial,
    EmptyMaterial,
    Fetched,
    Kind,
    MaterialSource,
    Probe,
    RecordingMaterial,
    cached_json,
)
from credwallet.models.entry import CachedDocument
from credwallet.verify import sign_data_integrity
from tests.fetch.conftest import FAST
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import VC2, IssuerSite, Sites, status_list

SIGNED_AT = datetime(2025, 1, 1, tzinfo=UTC)
CTX = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def _paths(site: IssuerSite, prefix: str) -> list[str]:
    return [p for p, _h in site.requests if p.startswith(prefix)]


def _probe_following(kind_of: dict[str, Kind], start: str) -> Probe:
    """A test-only verifier (a 'family' fetch/ has never heard of): it reads the document at
    `start`, then every URL its `next` names, each through the typed request API with the kind
    `kind_of` gives its path. Nothing on the fetch side knows about it."""

    def probe(_rec: Any, material: MaterialSource) -> None:
        todo, seen = [start], set()
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            path = "/" + url.split("/", 3)[3]
            held = cached_json(material, url, kind_of.get(path.rsplit("/", 1)[0], Kind.KEY))
            if held.value is not None:
                todo += [u for u in held.value.get("next", []) if isinstance(u, str)]

    return probe


def _derive(site: IssuerSite, probe: Probe) -> Fetched:
    rec = recognise(json.dumps({"@context": [VC2], "type": ["VerifiablePresentation"]}).encode())
    # A file source has no endpoint of its own: the loopback site is allowed by --allow-host.
    [(_i, out)] = fetch.complete([(0, Fetched(rec, "probe.json"))], policy=FAST, probe=probe,
                                 allow_hosts=[AllowedHost.parse(f"127.0.0.1:{site.port}")])
    assert isinstance(out, Fetched), out
    return out


def test_a_new_verifier_gets_what_it_asks_for_under_its_kinds_rules(sites: Sites) -> None:
    """Three documents, each named by the one before: three rounds; each is cached under the
    kind it was asked as and fetched with that kind's Accept header (a status list may be a
    VC-JWT, a DID document is asked as one)."""
    site = sites.site
    a, b, c = (site.url(f"/t12/{k}/doc.json") for k in ("key", "status", "did"))
    site.json("/t12/key/doc.json", {"next": [b]})
    site.json("/t12/status/doc.json", {"next": [c]})
    site.json("/t12/did/doc.json", {"next": []})
    kinds = {"/t12/key": Kind.KEY, "/t12/status": Kind.STATUS_LIST, "/t12/did": Kind.DID}
    out = _derive(site, _probe_following(kinds, a))
    assert _paths(site, "/t12/") == ["/t12/key/doc.json", "/t12/status/doc.json",
                                     "/t12/did/doc.json"]
    assert {u: d.kind for u, d in out.material.items()} == {a: "key", b: "status_list", c: "did"}
    accept = {p: h["accept"] for p, h in site.requests if p.startswith("/t12/")}
    assert "application/vc+jwt" in accept["/t12/status/doc.json"]
    assert "application/did+json" in accept["/t12/did/doc.json"]
    assert "application/vc+jwt" not in accept["/t12/key/doc.json"]


def test_a_chain_of_controller_documents_is_followed_round_by_round(sites: Sites) -> None:
    """The credential's key lives in a standalone key document whose controller is the issuer;
    its status list is signed with another standalone key of the same issuer. Round 1: the key
    document and the status list; round 2: the issuer's controller document and the list's
    key. Each fetched once; the credential verifies with its key bound to its issuer."""
    site = sites.site
    issuer, key1, key2 = (site.url(p) for p in ("/t12c/issuer.json", "/t12c/k1.json",
                                                   "/t12c/k2.json"))
    seeds = {key1: bytes(range(100, 132)), key2: bytes(range(140, 172))}
    for key, seed in seeds.items():
        site.json(key.split(str(site.port), 1)[1], {
            "@context": CTX, "id": key, "type": "Multikey", "controller": issuer,
            "publicKeyMultibase": ed25519_multikey(bytes(SigningKey(seed).verify_key))})
    site.json("/t12c/issuer.json", {"@context": CTX, "id": issuer,
                                    "assertionMethod": [key1, key2]})

    def sign(doc: dict[str, Any], key: str) -> dict[str, Any]:
        return sign_data_integrity(doc, seed=seeds[key], verification_method=key,
                                   proof_purpose="assertionMethod", created=SIGNED_AT)

    lst = site.url("/t12c/status")
    site.json("/t12c/status", sign({
        "@context": [VC2], "id": lst, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": lst + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": status_list({7})}},
        key2))
    cred = site.json("/t12c/cred.json", sign({
        "@context": [VC2], "id": "urn:uuid:0c12c12c-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"], "issuer": issuer, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Learner"},
        "credentialStatus": {"id": lst + "#3", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": "3",
                             "statusListCredential": lst}}, key1))
    w = new_wallet()
    [item] = import_all(w, [cred], now=NOW)
    assert item.status == "imported", item
    c = checks(item)
    assert c["proof"] == c["key_binding"] == c["revocation"] == "passed", item.verification
    fetched = _paths(site, "/t12c/")
    assert fetched[0] == "/t12c/cred.json" and len(fetched) == len(set(fetched)) == 5
    assert set(fetched[1:3]) == {"/t12c/k1.json", "/t12c/status"}  # round 1
    assert set(fetched[3:5]) == {"/t12c/issuer.json", "/t12c/k2.json"}  # round 2
    assert w.cache[issuer].kind == w.cache[key1].kind == "key"
    assert w.cache[lst].kind == "status_list"


def test_a_server_whose_every_document_names_a_new_one_gets_bounded_rounds(sites: Sites) -> None:
    site = sites.site
    for i in range(12):  # an endless chain, as far as any import could ever look
        site.json(f"/t12h/chain/{i}", {"next": [site.url(f"/t12h/chain/{i + 1}")]})
    out = _derive(site, _probe_following({}, site.url("/t12h/chain/0")))
    assert _paths(site, "/t12h/chain/") == [f"/t12h/chain/{i}" for i in range(MAX_ROUNDS)]
    assert len(out.material) == MAX_ROUNDS


def test_a_server_fanning_out_gets_at_most_the_document_limit(sites: Sites) -> None:
    site = sites.site
    fan = [site.url(f"/t12f/leaf/{i}") for i in range(FAST.max_documents + 40)]
    for i, url in enumerate(fan):
        site.json(url.split(str(site.port), 1)[1], {"next": fan[i + 1:i + 30]})
    site.json("/t12f/root", {"next": fan})
    out = _derive(site, _probe_following({}, site.url("/t12f/root")))
    assert len(_paths(site, "/t12f/")) == len(out.material) == FAST.max_documents
    assert any(f"stopped at {FAST.max_documents} linked documents" in w for w in out.warnings)


def test_the_real_verifier_follows_a_hostile_controller_chain_one_link_only(
        sites: Sites) -> None:
    """Verification itself never follows a controller's controller: a key document whose
    controller document names yet another controller (and so on) costs two documents."""
    site = sites.site
    seed = bytes(range(180, 212))
    key = site.url("/t12x/key.json")
    ctl = [site.url(f"/t12x/ctl/{i}") for i in range(6)]
    site.json("/t12x/key.json", {
        "@context": CTX, "id": key, "type": "Multikey", "controller": ctl[0],
        "publicKeyMultibase": ed25519_multikey(bytes(SigningKey(seed).verify_key))})
    for i in range(5):  # each controller document says its key is controlled by the next
        site.json(f"/t12x/ctl/{i}", {"@context": CTX, "id": ctl[i], "verificationMethod": [{
            "id": ctl[i] + "#k", "type": "Multikey", "controller": ctl[i + 1],
            "publicKeyMultibase": ed25519_multikey(bytes(SigningKey(seed).verify_key))}],
            "assertionMethod": [ctl[i] + "#k"]})
    cred = site.json("/t12x/cred.json", sign_data_integrity({
        "@context": [VC2], "id": "urn:uuid:0c12c12c-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential"], "issuer": ctl[0], "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}}, seed=seed, verification_method=key,
        proof_purpose="assertionMethod", created=SIGNED_AT))
    w = new_wallet()
    [item] = import_all(w, [cred], now=NOW, keep_invalid=True)
    assert item.status == "imported", item
    assert _paths(site, "/t12x/") == ["/t12x/cred.json", "/t12x/key.json", "/t12x/ctl/0"]
    assert checks(item)["proof"] == "passed", item.verification
    assert checks(item)["key_binding"] == "failed", item.verification  # ctl/0 does not list it


def test_endorsements_ask_for_their_own_material() -> None:
    """Nothing on the fetch side names endorsements: verifying them asks for what they need
    (an OB 3.0 endorsement's key document; an OB 2.0 hosted endorsement and its issuer), so
    import fetches it."""
    endorsement = sign_data_integrity({
        "@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0c12c12c-0000-4000-8000-0000000000e1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": "https://endorser.example/profile", "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:uuid:0c12c12c-0000-4000-8000-0000000000c1",
                              "type": "EndorsementSubject"}},
        seed=bytes(range(32)), verification_method="https://endorser.example/keys/1",
        proof_purpose="assertionMethod", created=SIGNED_AT)
    vc = {"@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
          "id": "urn:uuid:0c12c12c-0000-4000-8000-0000000000c1",
          "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:x",
          "validFrom": "2025-01-01T00:00:00Z", "endorsement": [endorsement],
          "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]}}
    ob2 = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
           "id": "https://issuer.example/a/1", "issuedOn": "2024-05-01T00:00:00Z",
           "recipient": {"type": "email", "hashed": False, "identity": "l@example.com"},
           "verification": {"type": "hosted"}, "endorsement": ["https://endorser.example/e/1"],
           "badge": {"type": "BadgeClass", "id": "https://issuer.example/b", "name": "B",
                     "issuer": "https://issuer.example/i"}}
    asked: dict[str, list[tuple[str, str]]] = {}
    for name, doc in (("vc", vc), ("ob2", ob2)):
        recording = RecordingMaterial(EmptyMaterial())
        offline_verification(NOW)(recognise(json.dumps(doc).encode()), recording)
        asked[name] = [(n.url, n.kind.value) for n in recording.missed]
    assert ("https://endorser.example/keys/1", "key") in asked["vc"]
    assert ("https://endorser.example/e/1", "endorsement") in asked["ob2"]
    held = CachedDocument.make("https://endorser.example/e/1", "endorsement", json.dumps({
        "@context": "https://w3id.org/openbadges/v2", "type": "Endorsement",
        "id": "https://endorser.example/e/1", "issuer": "https://endorser.example/me",
        "verification": {"type": "hosted"}}).encode(), NOW)
    recording = RecordingMaterial(DictMaterial({held.url: held}))
    offline_verification(NOW)(recognise(json.dumps(ob2).encode()), recording)
    assert ("https://endorser.example/me", Kind.ISSUER) in [(n.url, n.kind)
                                                            for n in recording.missed]
