"""Test credentials signed in the test with freshly generated keys, and wallets holding them."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

from nacl.signing import SigningKey

from credwallet.didkey import did_key_from_public, verification_method_id
from credwallet.importer import Fetched, add_fetched
from credwallet.ingest.sniff import recognise
from credwallet.models.entry import Holder, Identity, WalletData
from credwallet.verify import sign_data_integrity, verify_stored

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Every wallet_with() wallet has this holder key, so its did:key is known before the wallet exists.
HOLDER_SEED = bytes(range(1, 33))
HOLDER_DID = did_key_from_public(bytes(SigningKey(HOLDER_SEED).verify_key))
LEARNER = HOLDER_DID  # the subject ob3() and jwt_credential() name: credentials go to the holder
# Another DID of the same person (a wallet DID identity, not the key that signs presentations).
OTHER_DID = "did:example:learner"


class Issuer:
    def __init__(self, name: str | None = "Example University") -> None:
        self.key = SigningKey.generate()
        self.did = did_key_from_public(bytes(self.key.verify_key))
        self.name = name

    def sign(self, doc: dict[str, Any]) -> dict[str, Any]:
        return sign_data_integrity(doc, seed=bytes(self.key), proof_purpose="assertionMethod",
                                   verification_method=verification_method_id(self.did),
                                   created=datetime(2024, 1, 1, tzinfo=UTC))


def png(rgb: tuple[int, int, int] = (255, 0, 255), size: int = 32,
        text: bytes | None = None) -> bytes:
    """A solid-colour RGB PNG, optionally with a tEXt chunk."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes(rgb) * size
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    if text is not None:
        out += chunk(b"tEXt", b"Comment\x00" + text)
    return out + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")


HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="64" height="64" onload="alert(1)"><script>alert("svg")</script>'
    b'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.test/"/>'
    b'</foreignObject><a xlink:href="javascript:alert(2)"><rect width="64" height="64" '
    b'fill="#00aa00" onclick="alert(3)"/></a><rect width="10" height="10" '
    b'style="fill:url(https://evil.test/x)"/><image href="https://evil.test/track.png"/>'
    b'<circle cx="32" cy="32" r="20" fill="#0000ff"/></svg>'
)


def data_uri(data: bytes, media: str) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def ob3(issuer: Issuer, *, name: str = "Data Analysis Fundamentals",
        description: str | None = "Analyses data sets with spreadsheets and Python.",
        image: str | None = None, subject_id: str = LEARNER,
        valid_until: str | None = None, cred_id: str = "urn:uuid:4d7f0f1e-0001-4f00-9a00-000000000001",
        criteria: str | None = "Passed the final assessment with at least 80%.",
        alignments: list[dict[str, Any]] | None = None, tags: list[str] | None = None,
        identifier: dict[str, Any] | None = None) -> dict[str, Any]:
    achievement: dict[str, Any] = {"id": "https://example.edu/achievements/" + str(abs(hash(name))),
                                   "type": ["Achievement"], "name": name}
    if description is not None:
        achievement["description"] = description
    if criteria is not None:
        achievement["criteria"] = {"narrative": criteria}
    else:
        achievement["criteria"] = {"id": "https://example.edu/criteria"}
    if image is not None:
        achievement["image"] = {"id": image, "type": "Image"}
    if alignments:
        achievement["alignment"] = [{"type": ["Alignment"], **a} for a in alignments]
    if tags:
        achievement["tag"] = tags
    subject: dict[str, Any] = {"id": subject_id, "type": ["AchievementSubject"],
                               "achievement": achievement}
    if identifier is not None:
        subject["identifier"] = [identifier]
    issuer_obj: dict[str, Any] = {"id": issuer.did, "type": ["Profile"]}
    if issuer.name is not None:
        issuer_obj["name"] = issuer.name
    doc: dict[str, Any] = {
        "@context": [V2, OB3], "id": cred_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": issuer_obj,
        "validFrom": "2024-03-15T00:00:00Z", "name": name, "credentialSubject": subject,
    }
    if valid_until:
        doc["validUntil"] = valid_until
    return issuer.sign(doc)


