"""Build the example issuer site: every file an issuer would publish, for one learner.

Keys are EXAMPLE keys: Ed25519 seeds derived from a public label (documented in
examples/README.md), so anyone can reproduce them. They protect nothing and must never be
trusted outside the demo. The OB 2.0 signing key is a fresh RSA key per build.

What is served (paths under the site's base URL):
  /issuers/<key>/did.json            did:web documents (Multikey, assertionMethod)
  /ob3/credentials/<key>.json        Open Badges 3.0 credentials (eddsa-rdfc-2022)
  /ob3/badges/<key>.png|.svg         OB 3.0 credentials baked into images
  /status/<issuer>.json              BitstringStatusList credentials (one revoked entry)
  /clr/<learner>.json                a CLR 2.0 record with nested credentials
  /ob2/...                           OB 2.0 hosted assertion, signed JWS, BadgeClasses, Issuer, key
  /images/<key>.png                  achievement images
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from credwallet.demo.images import badge_png, badge_svg, bake_png
from credwallet.didkey import ed25519_multikey

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB2 = "https://w3id.org/openbadges/v2"
STATUS_LIST_BITS = 131072  # 16 KiB, the BitstringStatusList minimum for herd privacy
COLORS = {"nsi": (33, 102, 172), "lcc": (27, 120, 55), "mwb": (140, 81, 10)}

# How each held achievement is published. Anything not listed is a plain OB 3.0 credential.
PUBLISH_AS = {
    "statistics-essentials": "ob3-svg",
    "data-ethics": "ob3-png",
    "eng-101": "clr",
    "it-110": "clr",
    "help-desk-fundamentals": "ob2-signed",
    "customer-communication": "ob2-hosted",
    "sql-analysis": "oid4vci",  # offered over OpenID4VCI (demo/oid4vci.py)
}
TAMPERED_FROM = "python-foundations"


def load_catalog() -> dict[str, Any]:
    path = resources.files("credwallet") / "data" / "examples" / "catalog.json"
    catalog: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return catalog


def example_seed(issuer_key: str) -> bytes:
    """Public, reproducible example key material: never a secret."""
    return hashlib.sha256(f"credwallet example issuer key: {issuer_key}".encode()).digest()


@dataclass
class SiteFile:
    body: bytes
    content_type: str
    status: int = 200


@dataclass
class Site:
    base_url: str
    files: dict[str, SiteFile] = field(default_factory=dict)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (what it is, URL to import)
    expectations: dict[str, str] = field(default_factory=dict)  # URL -> expected verdict
    # POST endpoints (the OID4VCI issuer, demo/oid4vci.py): path -> handler(body, headers)
    posts: dict[str, Any] = field(default_factory=dict)
    # The example issuers' published ids (catalog `id`, as the example pathways name them) ->
    # the did:web this loopback site stands in with.
    issuer_ids: dict[str, str] = field(default_factory=dict)

    def put(self, path: str, body: bytes | str | dict[str, Any], content_type: str,
            status: int = 200) -> str:
        if isinstance(body, dict):
            body = json.dumps(body, indent=2, ensure_ascii=False)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.files[path] = SiteFile(body, content_type, status)
        return self.base_url + path


class IssuerKeys:
    def __init__(self, base_url: str, issuer_key: str) -> None:
        from nacl.signing import SigningKey

        host = urlsplit(base_url).netloc
        self.seed = example_seed(issuer_key)
        self.public = bytes(SigningKey(self.seed).verify_key)
        self.did = f"did:web:{quote(host, safe='')}:issuers:{issuer_key}"
        self.vm = f"{self.did}#key-1"

    def did_document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [{"id": self.vm, "type": "Multikey", "controller": self.did,
                                    "publicKeyMultibase": ed25519_multikey(self.public)}],
            "assertionMethod": [self.vm],
            "authentication": [self.vm],
        }


def _achievement(entry: dict[str, Any], base_url: str) -> dict[str, Any]:
    ach = {k: copy.deepcopy(v) for k, v in entry.items() if k not in ("key", "issuer")}
    ach["image"] = {"id": f"{base_url}/images/{entry['key']}.png", "type": "Image",
                    "caption": f"Badge image for {entry['name']}"}
    return ach


def _bitstring(revoked: set[int]) -> str:
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)  # bit 0 is the most significant bit
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def build_site(base_url: str, holder_did: str, now: datetime) -> Site:
    from credwallet.verify import sign_data_integrity

    catalog = load_catalog()
    site = Site(base_url.rstrip("/"))
    base = site.base_url
    issuers = {i["key"]: i for i in catalog["issuers"]}
    achievements = {a["key"]: a for a in catalog["achievements"]}
    keys = {k: IssuerKeys(base, k) for k in issuers}
    site.issuer_ids = {i["id"]: keys[k].did for k, i in issuers.items()}
    learner = catalog["learners"][0]
    created = now.replace(microsecond=0)

    for k, issuer_keys in keys.items():
        site.put(f"/issuers/{k}/did.json", issuer_keys.did_document(), "application/did+ld+json")
    for a in catalog["achievements"]:
        site.put(f"/images/{a['key']}.png", badge_png(COLORS.get(a["issuer"], (80, 80, 80))),
                 "image/png")

    def profile(issuer_key: str) -> dict[str, Any]:
        i = issuers[issuer_key]
        return {"id": keys[issuer_key].did, "type": ["Profile"], "name": i["name"], "url": i["url"],
                "email": i["email"], "description": i["description"]}

    def sign(doc: dict[str, Any], issuer_key: str) -> dict[str, Any]:
        signed: dict[str, Any] = sign_data_integrity(
            doc, seed=keys[issuer_key].seed, verification_method=keys[issuer_key].vm,
            proof_purpose="assertionMethod", created=created)
        return signed

    revoked_index: dict[str, set[int]] = {k: set() for k in issuers}
    clr_members: list[dict[str, Any]] = []
    for n, held in enumerate(learner["holds"]):
        entry = achievements[held["achievement"]]
        ik = entry["issuer"]
        how = PUBLISH_AS.get(entry["key"], "ob3")
        if how.startswith("ob2"):
            _publish_ob2(site, entry, held, how, issuers[ik], learner, now)
            continue
        cred: dict[str, Any] = {
            "@context": [VC2, OB3],
            "id": held["credential_id"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": profile(ik),
            "validFrom": held["validFrom"],
            "name": entry["name"],
            "credentialSubject": {"id": holder_did, "type": ["AchievementSubject"],
                                  "achievement": _achievement(entry, base)},
        }
        if "validUntil" in held:
            cred["validUntil"] = held["validUntil"]
        if "creditsEarned" in held:
            cred["credentialSubject"]["creditsEarned"] = held["creditsEarned"]
        status_url = f"{base}/status/{ik}.json"
        cred["credentialStatus"] = {"id": f"{status_url}#{n}", "type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation", "statusListIndex": str(n),
                                    "statusListCredential": status_url}
        if held.get("status") == "revoked":
            revoked_index[ik].add(n)
        signed = sign(cred, ik)
        if how == "clr":
            clr_members.append(signed)
            continue
        label = f"{entry['name']} ({held.get('status', 'valid')})"
        if how == "ob3-png":
            png = bake_png(badge_png(COLORS[ik]), "openbadgecredential", json.dumps(signed))
            url = site.put(f"/ob3/badges/{entry['key']}.png", png, "image/png")
            site.sources.append((label + ", baked PNG", url))
        elif how == "ob3-svg":
            color = "#{:02x}{:02x}{:02x}".format(*COLORS[ik])
            svg = badge_svg(entry["name"], color, credential=json.dumps(signed))
            url = site.put(f"/ob3/badges/{entry['key']}.svg", svg, "image/svg+xml")
            site.sources.append((label + ", baked SVG", url))
        elif how == "oid4vci":
            from credwallet.demo.oid4vci import DemoIssuer

            issuer = DemoIssuer(site, f"/oid4vci/{ik}", issuers[ik]["name"], entry["name"],
                                signed, holder_did)
            site.sources.append((label + ", OpenID4VCI credential offer", issuer.offer_link()))
            url = f"openid-credential-offer:{issuer.issuer}"  # how its import item names it
        else:
            url = site.put(f"/ob3/credentials/{entry['key']}.json", signed, "application/vc+ld+json")
            site.sources.append((label, url))
        site.expectations[url] = held.get("status", "valid")
        if entry["key"] == TAMPERED_FROM:
            forged = copy.deepcopy(signed)
            forged["credentialSubject"]["achievement"]["name"] += " (with Distinction)"
            forged["id"] = held["credential_id"][:-2] + "ff"
            url = site.put("/ob3/credentials/tampered.json", forged, "application/vc+ld+json")
            site.sources.append(("a tampered copy (name changed after signing)", url))
            site.expectations[url] = "tampered"

    for ik, revoked in revoked_index.items():
        status_url = f"{base}/status/{ik}.json"
        status_cred = {
            "@context": [VC2], "id": status_url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": keys[ik].did, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": f"{status_url}#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": _bitstring(revoked)},
        }
        site.put(f"/status/{ik}.json", sign(status_cred, ik), "application/vc+ld+json")

    if clr_members:
        clr = {
            "@context": [VC2, CLR2, OB3],
            "id": f"{base}/clr/{learner['key']}.json",
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": profile("lcc"),
            "validFrom": created.isoformat().replace("+00:00", "Z"),
            "name": f"{learner['name']}: Lakeshore Community College learner record",
            "credentialSubject": {"id": holder_did, "type": ["ClrSubject"],
                                  "verifiableCredential": clr_members},
        }
        url = site.put(f"/clr/{learner['key']}.json", sign(clr, "lcc"), "application/vc+ld+json")
        site.sources.append(("CLR 2.0 learner record with nested course credentials", url))
        site.expectations[url] = "valid"
    return site


def _recipient(email: str) -> dict[str, Any]:
    salt = "credwallet-demo-salt"
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": salt, "identity": f"sha256${digest}"}


def _publish_ob2(site: Site, entry: dict[str, Any], held: dict[str, Any], how: str,
                 issuer: dict[str, Any], learner: dict[str, Any], now: datetime) -> None:
    base = site.base_url
    issuer_url = f"{base}/ob2/issuers/{issuer['key']}.json"
    key_url = f"{base}/ob2/issuers/{issuer['key']}-key.json"
    revocation_url = f"{base}/ob2/issuers/{issuer['key']}-revocations.json"
    badge_url = f"{base}/ob2/badges/{entry['key']}.json"
    crit = entry.get("criteria", {})
    badge = {
        "@context": OB2, "type": "BadgeClass", "id": badge_url, "name": entry["name"],
        "description": entry["description"], "image": f"{base}/images/{entry['key']}.png",
        "criteria": {"id": crit.get("id"), "narrative": crit.get("narrative")},
        "issuer": issuer_url, "tags": entry.get("tag", []),
        "alignment": [{k: v for k, v in a.items() if k in ("targetName", "targetUrl", "targetDescription",
                                                          "targetFramework", "targetCode")}
                      for a in entry.get("alignment", [])],
    }
    site.put(f"/ob2/badges/{entry['key']}.json", badge, "application/ld+json")
    issued_on = held["validFrom"]
    if how == "ob2-hosted":
        assertion_url = f"{base}/ob2/assertions/{entry['key']}.json"
        assertion = {"@context": OB2, "type": "Assertion", "id": assertion_url,
                     "recipient": _recipient(learner["email"]), "badge": badge_url,
                     "issuedOn": issued_on, "verification": {"type": "HostedBadge"}}
        _put_ob2_issuer(site, issuer, issuer_url, None, None)
        site.put(f"/ob2/assertions/{entry['key']}.json", assertion, "application/ld+json")
        site.sources.append((f"{entry['name']} (Open Badges 2.0, hosted)", assertion_url))
        site.expectations[assertion_url] = "valid"
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc import jws
    from joserfc.jwk import RSAKey

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    site.put(f"/ob2/issuers/{issuer['key']}-key.json",
             {"@context": OB2, "type": "CryptographicKey", "id": key_url, "owner": issuer_url,
              "publicKeyPem": pem}, "application/ld+json")
    site.put(f"/ob2/issuers/{issuer['key']}-revocations.json",
             {"@context": OB2, "type": "RevocationList", "id": revocation_url, "revokedAssertions": []},
             "application/ld+json")
    _put_ob2_issuer(site, issuer, issuer_url, key_url, revocation_url)
    assertion_id = f"urn:uuid:{held['credential_id'].rsplit(':', 1)[-1]}"
    payload = {"@context": OB2, "type": "Assertion", "id": assertion_id,
               "recipient": _recipient(learner["email"]), "badge": badge_url, "issuedOn": issued_on,
               "verification": {"type": "SignedBadge", "creator": key_url}}
    key = RSAKey.import_key(private.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(payload).encode(), key,
                                  algorithms=["RS256"])
    url = site.put(f"/ob2/signed/{entry['key']}.jws", token, "text/plain")
    site.sources.append((f"{entry['name']} (Open Badges 2.0, signed JWS)", url))
    site.expectations[url] = "valid"


def _put_ob2_issuer(site: Site, issuer: dict[str, Any], issuer_url: str, key_url: str | None,
                    revocation_url: str | None) -> None:
    path = "/ob2/issuers/" + issuer["key"] + ".json"
    existing = json.loads(site.files[path].body) if path in site.files else None
    profile: dict[str, Any] = existing or {
        "@context": OB2, "type": "Issuer", "id": issuer_url, "name": issuer["name"], "url": issuer["url"],
        "email": issuer["email"], "verification": {"allowedOrigins": urlsplit(site.base_url).netloc},
    }
    if key_url:
        profile["publicKey"] = key_url
    if revocation_url:
        profile["revocationList"] = revocation_url
    site.put(path, profile, "application/ld+json")


def write_site(site: Site, root: Path) -> None:
    """Dump the site to disk (for inspection and for examples/)."""
    for path, f in site.files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.body)
