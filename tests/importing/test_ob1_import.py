"""Open Badges 1.0 / 1.1 from a real loopback issuer site: hosted and signed assertions, baked
PNGs, revocation (410, the 1.x revocation list), expiry, tampering, and badges whose hosted copy
or key lives on another origin (a second site, allowed with --allow-host so it is fetched at
all). The documents follow the shapes of the 1EdTech validator's 1.x fixtures
(tests/ingest/vectors/ob1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from credwallet.fetch.guard import AllowedHost
from credwallet.importer import ImportItem, import_all
from tests.importing.test_import_sites import NOW, checks, new_wallet
from tests.issuer_site import IssuerSite, baked_png, make_png

OB1 = "https://w3id.org/openbadges/v1"
EMAIL = {"identity": "learner@example.com", "hashed": False, "type": "email"}


@dataclass
class Ob1Site:
    site: IssuerSite
    attacker: IssuerSite
    sign: Any  # (payload, private key or None) -> compact JWS
    key_url: str
    urls: dict[str, str]


def _rsa() -> tuple[Any, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, pem


def _signer(key: Any) -> Any:
    from cryptography.hazmat.primitives import serialization
    from joserfc import jws
    from joserfc.jwk import RSAKey

    private = RSAKey.import_key(key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))

    def sign(payload: dict[str, Any]) -> str:
        return jws.serialize_compact({"alg": "RS256"}, json.dumps(payload).encode(), private)

    return sign


def _build(site: IssuerSite, attacker: IssuerSite) -> Ob1Site:
    urls: dict[str, str] = {}
    site.raw("/img/ob1.png", make_png(), "image/png")
    # 1.0 documents: no context, no id; the BadgeClass and Issuer take the URL they come from.
    issuer = site.json("/ob1/issuer.json", {
        "name": "Legacy Academy", "url": site.base, "email": "badges@legacy.test",
        "revocationList": site.url("/ob1/revocations.json")}, ctype="application/json")
    badge = site.json("/ob1/badge.json", {
        "name": "Legacy Robotics", "description": "Built a robot in 2014.",
        "image": site.url("/img/ob1.png"), "criteria": site.url("/ob1/criteria.html"),
        "issuer": issuer, "alignment": [{"name": "Robots 101", "url": "https://std.example/r101"}]},
        ctype="application/json")
    site.json("/ob1/revocations.json", {"s-revoked": "Issued in error"}, ctype="application/json")

    def hosted(path: str, **extra: Any) -> str:
        doc = {"uid": path.rsplit("/", 1)[-1], "recipient": EMAIL, "badge": badge,
               "issuedOn": 1400000000, "verify": {"type": "hosted", "url": site.url(path)}, **extra}
        return site.json(path, doc, ctype="application/json")

    urls["hosted"] = hosted("/ob1/a/1.json")
    urls["expired"] = hosted("/ob1/a/expired.json", expires="2020-01-01")
    gone = {"uid": "gone", "recipient": EMAIL, "badge": badge, "issuedOn": "2014-05-13",
            "verify": {"type": "hosted", "url": site.url("/ob1/a/gone.json")}}
    urls["gone_doc"] = json.dumps(gone)
    site.json("/ob1/a/gone.json", {"revoked": True}, status=410)

    # 1.1: the v1 context, ids, types; the assertion's id is where it is hosted.
    issuer11 = site.json("/ob11/issuer.json", {
        "@context": OB1, "type": "Issuer", "id": site.url("/ob11/issuer.json"),
        "name": "Linked Data College", "url": site.base, "email": "ld@legacy.test"})
    badge11 = site.json("/ob11/badge.json", {
        "@context": OB1, "type": "BadgeClass", "id": site.url("/ob11/badge.json"),
        "name": "Linked Robotics", "description": "A 1.1 badge.", "image": site.url("/img/ob1.png"),
        "criteria": site.url("/ob11/criteria.html"), "issuer": issuer11})
    urls["hosted11"] = site.json("/ob11/a/1.json", {
        "@context": OB1, "type": "Assertion", "id": site.url("/ob11/a/1.json"), "uid": "11-1",
        "recipient": EMAIL, "badge": badge11, "issuedOn": "2016-12-31T23:59:59Z",
        "verify": {"type": "hosted", "url": site.url("/ob11/a/1.json")}})

    # Signed 1.x: RS256 JWS, verify.url is a PEM public key on the issuer's origin.
    key, pem = _rsa()
    key_url = site.raw("/ob1/key.pem", pem.encode(), "application/x-pem-file")
    sign = _signer(key)

    def signed(uid: str, key_at: str = key_url, signer: Any = sign, **extra: Any) -> str:
        payload = {"uid": uid, "recipient": EMAIL, "badge": badge, "issuedOn": "1400000000",
                   "verify": {"type": "signed", "url": key_at}, **extra}
        return site.raw(f"/ob1/s/{uid}.jws", signer(payload).encode(), "text/plain")

    urls["signed"] = signed("s1")
    urls["signed_revoked"] = signed("s-revoked")
    # The attacker's own key, served from the attacker's origin, naming the victim's BadgeClass.
    evil_key, evil_pem = _rsa()
    evil_key_url = attacker.raw("/key.pem", evil_pem.encode(), "text/plain")
    urls["signed_foreign_key"] = signed("s-evil", key_at=evil_key_url, signer=_signer(evil_key))
    # A hosted assertion on the attacker's origin claiming the victim's BadgeClass.
    urls["hosted_foreign"] = attacker.json("/a/1.json", {
        "uid": "evil-1", "recipient": EMAIL, "badge": badge, "issuedOn": 1400000000,
        "verify": {"type": "hosted", "url": attacker.url("/a/1.json")}}, ctype="application/json")
    # Baked: one PNG holding the assertion URL (legacy 1.0 baking), one holding the JSON.
    urls["baked_url"] = site.raw("/ob1/baked-url.png",
                                 baked_png("openbadges", urls["hosted"].encode()), "image/png")
    urls["baked_json"] = site.raw("/ob1/baked-json.png",
                                  baked_png("openbadges", site.routes["/ob11/a/1.json"].body),
                                  "image/png")
    return Ob1Site(site, attacker, sign, key_url, urls)


@pytest.fixture(scope="module")
def ob1_site() -> Iterator[Ob1Site]:
    site, attacker = IssuerSite().start(), IssuerSite().start()
    try:
        yield _build(site, attacker)
    finally:
        site.stop()
        attacker.stop()


def one(source: str, **kw: Any) -> ImportItem:
    [item] = import_all(new_wallet(), [source], now=NOW, **kw)
    return item


def test_ob1_0_hosted_imports_and_verifies(ob1_site: Ob1Site) -> None:
    w = new_wallet()
    [item] = import_all(w, [ob1_site.urls["hosted"]], now=NOW)
    assert item.status == "imported", item
    assert item.format == "ob1-hosted"
    got = checks(item)
    assert got["proof"] == got["key_binding"] == got["revocation"] == got["schema"] == "passed", item
    assert item.verification is not None and item.verification.verified
    site = ob1_site.site
    kinds = {u: d.kind for u, d in w.cache.items()}
    assert kinds[site.url("/ob1/badge.json")] == "badgeclass"
    assert kinds[site.url("/ob1/issuer.json")] == "issuer"
    assert kinds[site.url("/ob1/revocations.json")] == "revocation_list"
    [cred] = w.credentials
    assert cred.raw_bytes() == site.routes["/ob1/a/1.json"].body  # stored as issued


def test_ob1_1_hosted_imports_and_verifies(ob1_site: Ob1Site) -> None:
    item = one(ob1_site.urls["hosted11"])
    assert item.status == "imported" and item.format == "ob1-hosted", item
    assert item.verification is not None and item.verification.verified, item


def test_ob1_signed_imports_and_verifies_with_the_pem_key(ob1_site: Ob1Site) -> None:
    w = new_wallet()
    [item] = import_all(w, [ob1_site.urls["signed"]], now=NOW)
    assert item.status == "imported" and item.format == "ob1-signed", item
    got = checks(item)
    assert got["proof"] == got["key_binding"] == got["revocation"] == "passed", item
    assert item.verification is not None and item.verification.signer == ob1_site.key_url
    assert w.cache[ob1_site.key_url].kind == "pem_key"
    accept = [h.get("accept", "") for p, h in ob1_site.site.requests if p == "/ob1/key.pem"]
    assert accept and accept[-1].startswith("application/x-pem-file")


def test_baked_png_with_the_assertion_url(ob1_site: Ob1Site) -> None:
    item = one(ob1_site.urls["baked_url"])
    assert item.status == "imported" and item.format == "ob1-hosted", item
    assert item.verification is not None and item.verification.verified, item


def test_baked_png_with_the_json(ob1_site: Ob1Site) -> None:
    item = one(ob1_site.urls["baked_json"])
    assert item.status == "imported" and item.format == "ob1-hosted", item
    assert item.verification is not None and item.verification.verified, item


def test_revoked_in_the_1x_revocation_list(ob1_site: Ob1Site) -> None:
    item = one(ob1_site.urls["signed_revoked"], keep_invalid=True)
    assert checks(item)["revocation"] == "failed"
    assert item.verification is not None
    detail = item.verification.check("revocation")
    assert detail is not None and "Issued in error" in detail.detail


def test_hosted_410_is_revoked(ob1_site: Ob1Site, tmp_path: Path) -> None:
    path = tmp_path / "gone.json"
    path.write_text(ob1_site.urls["gone_doc"])
    # A file names no host: the issuer's loopback site is allowed as an intranet issuer would be.
    allow = [AllowedHost.parse(f"127.0.0.1:{ob1_site.site.port}")]
    item = one(str(path), keep_invalid=True, allow_hosts=allow)
    got = checks(item)
    assert got["revocation"] == "failed" and got["proof"] == "failed", item
    assert item.verification is not None
    assert "410" in str(item.verification.check("revocation"))


def test_hosted_410_is_kept_and_marked_without_keep_invalid(ob1_site: Ob1Site,
                                                            tmp_path: Path) -> None:
    # Withdrawn by its issuer is a revocation, as for OB 2.0: the learner's record is kept.
    path = tmp_path / "gone.json"
    path.write_text(ob1_site.urls["gone_doc"])
    allow = [AllowedHost.parse(f"127.0.0.1:{ob1_site.site.port}")]
    item = one(str(path), allow_hosts=allow)
    assert item.status == "imported", item
    assert checks(item)["revocation"] == "failed"


def test_expired(ob1_site: Ob1Site) -> None:
    item = one(ob1_site.urls["expired"], keep_invalid=True)
    assert checks(item)["expiry"] == "failed"
    assert item.verification is not None and not item.verification.verified


def test_tampered_hosted_copy_and_signature(ob1_site: Ob1Site, tmp_path: Path) -> None:
    doc = json.loads(ob1_site.site.routes["/ob1/a/1.json"].body)
    doc["recipient"] = {**EMAIL, "identity": "someone-else@example.com"}
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc))
    allow = [AllowedHost.parse(f"127.0.0.1:{ob1_site.site.port}")]
    item = one(str(path), keep_invalid=True, allow_hosts=allow)
    assert checks(item)["proof"] == "failed"
    assert "differs from this one" in str(item.verification.check("proof") if item.verification else "")
    token = ob1_site.site.routes["/ob1/s/s1.jws"].body.decode()
    head, _payload, sig = token.split(".")
    import base64

    payload = json.loads(base64.urlsafe_b64decode(_payload + "=" * (-len(_payload) % 4)))
    payload["uid"] = "s2"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    jws_path = tmp_path / "tampered.jws"
    jws_path.write_text(f"{head}.{forged}.{sig}")
    got = checks(one(str(jws_path), keep_invalid=True))
    assert got["proof"] == "failed" and got["key_binding"] == "skipped"


def test_hosted_on_another_origin_is_not_bound(ob1_site: Ob1Site) -> None:
    allow = [AllowedHost.parse(f"127.0.0.1:{ob1_site.site.port}")]
    item = one(ob1_site.urls["hosted_foreign"], keep_invalid=True, allow_hosts=allow)
    got = checks(item)
    assert got["proof"] == "passed"  # the attacker does host it...
    assert got["key_binding"] == "failed", item  # ...but not on the issuer's origin
    assert item.verification is not None and not item.verification.verified


def test_signed_with_a_key_on_another_origin_is_not_bound(ob1_site: Ob1Site) -> None:
    allow = [AllowedHost.parse(f"127.0.0.1:{ob1_site.attacker.port}")]
    item = one(ob1_site.urls["signed_foreign_key"], keep_invalid=True, allow_hosts=allow)
    got = checks(item)
    assert got["proof"] == "passed"  # a valid signature by the attacker's own key
    assert got["key_binding"] == "failed", item
    assert item.verification is not None and not item.verification.verified


# --- the whole journey through the command line -------------------------------------------------

PATHWAY = """schema = "credwallet.pathway/1"
name = "legacy-robotics"
title = "Legacy robotics"