def add(wallet: WalletData, doc: dict[str, Any] | bytes, *, tags: list[str] | None = None,
        keep_invalid: bool = False, source: str = "test.json") -> str:
    raw = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode("utf-8")
    item = add_fetched(wallet, Fetched(recognise(raw, source), source), now=NOW,
                       verifier=verify_stored, keep_invalid=keep_invalid, tags=tags or [])
    assert item.status == "imported", item
    assert item.id is not None
    return item.id


def holder_wallet() -> WalletData:
    """An empty wallet whose holder key is HOLDER_SEED (did:key HOLDER_DID)."""
    holder = Holder(did=HOLDER_DID, private_seed_b64=base64.b64encode(HOLDER_SEED).decode("ascii"),
                    created_at=NOW)
    return WalletData(created_at=NOW, holder=holder)


def wallet_with(*docs: dict[str, Any] | bytes, email: str | None = None,
                learner: str | None = None) -> WalletData:
    """A wallet of holder HOLDER_DID holding `docs`. `learner` adds another DID identity of the
    user: credentials issued to it are the holder's too (exports keep them), but a presentation
    signed by HOLDER_DID leaves them out (holder_binding)."""
    wallet = holder_wallet()
    if learner and learner != wallet.holder.did:
        wallet.identities.append(Identity(kind="did", value=learner, added_at=NOW))
    if email:
        wallet.identities.append(Identity(kind="email", value=email, added_at=NOW))
    for d in docs:
        add(wallet, d)
    return wallet


def jwt_credential(issuer: Issuer, name: str = "JWT Badge", subject_id: str = LEARNER,
                   *, jose_v2: bool = False) -> str:
    """An OB 3.0 VC-JWT, EdDSA, kid = the issuer's did:key VM: VC-JWT 1.1 (credential in the
    `vc` claim) by default, or VCDM 2.0 JOSE (`typ` vc+jwt, the payload is the credential)."""
    from joserfc import jws
    from joserfc.jwk import OKPKey

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    doc = ob3(issuer, name=name, cred_id="urn:uuid:4d7f0f1e-0002-4f00-9a00-0000000" +
              ("0jwt2" if jose_v2 else "0jwt1"), subject_id=subject_id)
    doc.pop("proof")
    key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "d": b64(bytes(issuer.key)),
                             "x": b64(bytes(issuer.key.verify_key))})
    payload: dict[str, Any] = {"iss": issuer.did, "jti": doc["id"], "sub": subject_id,
                               "nbf": 1710460800, "vc": doc}
    header = {"alg": "EdDSA", "kid": verification_method_id(issuer.did), "typ": "JWT"}
    if jose_v2:
        payload, header["typ"] = doc, "vc+jwt"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return str(jws.serialize_compact(header, json.dumps(payload).encode(), key,
                                         algorithms=["EdDSA"]))


def vc_v1(issuer: Issuer, subject_id: str = LEARNER) -> dict[str, Any]:
    """A plain VC Data Model 1.1 credential with a Data Integrity proof."""
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "https://w3id.org/security/data-integrity/v2",
                     {"name": "https://schema.org/name"}],
        "id": "urn:uuid:4d7f0f1e-0003-4f00-9a00-0000000000v1",
        "type": ["VerifiableCredential"], "issuer": issuer.did,
        "issuanceDate": "2024-02-01T00:00:00Z",
        "credentialSubject": {"id": subject_id, "name": "Course One (1.1)"},
    }
    return issuer.sign(doc)


def baked_svg(doc: dict[str, Any]) -> bytes:
    """An OB 3.0 baked SVG: the credential inside <openbadges:credential>."""
    from html import escape

    body = escape(json.dumps(doc), quote=False)
    return ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="40" height="40">'
            f'<openbadges:credential><![CDATA[{json.dumps(doc)}]]></openbadges:credential>'
            '<rect width="40" height="40" fill="#ff00ff"/></svg>').encode() if body else b""
