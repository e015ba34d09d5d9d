"""Wallet file format v1 (documented in docs/wallet-format.md, with test vectors).

    line 1   b"credwallet/v1\n"                           magic + format version
    line 2   canonical JSON header + b"\n"                 KDF id/params, salt, nonce, AEAD id
    rest     XChaCha20-Poly1305-IETF ciphertext||tag       AAD = line 1 + line 2, exactly

Key = Argon2id(NFC(passphrase), salt, t, m) -> 32 bytes. The header is canonical (sorted keys,
no spaces, ASCII) and must re-serialise to the same bytes, so there is one encoding per header.
Decryption failure is one opaque error whatever the cause (wrong passphrase or tampering).
"""

from __future__ import annotations

import base64
import json
import os
import re
import unicodedata
from dataclasses import dataclass

from credwallet.errors import DecryptionFailed, UnsupportedVersion, WalletCorrupted, WalletError

FORMAT_VERSION = 1
MAGIC_PREFIX = b"credwallet/v"
MAGIC = b"credwallet/v1\n"
AEAD_ID = "xchacha20poly1305-ietf"
KDF_ID = "argon2id"
SALT_BYTES = 16
NONCE_BYTES = 24
KEY_BYTES = 32
MAX_HEADER_BYTES = 1024

# OWASP Password Storage Cheat Sheet minimum for Argon2id: m=19 MiB, t=2, p=1.
# We default above it (libsodium's MODERATE-ish cost is too slow for a CLI; 64 MiB/t=3 is ~0.2 s).
DEFAULT_M_KIB = 65536
DEFAULT_T = 3
MIN_M_KIB = 19456
MIN_T = 2
# Caps applied when reading: a hostile file must not make us allocate gigabytes or spin forever.
MAX_M_KIB = 1024 * 1024
MAX_T = 16
# A file credwallet did not write itself (a backup given to `restore`) gets lower caps unless
# the user allows more: a hostile header at the read caps costs ~1 GiB and 10+ s before any
# "wrong passphrase". These allow 4x the default memory and under 3x its passes (~2 s).
FOREIGN_MAX_M_KIB = 256 * 1024
FOREIGN_MAX_T = 8
# Cheap setting for test suites only; refused unless explicitly enabled. Never name this
# variable in a user-visible message, --help text or user document.
WEAK_ENV = "CREDWALLET_INSECURE_TEST_KDF"
WEAK_M_KIB = 8
WEAK_T = 1


@dataclass(frozen=True)
class KdfParams:
    m_kib: int = DEFAULT_M_KIB
    t: int = DEFAULT_T
    p: int = 1

    @classmethod
    def default(cls) -> KdfParams:
        """The parameters new saves use: weak only when the test switch is set."""
        if weak_kdf_allowed():
            return cls(WEAK_M_KIB, WEAK_T, 1)
        return cls()

    def check(self) -> None:
        if self.p != 1:
            raise WalletCorrupted("unsupported Argon2id parallelism in wallet header")
        if not (1 <= self.t <= MAX_T) or not (8 <= self.m_kib <= MAX_M_KIB):
            raise WalletCorrupted("Argon2id parameters in wallet header are out of range")
        if (self.m_kib < MIN_M_KIB or self.t < MIN_T) and not weak_kdf_allowed():
            # No hint naming the test switch: a user should never be talked into weakening
            # the KDF; such a header is damage or an attack, so the default hint (restore) fits.
            raise WalletCorrupted(
                "wallet header asks for Argon2id parameters below the safe minimum")


class ExpensiveKdf(WalletError):
    kind = "kdf_too_expensive"
    hint = ("if you made this backup with a higher cost yourself, pass --allow-expensive-kdf "
            "(it may take much longer and use up to 1 GiB of memory)")


def check_foreign_cost(params: KdfParams) -> None:
    """Refuse a file's Argon2id cost above the FOREIGN caps, before any work is done."""
    if params.m_kib > FOREIGN_MAX_M_KIB or params.t > FOREIGN_MAX_T:
        raise ExpensiveKdf(
            f"the file asks for Argon2id with {params.m_kib // 1024} MiB and {params.t} passes, "
            f"more than {FOREIGN_MAX_M_KIB // 1024} MiB / {FOREIGN_MAX_T} passes allowed "
            "for a file credwallet did not write")


