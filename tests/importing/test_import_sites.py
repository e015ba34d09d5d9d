"""Import from real loopback issuer sites: the material cached, verification, failures isolated."""

from __future__ import annotations

import ipaddress
import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from credwallet import fetch
from credwallet.errors import BadInput
from credwallet.fetch.guard import IPAddress
from credwallet.importer import Fetched, ImportItem, add_fetched, default_verifier, import_all
from credwallet.ingest.sniff import recognise
from credwallet.models.entry import Holder, WalletData
from credwallet.verify import verify_stored
from tests.issuer_site import Sites, baked_png

NOW = datetime(2026, 6, 1, tzinfo=UTC)
VECTORS = Path(__file__).resolve().parents[1] / "ingest" / "vectors"


def new_wallet() -> WalletData:
    holder = Holder(did="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
                    private_seed_b64="AA==", created_at=NOW)
    return WalletData(created_at=NOW, holder=holder)


def one(wallet: WalletData, source: str, **kw: Any) -> ImportItem:
    items = import_all(wallet, [source], now=NOW, **kw)
    assert len(items) == 1
    return items[0]


def checks(item: ImportItem) -> dict[str, str]:
    assert item.verification is not None
    return {c.check: c.status for c in item.verification.checks}


def kinds(wallet: WalletData) -> dict[str, str]:
    return {url: doc.kind for url, doc in wallet.cache.items()}


def test_ob2_hosted_caches_the_whole_graph(sites: Sites) -> None:
    w = new_wallet()
    item = one(w, sites.ob2_assertions[0])
    assert item.status == "imported" and item.format == "ob2-hosted", item
    site = sites.site
    k = kinds(w)
    assert k[sites.ob2_assertions[0]] == "assertion"
    assert k[site.url("/ob2/badge.json")] == "badgeclass"
    assert k[site.url("/ob2/issuer.json")] == "issuer"
    assert k[site.url("/ob2/revocations.json")] == "revocation_list"
    assert k[site.url("/img/badge.png")] == "image"
    entry = w.credentials[0]
    assert entry.image_key == site.url("/img/badge.png")
    assert set(entry.cache_urls) == set(w.cache)
    for doc in w.cache.values():
        assert doc.fetched_at.tzinfo is not None and len(doc.sha256) == 64
    assert item.verification is not None and item.verification.verified, item.verification
    assert checks(item)["revocation"] == "passed"


def test_ob2_revoked_by_list_is_kept_and_marked(sites: Sites) -> None:
    w = new_wallet()
    item = one(w, sites.ob2_revoked)
    assert item.status == "imported" and checks(item)["revocation"] == "failed"
    assert item.verification is not None and not item.verification.verified
    assert len(w.credentials) == 1


def test_ob2_hosted_gone_is_revoked(sites: Sites) -> None:
    # The assertion arrives in a baked image; its hosted copy now answers 410 Gone.
    w = new_wallet()
    item = one(w, sites.site.url("/baked/gone.svg"))
    assert item.status == "imported", item
    assert w.cache[sites.ob2_gone].http_status == 410
    assert checks(item)["revocation"] == "failed"


def test_ob2_hosted_url_answering_410_is_not_imported(sites: Sites) -> None:
    w = new_wallet()
    item = one(w, sites.ob2_gone)
    assert item.status == "failed" and item.exit_code == 3 and "410" in (item.error or "")
    assert w.credentials == [] and w.cache == {}


def test_ob2_signed_caches_key_and_verifies(sites: Sites) -> None:
    w = new_wallet()
    item = one(w, sites.ob2_signed)
    assert item.status == "imported" and item.format == "ob2-signed", item
    assert w.cache[sites.ob2_signed_key].kind == "key"
    c = checks(item)
    assert c["proof"] == "passed" and c["key_binding"] == "passed", item.verification


def test_ob3_did_web_and_status_list(sites: Sites) -> None:
    w = new_wallet()
    items = import_all(w, [sites.ob3_good, sites.ob3_revoked], now=NOW)
    good, bad = items
    assert good.status == "imported" and good.format == "ob3-ldp", good
    did_url = f"https://127.0.0.1:{sites.site.port}/ob3/did.json"
    assert w.cache[did_url].kind == "did"
    assert w.cache[did_url].final_url == sites.site.url("/ob3/did.json")  # loopback: plain http
    assert w.cache[sites.ob3_did].kind == "did"  # also keyed by the DID itself
    assert w.cache[sites.ob3_status].kind == "status_list"
    c = checks(good)
    assert c["proof"] == "passed" and c["key_binding"] == "passed", good.verification
    assert c["revocation"] == "passed"
    assert good.verification is not None and good.verification.verified
    assert bad.status == "imported" and checks(bad)["revocation"] == "failed"
    assert w.credentials[0].image_key == sites.site.url("/img/badge.png")


