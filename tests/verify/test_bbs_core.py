"""BBS core (verify/bbs) against the CFRG draft's own fixtures (-05 and -06, BLS12-381-SHA-256),
and a refusal, never an exception, for every kind of malformed input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from py_arkworks_bls12381 import G1Point, G2Point

from credwallet.verify.bbs import MAX_MESSAGES, BbsInvalid, check_proof, proof_verify, verify
from credwallet.verify.bbs.ciphersuite import (
    P1,
    R,
    create_generators,
    expand_message_xmd,
    hash_to_scalar,
    octets_to_g1,
    octets_to_g2,
    octets_to_scalar,
)
from credwallet.verify.bbs.interface import messages_to_scalars

BBS = Path(__file__).resolve().parent.parent / "vectors" / "bbs"
REVISIONS = {"cfrg-05": 5, "cfrg-06": 6}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _cases(kind: str) -> list[tuple[str, Path]]:
    return [(rev, p) for rev in REVISIONS for p in sorted((BBS / rev / kind).glob("*.json"))]


def _ids(cases: list[tuple[str, Path]]) -> list[str]:
    return [f"{rev}-{p.stem}" for rev, p in cases]


def _proof_args(fixture: dict[str, Any]) -> tuple[bytes, bytes, bytes, bytes, list[bytes], list[int]]:
    messages = [bytes.fromhex(m) for m in fixture["messages"]]
    indexes = fixture["disclosedIndexes"]
    disclosed = [messages[i] for i in indexes]
    return (bytes.fromhex(fixture["signerPublicKey"]), bytes.fromhex(fixture["proof"]),
            bytes.fromhex(fixture["header"]), bytes.fromhex(fixture["presentationHeader"]),
            disclosed, indexes)


@pytest.mark.parametrize("rev", list(REVISIONS))
def test_generators_and_p1(rev: str) -> None:
    fixture = _load(BBS / rev / "generators.json")
    assert P1.to_compressed_bytes().hex() == fixture["P1"]
    gens = create_generators(1 + len(fixture["MsgGenerators"]))
    assert gens[0].to_compressed_bytes().hex() == fixture["Q1"]
    assert [g.to_compressed_bytes().hex() for g in gens[1:]] == fixture["MsgGenerators"]


@pytest.mark.parametrize("rev", list(REVISIONS))
def test_hash_to_scalar_and_map_to_scalar(rev: str) -> None:
    h2s = _load(BBS / rev / "h2s.json")
    got = hash_to_scalar(bytes.fromhex(h2s["message"]), bytes.fromhex(h2s["dst"]))
    assert got.to_be_bytes().hex() == h2s["scalar"]
    mapping = _load(BBS / rev / "MapMessageToScalarAsHash.json")
    scalars = messages_to_scalars([bytes.fromhex(c["message"]) for c in mapping["cases"]])
    assert [s.to_be_bytes().hex() for s in scalars] == [c["scalar"] for c in mapping["cases"]]


def test_expand_message_xmd_rfc9380_vector() -> None:
    # RFC 9380 appendix K.1, expand_message_xmd(SHA-256), msg "abc", len_in_bytes 0x20.
    dst = b"QUUX-V01-CS02-with-expander-SHA256-128"
    assert expand_message_xmd(b"abc", dst, 0x20).hex() == (
        "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615")


@pytest.mark.parametrize(("rev", "path"), _cases("signature"), ids=_ids(_cases("signature")))
def test_signature_fixtures(rev: str, path: Path) -> None:
    fixture = _load(path)
    ok = verify(bytes.fromhex(fixture["signerKeyPair"]["publicKey"]), bytes.fromhex(fixture["signature"]),
                bytes.fromhex(fixture["header"]), [bytes.fromhex(m) for m in fixture["messages"]])
    assert ok is fixture["result"]["valid"], fixture["caseName"]


@pytest.mark.parametrize(("rev", "path"), _cases("proof"), ids=_ids(_cases("proof")))
def test_proof_fixtures(rev: str, path: Path) -> None:
    fixture = _load(path)
    assert proof_verify(*_proof_args(fixture), revision=REVISIONS[rev]) is fixture["result"]["valid"], (
        fixture["caseName"])


@pytest.mark.parametrize("rev", list(REVISIONS))
def test_a_valid_proof_fails_with_the_other_revisions_challenge(rev: str) -> None:
    fixture = _load(BBS / rev / "proof" / "proof003.json")
    other = 11 - REVISIONS[rev]
    assert proof_verify(*_proof_args(fixture), revision=other) is False


# --- hostile input: every length, point, scalar, index and count ---

VALID = _load(BBS / "cfrg-06" / "proof" / "proof003.json")
PK, PROOF, HEADER, PH, DISCLOSED, INDEXES = _proof_args(VALID)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


HOSTILE_PROOFS = {
    "empty": b"",
    "one byte short": PROOF[:-1],
    "one byte long": PROOF + b"\x00",
    "below the floor": PROOF[: 3 * 48 + 3 * 32],
    "Abar not a point": b"\xff" * 48 + PROOF[48:],
    "Abar identity": b"\xc0" + bytes(47) + PROOF[48:],
    "Abar infinity flag with stray bits": b"\xc0" + bytes(46) + b"\x01" + PROOF[48:],
    "Bbar uncompressed flag": bytes([PROOF[48] & 0x7F]) + PROOF[49:],
    "D bit flipped": _flip(PROOF, 100),
    "e^ zero": PROOF[:144] + bytes(32) + PROOF[176:],
    "e^ equal to r": PROOF[:144] + R.to_bytes(32, "big") + PROOF[176:],
    "c all ones": PROOF[:-32] + b"\xff" * 32,
    "a commitment changed": _flip(PROOF, 144 + 32 * 3 + 5),
    "challenge changed": _flip(PROOF, len(PROOF) - 1),
}


@pytest.mark.parametrize("name", list(HOSTILE_PROOFS))
def test_hostile_proofs_are_invalid(name: str) -> None:
    assert proof_verify(PK, HOSTILE_PROOFS[name], HEADER, PH, DISCLOSED, INDEXES) is False


HOSTILE_CALLS: dict[str, dict[str, Any]] = {
    "public key short": {"pk": PK[:-1]},
    "public key identity": {"pk": b"\xc0" + bytes(95)},
    "public key not on the curve": {"pk": b"\xa0" + b"\x11" * 95},
    "public key is a G1 point": {"pk": PROOF[:48] * 2},
    "index out of range": {"indexes": [*INDEXES[:-1], 10]},
    "negative index": {"indexes": [-1, *INDEXES[1:]]},
    "indexes not ascending": {"indexes": [INDEXES[1], INDEXES[0], *INDEXES[2:]]},
    "repeated index": {"indexes": [INDEXES[0], INDEXES[0], *INDEXES[2:]]},
    "boolean index": {"indexes": [False, *INDEXES[1:]]},
    "more messages than indexes": {"disclosed": [*DISCLOSED, b"x"]},
    "fewer messages than indexes": {"disclosed": DISCLOSED[:-1]},
    "header too long": {"header": bytes(64 * 1024 + 1)},
    "presentation header too long": {"ph": bytes(64 * 1024 + 1)},
}


@pytest.mark.parametrize("name", list(HOSTILE_CALLS))
def test_hostile_inputs_raise_bbs_invalid_and_verify_false(name: str) -> None:
    args = {"pk": PK, "proof": PROOF, "header": HEADER, "ph": PH, "disclosed": DISCLOSED,
            "indexes": INDEXES, **HOSTILE_CALLS[name]}
    ordered = (args["pk"], args["proof"], args["header"], args["ph"], args["disclosed"], args["indexes"])
    with pytest.raises(BbsInvalid):
        check_proof(*ordered)
    assert proof_verify(*ordered) is False


def test_the_valid_proof_is_valid_before_tampering() -> None:
    assert check_proof(PK, PROOF, HEADER, PH, DISCLOSED, INDEXES) is True


def test_message_count_is_capped_before_generators_are_made() -> None:
    too_many = PROOF[:144] + PROOF[144:176] * (MAX_MESSAGES + 5)
    with pytest.raises(BbsInvalid, match="more than"):
        check_proof(PK, too_many, HEADER, PH, [], [])
    with pytest.raises(BbsInvalid, match="more than"):
        check_proof(PK, PROOF, HEADER, PH, [b""] * MAX_MESSAGES, list(range(MAX_MESSAGES)))


def test_signature_hostile_inputs() -> None:
    fixture = _load(BBS / "cfrg-06" / "signature" / "signature004.json")
    pk = bytes.fromhex(fixture["signerKeyPair"]["publicKey"])
    sig = bytes.fromhex(fixture["signature"])
    header = bytes.fromhex(fixture["header"])
    msgs = [bytes.fromhex(m) for m in fixture["messages"]]
    assert verify(pk, sig, header, msgs) is True
    for bad in (sig[:-1], sig + b"\x00", sig[:48] + bytes(32), sig[:48] + R.to_bytes(32, "big"),
                b"\xc0" + bytes(47) + sig[48:], _flip(sig, 3)):
        assert verify(pk, bad, header, msgs) is False
    assert verify(pk, sig, header, [b""] * (MAX_MESSAGES + 1)) is False


def test_point_and_scalar_decoding() -> None:
    g1 = G1Point().to_compressed_bytes()
    g2 = G2Point().to_compressed_bytes()
    assert octets_to_g1(g1) == G1Point()
    assert octets_to_g2(g2) == G2Point()
    for bad in (g1[:-1], b"\xc0" + bytes(47), b"\xe0" + bytes(47), g1[:1] + b"\xff" * 47):
        with pytest.raises(BbsInvalid):
            octets_to_g1(bad)
    for bad_s in (bytes(32), R.to_bytes(32, "big"), b"\x01" * 31):
        with pytest.raises(BbsInvalid):
            octets_to_scalar(bad_s)
    assert int(octets_to_scalar((R - 1).to_bytes(32, "big"))) == R - 1
