"""bbs-2023 feature options, verified: Blind BBS and per-verifier-linkability proofs against the
CFRG drafts' own fixtures (tests/vectors/bbs/cfrg-blind-01, cfrg-nym-01), the W3C vc-di-bbs
HolderBinding / Pseudonym / PseudonymHB vectors, tampering, and hostile inputs (never raise)."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from py_arkworks_bls12381 import G1Point, Scalar
from tests.verify.vutil import FETCHED, NOW, vector_json

from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial, verify_bytes
from credwallet.verify.bbs.ciphersuite import P1, create_generators
from credwallet.verify.bbs.extensions import (
    BLIND_API_ID,
    NYM_API_ID,
    blind_proof_verify,
    proof_verify_with_nym,
)
from credwallet.verify.bbs.interface import core_verify, messages_to_scalars
from credwallet.verify.contexts import ContextStore
from credwallet.verify.dataintegrity import ProofOutcome, verify_proofs
from credwallet.verify.suites.bbs_2023 import parse_derived_proof_value
from credwallet.verify.suites.registry import SuiteError

BBS = Path(__file__).resolve().parent.parent / "vectors" / "bbs"
AGREEMENT = "agreement/vc-di-bbs"
AAMVA = "https://w3id.org/vdl/aamva/v1"
VERIFIER = vector_json("bbs/vc-di-bbs/features/verifierInfo.json")["verifierId"]
FEATURES = {"HolderBinding": "0x05", "Pseudonym": "0x09", "PseudonymHB": "0x09"}


def _disclosure(folder: str) -> dict[str, Any]:
    data: dict[str, Any] = vector_json(f"bbs/vc-di-bbs/features/{folder}/derivedDisclosureData.json")
    return data


def _proof_of(folder: str) -> bytes:
    return bytes.fromhex(_disclosure(folder)["bbsProof"])


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _fixtures(folder: str) -> list[Path]:
    return sorted((BBS / folder).glob("*.json"))


def _revealed(fixture: dict[str, Any], key: str) -> tuple[list[bytes], list[int]]:
    found = fixture.get(key) or {}
    order = sorted(found, key=int)
    return [bytes.fromhex(found[k]) for k in order], [int(k) for k in order]


def _common(f: dict[str, Any]) -> tuple[bytes, bytes, bytes, bytes]:
    return (bytes.fromhex(f["signerPublicKey"]), bytes.fromhex(f["proof"]),
            bytes.fromhex(f["header"]), bytes.fromhex(f["presentationHeader"]))


def _shown(f: dict[str, Any]) -> dict[str, Any]:
    return {"disclosed": _revealed(f, "revealedMessages"),
            "committed": _revealed(f, "revealedCommittedMessages"), "signer_count": f["L"]}


def _blind(f: dict[str, Any], proof: bytes | None = None, **change: Any) -> bool:
    pk, prf, header, ph = _common(f)
    args = {**_shown(f), "header": header, "ph": ph, "pk": pk, "proof": proof or prf, **change}
    return blind_proof_verify(**args)


def _nym(f: dict[str, Any], proof: bytes | None = None, **change: Any) -> bool:
    pk, prf, header, ph = _common(f)
    nym = {"pseudonym": bytes.fromhex(f["pseudonym"]), "context_id": bytes.fromhex(f["context_id"])}
    args = {**_shown(f), "header": header, "ph": ph, "pk": pk, "proof": proof or prf, **nym, **change}
    return proof_verify_with_nym(**args)


# --- the CFRG fixtures ---


@pytest.mark.parametrize(("folder", "api_id"), [("cfrg-blind-01", BLIND_API_ID), ("cfrg-nym-01", NYM_API_ID)])
def test_generators_and_blind_generators(folder: str, api_id: bytes) -> None:
    fixture = _load(BBS / folder / "generators.json")
    for part, aid in (("generators", api_id), ("blindGenerators", b"BLIND_" + api_id)):
        assert fixture[part]["api_id"].encode() == aid
        assert P1.to_compressed_bytes().hex() == fixture[part]["P1"]
        gens = create_generators(1 + len(fixture[part]["MsgGenerators"]), aid)
        expected = [fixture[part]["Q1"], *fixture[part]["MsgGenerators"]]
        assert [g.to_compressed_bytes().hex() for g in gens] == expected


@pytest.mark.parametrize("path", _fixtures("cfrg-blind-01/proof"), ids=lambda p: p.stem)
def test_blind_proof_fixtures(path: Path) -> None:
    fixture = _load(path)
    assert _blind(fixture) is fixture["result"]["valid"], fixture["caseName"]


@pytest.mark.parametrize("path", _fixtures("cfrg-nym-01/nymProof"), ids=lambda p: p.stem)
def test_nym_proof_fixtures(path: Path) -> None:
    fixture = _load(path)
    assert _nym(fixture) is fixture["result"]["valid"], fixture["caseName"]
    # The pseudonym is OP * nym_secret for OP = hash_to_curve_g1(context_id, api_id).
    op = G1Point.hash_to_curve(bytes.fromhex(fixture["context_id"]), NYM_API_ID)
    secret = Scalar.from_be_bytes(bytes.fromhex(fixture["nym_secret"]))
    assert (op * secret).to_compressed_bytes().hex() == fixture["pseudonym"]


def _signature_scalars(f: dict[str, Any], api_id: bytes, nym: bool) -> tuple[list[Scalar], int]:
    """The messages a blind signature covers: the signer's, the prover blind, the committed ones
    (and the nym secret, prover_nym + signer_nym_entropy)."""
    scalars = messages_to_scalars([bytes.fromhex(m) for m in f.get("messages") or []], api_id)
    # Without a commitment the prover blind defaults to zero: Q_2 still counts in the domain.
    blind = [Scalar.from_be_bytes(bytes.fromhex(f.get("proverBlind") or "00" * 32))]
    blind += messages_to_scalars([bytes.fromhex(m) for m in f.get("committedMessages") or []], api_id)
    if nym:
        secret = Scalar.from_be_bytes(bytes.fromhex(f["nym_secret"]))
        assert secret == (Scalar.from_be_bytes(bytes.fromhex(f["proverNym"]))
                          + Scalar.from_be_bytes(bytes.fromhex(f["signer_nym_entropy"])))
        blind.append(secret)
    return scalars + blind, len(scalars)


@pytest.mark.parametrize(("path", "api_id", "nym"), [
    *((p, BLIND_API_ID, False) for p in _fixtures("cfrg-blind-01/signature")),
    *((p, NYM_API_ID, True) for p in _fixtures("cfrg-nym-01/nymSignature")),
], ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_blind_signature_fixtures(path: Path, api_id: bytes, nym: bool) -> None:
    """The holder's check of a blind signature (CoreVerify over the same message layout the
    proofs use): confirms the layout the verifier assumes."""
    f = _load(path)
    scalars, signer = _signature_scalars(f, api_id, nym)
    gens = create_generators(signer + 1, api_id)
    gens += create_generators(len(scalars) - signer, b"BLIND_" + api_id)
    pk = bytes.fromhex(f["signerKeyPair"]["publicKey"])
    ok = core_verify(pk, bytes.fromhex(f["signature"]), gens, bytes.fromhex(f["header"]), scalars, api_id)
    assert ok is f["result"]["valid"], f["caseName"]


# --- tampering at the BBS level ---


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


@pytest.mark.parametrize("at", [0, 60, 150, 200, 300, -1])
def test_changed_proof_bytes_are_refused(at: int) -> None:
    blind = _load(BBS / "cfrg-blind-01/proof/proof004.json")
    nym = _load(BBS / "cfrg-nym-01/nymProof/nymProof004.json")
    assert not _blind(blind, _flip(bytes.fromhex(blind["proof"]), at))
    assert not _nym(nym, _flip(bytes.fromhex(nym["proof"]), at))


def test_changed_inputs_are_refused() -> None:
    f = _load(BBS / "cfrg-blind-01/proof/proof004.json")
    msgs, idx = _revealed(f, "revealedMessages")
    assert not _blind(f, disclosed=([b"other", *msgs[1:]], idx))
    assert not _blind(f, signer_count=f["L"] + 1)
    assert not _blind(f, signer_count=f["L"] - 1)
    assert not _blind(f, ph=b"another presentation header")
    assert not _blind(f, header=b"")
    g = _load(BBS / "cfrg-nym-01/nymProof/nymProof004.json")
    assert not _nym(g, context_id=b"https://another.verifier.example/")
    other = (G1Point.hash_to_curve(b"x", NYM_API_ID) * Scalar(7)).to_compressed_bytes()
    assert not _nym(g, pseudonym=other)
    assert not _nym(g, ph=b"")


def test_swapped_proofs_are_refused() -> None:
    """A blind proof is no pseudonym proof and the reverse (api_id and challenge differ)."""
    blind = _load(BBS / "cfrg-blind-01/proof/proof004.json")
    nym = _load(BBS / "cfrg-nym-01/nymProof/nymProof004.json")
    assert not _nym(nym, bytes.fromhex(blind["proof"]))
    assert not _blind(nym, bytes.fromhex(nym["proof"]))


@pytest.mark.parametrize("change", [
    {"pk": b""}, {"pk": b"\x00" * 96}, {"proof": b"\x00" * 300}, {"proof": b"\xc0" + b"\x00" * 303},
    {"signer_count": -1}, {"signer_count": 10**9}, {"signer_count": True}, {"signer_count": "10"},
    {"disclosed": ([b"a"], [])}, {"disclosed": ([b"a", b"b"], [3, 1])}, {"disclosed": ([b"a"], [99])},
    {"committed": ([b"a"], [-1])}, {"header": b"h" * (64 * 1024 + 1)},
])
def test_hostile_blind_inputs_never_raise(change: dict[str, Any]) -> None:
    f = _load(BBS / "cfrg-blind-01/proof/proof004.json")
    assert _blind(f, **change) is False


@pytest.mark.parametrize("change", [
    {"pseudonym": b""}, {"pseudonym": b"\x00" * 48}, {"pseudonym": b"\xc0" + b"\x00" * 47},
    {"pseudonym": P1.to_compressed_bytes()[:47] + b"\x00"}, {"context_id": b"c" * (64 * 1024 + 1)},
    {"signer_count": 10**6}, {"proof": b"\x01"},
])
def test_hostile_nym_inputs_never_raise(change: dict[str, Any]) -> None:
    f = _load(BBS / "cfrg-nym-01/nymProof/nymProof004.json")
    assert _nym(f, **change) is False


def test_the_nym_secret_cannot_be_disclosed() -> None:
    f = _load(BBS / "cfrg-nym-01/nymProof/nymProof007.json")  # nothing disclosed
    pk, prf, header, ph = _common(f)
    # Claiming the last message (the nym secret's slot) as a disclosed signer message is refused.
    assert not proof_verify_with_nym(pk, prf, header, ph, bytes.fromhex(f["pseudonym"]),
                                     bytes.fromhex(f["context_id"]), f["L"] + 2, ([b"x"], [f["L"] + 1]))


# --- the W3C vc-di-bbs feature-option vectors, through the whole verifier ---


def _material() -> DictMaterial:
    raw = (BBS.parent / "agreement/contexts/vdl-aamva-v1.jsonld").read_bytes()
    return DictMaterial({AAMVA: CachedDocument.make(AAMVA, "context", raw, FETCHED)})


def _doc(folder: str) -> dict[str, Any]:
    doc: dict[str, Any] = vector_json(f"{AGREEMENT}/{folder}/derivedRevealDocument.json")
    return doc


def _outcome(doc: dict[str, Any], domain: str | None = VERIFIER) -> ProofOutcome:
    material = _material()
    report = verify_proofs(doc, material=material, store=ContextStore(material), now=NOW, domain=domain)
    assert len(report.outcomes) == 1
    return report.outcomes[0]


def _raw(doc: dict[str, Any]) -> bytes:
    value = doc["proof"]["proofValue"][1:]
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _with_raw(doc: dict[str, Any], raw: bytes) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return out


@pytest.mark.parametrize("folder", list(FEATURES))
def test_w3c_feature_vectors_verify(folder: str) -> None:
    raw = json.dumps(_doc(folder)).encode()
    result = verify_bytes(raw, now=NOW, material=_material(), domain=VERIFIER)
    proof = result.check("proof")
    assert proof is not None and proof.status == "passed", proof
    expected = _disclosure(folder)
    if "pseudonym" in expected:
        assert f"pseudonym {expected['pseudonym']} for nym_domain {VERIFIER!r}" in proof.detail
    bound = folder != "Pseudonym"
    assert ("holder binding: the presenter knows the 1 secret(s)" in proof.detail) is bound
    assert ("no holder secret is bound" in proof.detail) is not bound


@pytest.mark.parametrize("folder", list(FEATURES))
def test_w3c_feature_vectors_parse_as_published(folder: str) -> None:
    published = vector_json(f"bbs/vc-di-bbs/features/{folder}/verifyDerivedProofValue.json")
    disclosure = _disclosure(folder)
    parsed = parse_derived_proof_value(_doc(folder)["proof"]["proofValue"])
    assert _raw(_doc(folder))[:3].hex() == "d95d" + FEATURES[folder][2:]
    assert parsed.bbs_proof.hex() == published["bbsProof"]
    assert parsed.label_map == dict(published["labelMap"])
    assert parsed.mandatory_indexes == published["mandatoryIndexes"]
    assert parsed.selective_indexes == published["adjSelectedIndexes"]
    assert parsed.signer_count == disclosure["lengthBBSMessages"]
    pseudonym = disclosure.get("pseudonym")
    assert parsed.pseudonym == (bytes.fromhex(pseudonym) if pseudonym else None)
    assert parsed.nym_domain is None  # the vectors leave nym_domain to the verifier


@pytest.mark.parametrize("folder", ["Pseudonym", "PseudonymHB"])
def test_pseudonym_needs_the_verifier_it_was_made_for(folder: str) -> None:
    unnamed = _outcome(_doc(folder), domain=None)
    assert unnamed.outcome == "error" and "does not carry its nym_domain" in unnamed.detail
    assert _outcome(_doc(folder), domain="https://another.verifier.example/").outcome == "invalid"
    assert _outcome(_doc(folder)).outcome == "valid"


def test_holder_binding_needs_no_verifier_id() -> None:
    assert _outcome(_doc("HolderBinding"), domain=None).outcome == "valid"


def _items(doc: dict[str, Any]) -> tuple[bytes, list[Any]]:
    from credwallet.verify.suites.selective import Cbor

    raw = _raw(doc)
    items = Cbor(raw[3:]).whole()
    assert isinstance(items, list)
    return raw[:3], items


def _encode(header: bytes, items: list[Any]) -> bytes:
    """A minimal CBOR writer for the proof arrays (tests only)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
        raise ValueError(n)

    def item(v: Any) -> bytes:
        if isinstance(v, int):
            return head(0, v) if v >= 0 else head(1, -1 - v)
        if isinstance(v, str):
            return head(3, len(v.encode())) + v.encode()
        if isinstance(v, bytes):
            return head(2, len(v)) + v
        if isinstance(v, list):
            return head(4, len(v)) + b"".join(map(item, v))
        return head(5, len(v)) + b"".join(item(k) + item(x) for k, x in v.items())

    return header + item(items)


