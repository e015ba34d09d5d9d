"""Wallet file format: documented vectors, tamper detection, caps, versions."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import DecryptionFailed, UnsupportedVersion, WalletCorrupted, WalletError
from credwallet.wallet import fileformat
from credwallet.wallet.fileformat import KdfParams, decrypt_wallet, encrypt_wallet, parse_header

DOC = Path(__file__).resolve().parents[2] / "docs" / "wallet-format.md"


def doc_vectors() -> list[dict[str, object]]:
    match = re.search(r"```json vectors\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/wallet-format.md lost its test vector block"
    vectors: list[dict[str, object]] = json.loads(match.group(1))
    return vectors


@pytest.mark.parametrize("vector", doc_vectors(), ids=lambda v: str(v["passphrase"]))
def test_documented_vectors(vector: dict[str, object]) -> None:
    params = KdfParams(int(vector["m_kib"]), int(vector["t"]), int(vector["p"]))  # type: ignore[call-overload]
    salt = bytes.fromhex(str(vector["salt_hex"]))
    nonce = bytes.fromhex(str(vector["nonce_hex"]))
    plaintext = str(vector["plaintext"]).encode()
    blob = encrypt_wallet(plaintext, str(vector["passphrase"]), params=params, salt=salt, nonce=nonce)
    assert blob.hex() == vector["file_hex"]
    assert decrypt_wallet(bytes.fromhex(str(vector["file_hex"])), str(vector["passphrase"])) == plaintext
    if "key_hex" in vector:
        assert fileformat.derive_key(str(vector["passphrase"]), salt, params).hex() == vector["key_hex"]


def test_nfd_passphrase_opens_nfc_wallet() -> None:
    blob = encrypt_wallet(b"{}", "pässwörd")
    assert decrypt_wallet(blob, unicodedata.normalize("NFD", "pässwörd")) == b"{}"


def test_fresh_salt_and_nonce_every_time() -> None:
    a = encrypt_wallet(b"same", "pw")
    b = encrypt_wallet(b"same", "pw")
    ha, hb = parse_header(a), parse_header(b)
    assert ha[1] != hb[1] and ha[2] != hb[2]
    assert a != b


def test_wrong_passphrase_is_opaque() -> None:
    blob = encrypt_wallet(b"secret payload", "right")
    with pytest.raises(DecryptionFailed) as err:
        decrypt_wallet(blob, "wrong")
    assert "secret" not in str(err.value) and "right" not in str(err.value)
    assert err.value.exit_code == 4


def test_every_single_byte_flip_is_detected() -> None:
    blob = encrypt_wallet(b'{"k": "v"}', "pw")
    for i in range(len(blob)):
        for mask in (0x01, 0x80):
            damaged = bytearray(blob)
            damaged[i] ^= mask
            with pytest.raises(WalletError):
                decrypt_wallet(bytes(damaged), "pw")


@given(cut=st.integers(min_value=0, max_value=400))
@settings(max_examples=60, deadline=None)
def test_truncation_is_detected(cut: int) -> None:
    blob = encrypt_wallet(b'{"payload": "x"}', "pw")
    cut = min(cut, len(blob) - 1)
    with pytest.raises(WalletError):
        decrypt_wallet(blob[:cut], "pw")


def test_empty_file() -> None:
    with pytest.raises(WalletCorrupted, match="empty"):
        decrypt_wallet(b"", "pw")


def test_future_version_is_named() -> None:
    blob = encrypt_wallet(b"{}", "pw").replace(b"credwallet/v1\n", b"credwallet/v7\n", 1)
    with pytest.raises(UnsupportedVersion, match="version 7"):
        decrypt_wallet(blob, "pw")


def _with_header(header: dict[str, object]) -> bytes:
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    return b"credwallet/v1\n" + line + b"\x00" * 64


def _header(m: int, t: int, p: int = 1) -> dict[str, object]:
    return {"aead": "xchacha20poly1305-ietf", "kdf": {"id": "argon2id", "m_kib": m, "p": p, "t": t},
            "nonce": "A" * 32, "salt": "A" * 22 + "=="}


@pytest.mark.parametrize(("m", "t", "p"), [(8 * 1024 * 1024, 3, 1), (65536, 10_000, 1),
                                           (65536, 3, 4), (0, 3, 1)])
def test_hostile_kdf_parameters_refused_before_work(m: int, t: int, p: int) -> None:
    with pytest.raises(WalletCorrupted):
        parse_header(_with_header(_header(m, t, p)))


def test_weak_parameters_need_the_test_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDWALLET_INSECURE_TEST_KDF", raising=False)
    assert KdfParams.default() == KdfParams(65536, 3, 1)
    with pytest.raises(WalletCorrupted, match="below the safe minimum"):
        parse_header(_with_header(_header(8, 1)))
    monkeypatch.setenv("CREDWALLET_INSECURE_TEST_KDF", "1")
    assert KdfParams.default().m_kib == 8
    parse_header(_with_header(_header(8, 1)))


def test_non_canonical_header_refused() -> None:
    blob = encrypt_wallet(b"{}", "pw")
    spaced = blob.replace(b'{"aead":', b'{ "aead":', 1)
    with pytest.raises(WalletCorrupted):
        decrypt_wallet(spaced, "pw")


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with pytest.raises(WalletError):
        decrypt_wallet(data, "pw")


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_header_lines_never_crash(line: bytes) -> None:
    with pytest.raises(WalletError):
        decrypt_wallet(b"credwallet/v1\n" + line.replace(b"\n", b"") + b"\n" + b"\x00" * 40, "pw")
