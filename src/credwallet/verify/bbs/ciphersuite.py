"""BLS12-381-SHA-256 ciphersuite of draft-irtf-cfrg-bbs-signatures-05 (sections 4.1, 4.2, 6.2.2).

Hashing (expand_message_xmd, RFC 9380 section 5.3.1) and the generators; points and scalars are
py-arkworks-bls12381 values. Decoding checks every octet string before it becomes a group element.
"""

from __future__ import annotations

import hashlib
import threading

from py_arkworks_bls12381 import G1Point, G2Point, Scalar

CIPHERSUITE_ID = b"BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_"
API_ID = CIPHERSUITE_ID + b"H2G_HM2S_"  # the BBS Signatures Interface (section 3.4)
OCTET_SCALAR_LENGTH = 32
OCTET_POINT_LENGTH = 48  # compressed G1 (the public key, in G2, is 96)
OCTET_G2_LENGTH = 96
EXPAND_LEN = 48
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001  # order of G1, G2

_SHA256_B = 32  # b_in_bytes
_SHA256_S = 64  # s_in_bytes (block size)


class BbsInvalid(Exception):
    """The input is not a well-formed BBS value (the message says which and why)."""


def i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def expand_message_xmd(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-256."""
    ell = -(-len_in_bytes // _SHA256_B)
    if ell > 255 or len_in_bytes > 65535 or len(dst) > 255:
        raise BbsInvalid("expand_message_xmd: requested length or DST too long")
    dst_prime = dst + i2osp(len(dst), 1)
    msg_prime = bytes(_SHA256_S) + msg + i2osp(len_in_bytes, 2) + b"\x00" + dst_prime
    b0 = hashlib.sha256(msg_prime).digest()
    blocks = [hashlib.sha256(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(x ^ y for x, y in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha256(mixed + i2osp(i, 1) + dst_prime).digest())
    return b"".join(blocks)[:len_in_bytes]


def hash_to_scalar(msg: bytes, dst: bytes) -> Scalar:
    """Section 4.2.2: OS2IP(expand_message(msg, dst, expand_len)) mod r."""
    if len(dst) > 255:
        raise BbsInvalid("hash_to_scalar: DST longer than 255 bytes")
    return Scalar.from_be_bytes_mod_order(expand_message_xmd(msg, dst, EXPAND_LEN))


def scalar_to_octets(value: Scalar) -> bytes:
    return value.to_be_bytes()


def octets_to_scalar(data: bytes) -> Scalar:
    """A scalar in 1..r-1 (section 4.2.4.5 step 14): zero and values >= r are refused."""
    if len(data) != OCTET_SCALAR_LENGTH:
        raise BbsInvalid(f"scalar is {len(data)} bytes, not {OCTET_SCALAR_LENGTH}")
    if int.from_bytes(data, "big") >= R:
        raise BbsInvalid("scalar is not below the group order")
    value = Scalar.from_be_bytes(data)
    if value.is_zero():
        raise BbsInvalid("scalar is zero")
    return value


def octets_to_g1(data: bytes) -> G1Point:
    """A compressed G1 point, canonical, in the subgroup, not the identity."""
    if len(data) != OCTET_POINT_LENGTH:
        raise BbsInvalid(f"G1 point is {len(data)} bytes, not {OCTET_POINT_LENGTH}")
    try:
        point = G1Point.from_compressed_bytes(data)
    except ValueError as exc:
        raise BbsInvalid("not a valid compressed G1 point") from exc
    # The library accepts some non-canonical encodings (stray bits beside the infinity flag):
    # only the one encoding point_to_octets_E1 produces is a valid input.
    if point.to_compressed_bytes() != data:
        raise BbsInvalid("G1 point encoding is not canonical")
    if point == G1Point.identity():
        raise BbsInvalid("G1 point is the identity")
    return point


def octets_to_g2(data: bytes) -> G2Point:
    """octets_to_pubkey (section 4.2.4.7), KeyValidate included: canonical, subgroup, not identity."""
    if len(data) != OCTET_G2_LENGTH:
        raise BbsInvalid(f"public key is {len(data)} bytes, not a {OCTET_G2_LENGTH}-byte G2 point")
    try:
        point = G2Point.from_compressed_bytes(data)
    except ValueError as exc:
        raise BbsInvalid("public key is not a valid compressed G2 point") from exc
    if point.to_compressed_bytes() != data:
        raise BbsInvalid("public key encoding is not canonical")
    if point == G2Point.identity():
        raise BbsInvalid("public key is the identity point")
    return point


class _Generators:
    """create_generators (section 4.1.1), cached and extended on demand (the draft allows it)."""

    def __init__(self, seed_dst: bytes, generator_dst: bytes, generator_seed: bytes) -> None:
        self._seed_dst = seed_dst
        self._generator_dst = generator_dst
        self._v = expand_message_xmd(generator_seed, seed_dst, EXPAND_LEN)
        self._points: list[G1Point] = []
        self._lock = threading.Lock()

    def first(self, count: int) -> list[G1Point]:
        with self._lock:
            while len(self._points) < count:
                i = len(self._points) + 1
                self._v = expand_message_xmd(self._v + i2osp(i, 8), self._seed_dst, EXPAND_LEN)
                self._points.append(G1Point.hash_to_curve(self._v, self._generator_dst))
            return self._points[:count]


_GENERATORS: dict[bytes, _Generators] = {}
_GENERATORS_LOCK = threading.Lock()


def create_generators(count: int, api_id: bytes = API_ID) -> list[G1Point]:
    """(Q_1, H_1, ..., H_{count-1}) for an interface's api_id (section 4.1.1 with that api_id).

    The companion drafts reuse create_generators with their own api_id (Blind BBS's blind
    generators use "BLIND_" || api_id); each api_id's sequence is cached on its own."""
    with _GENERATORS_LOCK:
        gens = _GENERATORS.get(api_id)
        if gens is None:
            seeds = (b"SIG_GENERATOR_SEED_", b"SIG_GENERATOR_DST_", b"MESSAGE_GENERATOR_SEED")
            gens = _Generators(*(api_id + seed for seed in seeds))
            _GENERATORS[api_id] = gens
    return gens.first(count)


def hash_to_curve_g1(msg: bytes, dst: bytes) -> G1Point:
    """hash_to_curve (RFC 9380, BLS12381G1_XMD:SHA-256_SSWU_RO_) with the given DST."""
    if len(dst) > 255:
        raise BbsInvalid("hash_to_curve: DST longer than 255 bytes")
    return G1Point.hash_to_curve(msg, dst)


def _p1() -> G1Point:
    # Section 6.2: P1 is create_generators(1) with the ciphersuite's own "BP" definitions.
    gens = _Generators(
        CIPHERSUITE_ID + b"H2G_HM2S_SIG_GENERATOR_SEED_",
        CIPHERSUITE_ID + b"H2G_HM2S_SIG_GENERATOR_DST_",
        CIPHERSUITE_ID + b"H2G_HM2S_BP_MESSAGE_GENERATOR_SEED",
    )
    return gens.first(1)[0]


P1 = _p1()
BP2 = G2Point()  # the standard G2 base point (the library's default element)