def test_the_cbor_writer_round_trips() -> None:
    doc = _doc("PseudonymHB")
    header, items = _items(doc)
    assert _encode(header, items) == _raw(doc)


@pytest.mark.parametrize(("folder", "at", "value"), [
    ("Pseudonym", 5, None),  # changed pseudonym (set below)
    ("PseudonymHB", 6, 24),  # lengthBBSMessages (L) changed
    ("HolderBinding", 5, 22),
    ("HolderBinding", 4, b"\x11\x33\x77\xab"),  # presentation header
    ("PseudonymHB", 0, _proof_of("HolderBinding")),  # another proof's bytes swapped in
    ("Pseudonym", 0, _proof_of("HolderBinding")),  # a blind proof presented as a pseudonym proof
])
def test_tampered_feature_proofs_are_refused(folder: str, at: int, value: Any) -> None:
    doc = _doc(folder)
    header, items = _items(doc)
    if at == 5 and folder == "Pseudonym":
        value = _proof_of(folder)[:48]  # Abar: a valid G1 point that is not the pseudonym
    items[at] = value
    out = _outcome(_with_raw(doc, _encode(header, items)))
    assert out.outcome in ("invalid", "error"), out.detail


def test_the_header_does_not_vouch_for_holder_binding() -> None:
    """The Pseudonym vector's proof, put in the PseudonymHB document (same statements, same
    issuer, same nym secret), is a valid proof: it only lacks a holder secret, which the detail
    says, whatever the header (0x09, holder_binding_pseudonym, on both) announces."""
    doc = _doc("PseudonymHB")
    header, items = _items(doc)
    items[0] = _proof_of("Pseudonym")
    out = _outcome(_with_raw(doc, _encode(header, items)))
    assert out.outcome == "valid" and "no holder secret is bound" in out.detail