def test_baked_images_from_urls(sites: Sites) -> None:
    w = new_wallet()
    png, svg, legacy = import_all(w, [sites.baked_png, sites.baked_svg, sites.baked_ob2_legacy],
                                  now=NOW)
    assert png.status == "imported" and png.format == "ob3-ldp", png
    assert checks(png)["proof"] == "passed"
    assert svg.status == "imported" and svg.format == "ob2-hosted", svg
    # The legacy image only held a URL; the hosted assertion was fetched to complete it.
    assert legacy.status == "imported" and legacy.format == "ob2-hosted", legacy
    by_id = {c.id: c for c in w.credentials}
    for it, media in ((png, "image/png"), (svg, "image/svg+xml"), (legacy, "image/png")):
        assert it.id is not None
        key = by_id[it.id].image_key
        assert key is not None and key.startswith("baked:")
        assert w.cache[key].media_type == media


def test_failed_sources_change_nothing_and_good_ones_are_imported(sites: Sites) -> None:
    w = new_wallet()
    one(w, sites.ob2_assertions[1])
    before = w.model_dump_json()
    hostile = {
        "/hostile/slow": 5, "/hostile/endless": 3, "/hostile/loop-a": 5, "/hostile/html": 3,
        "/nothing-here": 5, "/hostile/410": 3, "/hostile/500": 5, "/hostile/badjson": 3,
        "/hostile/bomb.png": 3, "/hostile/gzip-bomb": 3, "/hostile/to-private": 3,
    }
    bad_urls = [sites.site.url(p) for p in hostile]
    items = import_all(w, bad_urls, now=NOW)
    assert w.model_dump_json() == before
    for item, (path, code) in zip(items, hostile.items(), strict=True):
        assert item.status == "failed" and item.exit_code == code, (path, item)
        error = item.error or ""
        assert path.split("/")[-1] in error or "private" in error, (path, error)
    # Mixed in one command: the good ones land, the bad ones report.
    mixed = import_all(w, [bad_urls[3], sites.ob2_assertions[2], bad_urls[2], sites.ob3_good],
                       now=NOW)
    assert [m.status for m in mixed] == ["failed", "imported", "failed", "imported"]
    assert len(w.credentials) == 3
    from credwallet.importer import exit_code_of

    assert exit_code_of(mixed) == 5


def test_duplicate_reported(sites: Sites) -> None:
    w = new_wallet()
    first, again = import_all(w, [sites.ob3_good, sites.ob3_good], now=NOW)
    assert {first.status, again.status} == {"imported", "duplicate"}
    assert len(w.credentials) == 1


def test_local_file_cannot_make_wallet_probe_loopback(sites: Sites, tmp_path: Path) -> None:
    """A badge file naming a did:web on 127.0.0.1 must not reach it (SSRF rule)."""
    doc = sites.site.routes["/ob3/cred/1.json"].body
    path = tmp_path / "cred.json"
    path.write_bytes(doc)
    w = new_wallet()
    item = one(w, str(path))
    assert item.status == "failed" and item.exit_code == 1, item
    assert any("private or local" in warning for warning in item.warnings)
    assert w.credentials == []
    kept = one(w, str(path), keep_invalid=True)
    assert kept.status == "imported" and w.credentials[0].kept_invalid


def test_local_file_material_unreachable_gives_network_exit(tmp_path: Path) -> None:
    # did:web on a host that cannot be reached (offline mode): the proof cannot be checked.
    w = new_wallet()
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:web:issuer.invalid", "validFrom": "2025-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:example:1"},
           "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                     "verificationMethod": "did:web:issuer.invalid#key-1",
                     "proofPurpose": "assertionMethod", "proofValue": "z1111"}}
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(doc))
    item = one(w, str(path))
    assert item.status == "failed" and item.exit_code == 5, item
    assert "network" in (item.error or "")