[[requirements]]
id = "robots"
type = "all"
title = "Both robotics badges"

  [[requirements.of]]
  id = "ob10"
  title = "Legacy Robotics (OB 1.0)"
  achievement_id = "{badge10}"
  issuer_id = "{issuer10}"

  [[requirements.of]]
  id = "ob11"
  title = "Linked Robotics (OB 1.1)"
  achievement_id = "{badge11}"
  issuer_id = "{issuer11}"
"""


def test_cli_import_list_show_verify_export_progress(ob1_site: Ob1Site, wallet_home: Path,
                                                     cw: Any, tmp_path: Path) -> None:
    site, urls = ob1_site.site, ob1_site.urls
    assert cw("identity", "add", "learner@example.com", "--json").code == 0
    res = cw("import", urls["hosted"], urls["signed"], urls["hosted11"], "--json")
    assert res.code == 0, res
    items = res.json()["items"]
    assert [i["format"] for i in items] == ["ob1-hosted", "ob1-signed", "ob1-hosted"]
    assert all(i["verification"]["verified"] for i in items), items

    listed = cw("list", "--json")
    assert listed.code == 0, listed
    creds = listed.json()["credentials"]
    assert sorted(c["format"] for c in creds) == ["ob1-hosted", "ob1-hosted", "ob1-signed"]
    assert {c["issuer"] for c in creds} == {"Legacy Academy", "Linked Data College"}
    shown = cw("show", items[0]["id"], "--json")
    assert shown.code == 0, shown
    cred = shown.json()["credential"]
    # Shown in the 2.0 model it upgrades to: id from verify.url, ISO date, fetched BadgeClass.
    assert cred["document"]["id"] == urls["hosted"]
    assert cred["document"]["issuedOn"] == "2014-05-13T16:53:20+00:00"
    assert cred["view"]["issuer"]["id"] == site.url("/ob1/issuer.json")
    assert cred["view"]["achievement"]["alignments"][0]["target_name"] == "Robots 101"
    human = cw("show", items[0]["id"])
    assert "Open Badges 1.x hosted assertion (upgraded to 2.0)" in human.stdout

    verified = cw("verify", "--all", "--json")
    assert verified.code == 0, verified

    out = tmp_path / "vp.json"
    exported = cw("export", "--format", "vp", "-o", str(out), "--include-identity", "--json")
    assert exported.code == 0, exported
    assert sorted(exported.json()["credentials"]) == sorted(i["id"] for i in items)
    vp = json.loads(out.read_text())
    embedded = vp["openBadges2Assertions"]["assertions"]
    # Embedded like OB 2.0 originals: the bytes as issued, labelled as upgraded.
    assert {e["format"] for e in embedded} == {
        "Open Badges 1.x hosted assertion (upgraded to 2.0)",
        "Open Badges 1.x signed assertion (JWS, upgraded to 2.0)"}
    assert site.routes["/ob1/s/s1.jws"].body.decode() in [e["original"] for e in embedded]
    checked = cw("verify", "--file", str(out), "--offline", "--json")
    assert checked.code == 0, checked

    pathway = tmp_path / "legacy.toml"
    pathway.write_text(PATHWAY.format(
        badge10=site.url("/ob1/badge.json"), issuer10=site.url("/ob1/issuer.json"),
        badge11=site.url("/ob11/badge.json"), issuer11=site.url("/ob11/issuer.json")))
    assert cw("pathway", "add", str(pathway), "--json").code == 0
    progress = cw("progress", "--json")
    assert progress.code == 0, progress
    [legacy] = progress.json()["pathways"]
    assert legacy["complete"] is True, legacy
    matched = {r["id"]: r["matched_by"] for r in legacy["requirements"][0]["requirements"]}
    assert matched == {"ob10": [items[0]["id"]], "ob11": [items[2]["id"]]}