def test_changed_disclosed_value_is_refused() -> None:
    for folder in FEATURES:
        doc = _doc(folder)
        doc["credentialSubject"]["driversLicense"]["driving_privileges"][0]["vehicle_category_code"] = "A"
        assert _outcome(doc).outcome == "invalid", folder


def test_changed_mandatory_value_is_refused() -> None:
    doc = _doc("PseudonymHB")
    doc["expirationDate"] = "2029-11-15T12:00:00-06:00"
    assert _outcome(doc).outcome == "invalid"


def test_header_swaps_are_refused() -> None:
    """A holder-binding proof relabelled a pseudonym proof (or the reverse) does not parse or
    verify: the arrays differ and so do the api_ids."""
    doc = _doc("HolderBinding")
    _, items = _items(doc)
    assert _outcome(_with_raw(doc, _encode(b"\xd9\x5d\x09", items))).outcome == "error"
    assert _outcome(_with_raw(doc, _encode(b"\xd9\x5d\x03", items))).outcome == "error"
    nym = _doc("PseudonymHB")
    _, nitems = _items(nym)
    no_pseudonym = nitems[:5] + nitems[6:]
    assert _outcome(_with_raw(nym, _encode(b"\xd9\x5d\x05", no_pseudonym))).outcome == "invalid"
    assert _outcome(_with_raw(nym, _encode(b"\xd9\x5d\x07", nitems))).outcome == "valid"  # same check