def test_verifies_later_with_sockets_blocked(sites: Sites, monkeypatch: pytest.MonkeyPatch) -> None:
    w = new_wallet()
    srcs = [sites.ob2_assertions[0], sites.ob2_signed, sites.ob3_good, sites.baked_png]
    items = import_all(w, srcs, now=NOW)
    assert all(i.status in ("imported", "duplicate") for i in items), items

    def no_network(*a: Any, **k: Any) -> Any:
        raise AssertionError("verification touched the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    for cred in w.credentials:
        result = verify_stored(cred, w, NOW)
        assert result.verified, (cred.source, result)


def test_1edtech_ob2_baked_png_with_its_assets() -> None:
    """simple-badge.png: hosted OB 2.0 assertion whose graph lives on https://example.org.

    example.org cannot be served from loopback without breaking the SSRF rule, so this one
    test serves the vector's assets through an in-memory transport and a fake public DNS answer.
    """
    png = (VECTORS / "ob20/simple-badge.png").read_bytes()
    rec = recognise(png)
    assets = VECTORS / "ob20/assets"
    served = {
        "https://example.org/beths-robotics-badge.json": rec.raw,
        "https://example.org/robotics-badge.json": (assets / "robotics-badge.json").read_bytes(),
        "https://example.org/organization.json": (assets / "organization.json").read_bytes(),
        "https://example.org/robotics-badge.png": (assets / "robotics-badge.png").read_bytes(),
    }
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        body = served.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        ctype = "image/png" if str(request.url).endswith(".png") else "application/json"
        return httpx.Response(200, stream=httpx.ByteStream(body), headers={"Content-Type": ctype})

    async def public_dns(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("93.184.215.14")]

    class Assets(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return handler(request)

    pending: list[tuple[int, Fetched | str]] = [(0, Fetched(rec, "simple-badge.png"))]
    [(_, out)] = fetch.complete(pending, transport=Assets(), resolver=public_dns)
    assert isinstance(out, Fetched), out
    w = new_wallet()
    item = add_fetched(w, out, now=NOW, verifier=default_verifier())
    assert item.status == "imported" and item.format == "ob2-hosted", item
    c = checks(item)
    assert c["proof"] == "passed" and c["revocation"] == "passed", item.verification
    assert item.verification is not None and item.verification.verified
    assert "https://example.org/beths-robotics-badge.json" in seen
    assert w.credentials[0].image_key is not None and w.credentials[0].image_key.startswith("baked:")


@pytest.mark.parametrize("name", ["simple-json.png", "simple-json.svg", "simple-jwt.png",
                                  "simple-jwt.svg", "simple-jwt_v1.png", "simple-jwt_v1.svg"])
def test_1edtech_ob3_baked_files_import_offline(name: str) -> None:
    w = new_wallet()
    item = one(w, str(VECTORS / "ob30" / name))
    assert item.status == "imported", item
    assert checks(item)["proof"] == "passed", item.verification
    cred = w.credentials[0]
    assert cred.image_key is not None and w.cache[cred.image_key].kind == "image"
    assert w.cache[cred.image_key].body_bytes() == (VECTORS / "ob30" / name).read_bytes()


def test_local_bomb_file_is_bad_input(tmp_path: Path) -> None:
    from tests.issuer_site import png_bomb

    path = tmp_path / "bomb.png"
    path.write_bytes(png_bomb())
    item = one(new_wallet(), str(path))
    assert item.status == "failed" and item.exit_code == 3 and "bomb" in (item.error or "")


def test_legacy_pointer_that_cannot_be_fetched_is_refused(tmp_path: Path) -> None:
    from tests.issuer_site import make_png

    path = tmp_path / "legacy.png"
    path.write_bytes(make_png([(b"tEXt", b"openbadges\0https://issuer.invalid/a/1.json")]))
    item = one(new_wallet(), str(path))
    assert item.status == "failed" and item.exit_code == 3, item


def test_compressed_baked_png_served_by_issuer(sites: Sites) -> None:
    body = sites.site.routes["/ob2/assertions/0.json"].body
    url = sites.site.raw("/baked/z.png", baked_png("openbadges", body, compressed=True),
                         "application/octet-stream")  # wrong type: content decides
    item = one(new_wallet(), url)
    assert item.status == "imported" and item.format == "ob2-hosted", item


def test_add_fetched_refuses_pointer_only() -> None:
    from credwallet.ingest.sniff import Recognised

    rec = Recognised("ob2-hosted", b"", "application/ld+json", hosted_url="https://x.example/a")
    with pytest.raises(BadInput):
        add_fetched(new_wallet(), Fetched(rec, "x.png"), now=NOW)


def test_progress_observer_sees_every_source(sites: Sites) -> None:
    events: list[str] = []

    class Observer:
        def start(self, total: int) -> None:
            events.append(f"start {total}")

        def advance(self, source: str) -> None:
            events.append("advance")

        def finish(self) -> None:
            events.append("finish")

    items = import_all(new_wallet(), [sites.ob2_assertions[0], sites.site.url("/nope"),
                                      sites.ob3_good], now=NOW, progress=Observer())
    assert [i.status for i in items] == ["imported", "failed", "imported"]
    assert events == ["start 3", "advance", "advance", "advance", "finish"]
