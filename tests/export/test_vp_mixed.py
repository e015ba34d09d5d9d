"""Issue #13 item 9: VC 1.1 and VC 2.0 credentials in one presentation.

The presentation is always VC 2.0. Its context makes `verifiableCredential` an `@graph`
container with a `null` scoped context, so each contained credential is read with its own
`@context` only: a 1.1 credential's protected terms never meet the 2.0 ones. (A 1.1
presentation holding a 2.0 credential cannot be canonicalized: "tried to redefine a protected
term".) The reference stack's view: tests/export/test_vp_reference.py.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from credwallet.export import ExportOptions, run_export
from credwallet.export.model import ExportResult
from credwallet.models.entry import WalletData
from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes
from credwallet.wallet.holder import holder_seed, holder_verification_method
from tests.export.helpers import NOW, Issuer, jwt_credential, ob3, vc_v1, wallet_with

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer("Mixed Models College")


def mixed_wallet(issuer: Issuer) -> WalletData:
    """A 1.1 credential, a 2.0 (OB 3.0) one, a VCDM 2.0 JOSE JWT and a VC-JWT 1.1 token."""
    return wallet_with(vc_v1(issuer), ob3(issuer),
                       jwt_credential(issuer, name="JOSE 2.0", jose_v2=True).encode(),
                       jwt_credential(issuer, name="Old JWT").encode())


def export(wallet: WalletData, fmt: str = "vp", **kw: Any) -> ExportResult:
    return run_export(wallet, ExportOptions(fmt=fmt, now=NOW, **kw))


def verify(wallet: WalletData, raw: bytes) -> Any:
    return verify_bytes(raw, now=NOW, material=DictMaterial(wallet.cache),
                        holder_did=wallet.holder.did, format="vp-ldp")


def test_one_vc2_presentation_holds_1_1_and_2_0_credentials(issuer: Issuer) -> None:
    wallet = mixed_wallet(issuer)
    res = export(wallet)
    vp = json.loads(res.content)
    assert vp["@context"] == [V2]
    creds = vp["verifiableCredential"]
    assert [c["@context"][0] if isinstance(c["@context"], list) else c["@context"]
            for c in creds] == [V1, V2, V2]
    assert creds[0] == json.loads(wallet.credentials[0].raw_bytes())  # unchanged, own context
    assert creds[2]["type"] == "EnvelopedVerifiableCredential"  # the JOSE 2.0 JWT
    assert res.credentials == [c.id for c in wallet.credentials[:3]]
    assert [s.id for s in res.skipped] == [wallet.credentials[3].id]
    assert "VC-JWT 1.1" in res.skipped[0].reason
    result = verify(wallet, res.content)
    assert result.verified, result.checks
    assert result.check("nested").detail == "all 3 contained credential(s) verified"
    assert result.check("holder_binding").status == "passed"
    assert all(n.verified for n in result.nested)


def test_a_1_1_wallet_alone_also_gets_a_vc2_presentation(issuer: Issuer) -> None:
    wallet = wallet_with(vc_v1(issuer), jwt_credential(issuer, jose_v2=True).encode())
    res = export(wallet)
    vp = json.loads(res.content)
    assert vp["@context"] == [V2]
    assert len(vp["verifiableCredential"]) == 2 and not res.skipped
    assert verify(wallet, res.content).verified


@pytest.mark.parametrize("where", [0, 1])
def test_one_changed_byte_in_either_model_fails(issuer: Issuer, where: int) -> None:
    wallet = mixed_wallet(issuer)
    vp = json.loads(export(wallet).content)
    changed = copy.deepcopy(vp)
    subject = changed["verifiableCredential"][where]["credentialSubject"]
    if where == 0:
        subject["name"] += "!"
    else:
        subject["achievement"]["name"] += "!"
    result = verify(wallet, json.dumps(changed).encode())
    assert not result.verified
    assert result.check("proof").status == "failed"  # the holder's proof covers both


def test_bundle_and_page_of_a_mixed_wallet(issuer: Issuer) -> None:
    import io
    import zipfile

    wallet = mixed_wallet(issuer)
    blob = export(wallet, "bundle").content
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        pres = zf.read("presentation.json")
    assert len(json.loads(pres)["verifiableCredential"]) == 3
    assert verify(wallet, pres).verified
    page = export(wallet, "html").content.decode()
    assert "VerifiablePresentation" in page


def test_a_vc1_1_presentation_cannot_hold_a_2_0_credential(issuer: Issuer) -> None:
    """Why the presentation is always 2.0: the 1.1 context has no reset on
    `verifiableCredential`, so the 2.0 credential's context redefines protected terms."""
    wallet = mixed_wallet(issuer)
    docs = [json.loads(c.raw_bytes()) for c in wallet.credentials[:2]]
    vp = {"@context": [V1, "https://w3id.org/security/data-integrity/v2"],
          "type": ["VerifiablePresentation"], "holder": wallet.holder.did,
          "verifiableCredential": docs}
    with pytest.raises(ValueError, match="protected term"):
        sign_data_integrity(vp, seed=holder_seed(wallet),
                            verification_method=holder_verification_method(wallet),
                            proof_purpose="authentication", created=NOW)