def test_spec_layout_with_nym_domain_is_read() -> None:
    """vc-di-bbs's text puts nym_domain before the pseudonym (8 items): it is used as the context
    id, and a verifier domain that differs is refused."""
    doc = _doc("PseudonymHB")
    header, items = _items(doc)
    spec = _with_raw(doc, _encode(header, [*items[:5], VERIFIER.encode(), *items[5:]]))
    parsed = parse_derived_proof_value(spec["proof"]["proofValue"])
    assert parsed.nym_domain == VERIFIER.encode()
    assert _outcome(spec, domain=None).outcome == "valid"
    mismatch = _outcome(spec, domain="https://another.verifier.example/")
    assert mismatch.outcome == "error" and "another nym_domain" in mismatch.detail
    wrong = _with_raw(doc, _encode(header, [*items[:5], b"https://another.verifier.example/", *items[5:]]))
    assert _outcome(wrong, domain=None).outcome == "invalid"


@pytest.mark.parametrize("tail", [
    [], [b"x"], ["L"], [b"\x00" * 48, b"\x00" * 48, b"\x00" * 48, 23], [b"\x00" * 48, -1],
    [b"\x00" * 48, 10**6], [b"\x00" * 47, 23], [7, 23], [b"\x00" * 48, 2**63],
])
def test_hostile_feature_tails_never_raise(tail: list[Any]) -> None:
    doc = _doc("PseudonymHB")
    _, items = _items(doc)
    for head in (b"\xd9\x5d\x05", b"\xd9\x5d\x07", b"\xd9\x5d\x09"):
        value = _with_raw(doc, _encode(head, [*items[:5], *tail]))["proof"]["proofValue"]
        with contextlib.suppress(SuiteError):
            parse_derived_proof_value(value)
        out = _outcome(_with_raw(doc, _encode(head, [*items[:5], *tail])))
        assert out.outcome in ("invalid", "error"), (head, tail)