def weak_kdf_allowed() -> bool:
    return os.environ.get(WEAK_ENV) == "1"


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    from nacl import pwhash

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return bytes(pwhash.argon2id.kdf(KEY_BYTES, secret, salt, opslimit=params.t,
                                      memlimit=params.m_kib * 1024))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def header_bytes(params: KdfParams, salt: bytes, nonce: bytes) -> bytes:
    header = {
        "aead": AEAD_ID,
        "kdf": {"id": KDF_ID, "m_kib": params.m_kib, "p": params.p, "t": params.t},
        "nonce": _b64(nonce),
        "salt": _b64(salt),
    }
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"


def encrypt_wallet(plaintext: bytes, passphrase: str, *, params: KdfParams | None = None,
                   salt: bytes | None = None, nonce: bytes | None = None) -> bytes:
    """Whole file bytes. Fresh random salt and nonce unless given (test vectors only)."""
    from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt

    params = params or KdfParams.default()
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    if len(salt) != SALT_BYTES or len(nonce) != NONCE_BYTES:
        raise ValueError("salt must be 16 bytes and nonce 24 bytes")
    aad = MAGIC + header_bytes(params, salt, nonce)
    key = derive_key(passphrase, salt, params)
    return aad + crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)


_B64_RE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def parse_header(data: bytes) -> tuple[KdfParams, bytes, bytes, bytes, bytes]:
    """-> (params, salt, nonce, aad, ciphertext). Raises a wallet error on any malformation."""
    if not data:
        raise WalletCorrupted("wallet file is empty")
    first_nl = data.find(b"\n", 0, 64)
    magic = data[: first_nl + 1] if first_nl >= 0 else b""
    if not magic.startswith(MAGIC_PREFIX):
        raise WalletCorrupted("not a credwallet wallet file (bad magic line)")
    if magic != MAGIC:
        version = magic[len(MAGIC_PREFIX):-1]
        if version.isdigit() and int(version) > FORMAT_VERSION:
            raise UnsupportedVersion(f"unsupported wallet format version {int(version)}"
                                     f" (this credwallet reads version {FORMAT_VERSION})")
        raise WalletCorrupted("wallet file has a damaged magic line")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
    if end < 0:
        raise WalletCorrupted("wallet header is missing or too long")
    line = data[len(MAGIC): end + 1]
    try:
        header = json.loads(line.decode("ascii"))
        kdf = header["kdf"]
        if set(header) != {"aead", "kdf", "nonce", "salt"} or set(kdf) != {"id", "m_kib", "p", "t"}:
            raise ValueError("unexpected header fields")
        if header["aead"] != AEAD_ID or kdf["id"] != KDF_ID:
            raise ValueError("unknown algorithm")
        if not all(type(kdf[k]) is int for k in ("m_kib", "p", "t")):
            raise ValueError("KDF parameters must be integers")
        if not (_B64_RE.match(header["salt"]) and _B64_RE.match(header["nonce"])):
            raise ValueError("salt/nonce must be base64")
        params = KdfParams(m_kib=kdf["m_kib"], t=kdf["t"], p=kdf["p"])
        salt = base64.b64decode(header["salt"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise WalletCorrupted("wallet header is damaged") from None
    if len(salt) != SALT_BYTES or len(nonce) != NONCE_BYTES:
        raise WalletCorrupted("wallet header is damaged (salt or nonce length)")
    if header_bytes(params, salt, nonce) != line:
        raise WalletCorrupted("wallet header is not in canonical form")
    params.check()
    ciphertext = data[end + 1:]
    if len(ciphertext) < 16:
        raise WalletCorrupted("wallet file is truncated")
    return params, salt, nonce, MAGIC + line, ciphertext


def decrypt_wallet(data: bytes, passphrase: str) -> bytes:
    params, salt, _nonce, _aad, _ciphertext = parse_header(data)
    return decrypt_with_key(data, derive_key(passphrase, salt, params))


def decrypt_with_key(data: bytes, key: bytes) -> bytes:
    """Decrypt with an already derived key (the caller parsed the header and ran the KDF)."""
    _params, _salt, nonce, aad, ciphertext = parse_header(data)
    return decrypt_parts(ciphertext, aad, nonce, key)


def decrypt_parts(ciphertext: bytes, aad: bytes, nonce: bytes, key: bytes) -> bytes:
    """Decrypt what parse_header returned (a caller that drops the file's bytes first)."""
    from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
    from nacl.exceptions import CryptoError

    try:
        plaintext = crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, aad, nonce, key)
    except CryptoError:
        raise DecryptionFailed() from None
    return plaintext if type(plaintext) is bytes else bytes(plaintext)
