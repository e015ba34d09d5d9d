"""Structured mutations of a valid wallet header: only WalletError subclasses may come out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import CredwalletError, WalletCorrupted, WalletError
from credwallet.wallet import fileformat
from credwallet.wallet.fileformat import MAGIC, decrypt_wallet, encrypt_wallet, parse_header
from tests.fuzz.invariant import fuzz_settings, outcome
from tests.fuzz.strategies import JSON_VALUES

FAST = fuzz_settings(100)
PASSPHRASE = "fuzz passphrase"


@pytest.fixture(scope="module")
def valid_blob() -> bytes:
    return encrypt_wallet(b'{"credentials": []}', PASSPHRASE)


def _split(blob: bytes) -> tuple[dict[str, Any], bytes]:
    end = blob.index(b"\n", len(MAGIC))
    return json.loads(blob[len(MAGIC):end]), blob[end + 1:]


def _open(data: bytes) -> bytes | CredwalletError:
    res = outcome(decrypt_wallet, data, PASSPHRASE)
    if isinstance(res, CredwalletError):
        assert isinstance(res, WalletError), f"{type(res).__name__} is not a wallet error"
        assert res.exit_code == 4
        assert PASSPHRASE not in res.message
    return res


def test_valid_blob_opens(valid_blob: bytes) -> None:
    assert _open(valid_blob) == b'{"credentials": []}'


ODD_NUMBERS = st.one_of(
    st.integers(-(2**64), 2**64), st.sampled_from([0, -1, 2**31, 2**63, 10**400, True, False]),
    st.floats(allow_nan=False), st.just(1.0), st.text(max_size=5), st.none(),
)
FIELDS = [("aead",), ("kdf",), ("nonce",), ("salt",), ("kdf", "id"), ("kdf", "m_kib"), ("kdf", "t"),
          ("kdf", "p")]


@given(path=st.sampled_from(FIELDS), value=st.one_of(ODD_NUMBERS, JSON_VALUES))
@FAST
def test_field_replaced(valid_blob: bytes, path: tuple[str, ...], value: Any) -> None:
    header, rest = _split(valid_blob)
    target = header
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    res = _open(MAGIC + line + b"\n" + rest)
    assert isinstance(res, WalletError), "a changed header must never open"


@given(st.permutations(["aead", "kdf", "nonce", "salt"]), st.sampled_from([(",", ":"), (", ", ": ")]),
       st.booleans())
@FAST
def test_non_canonical_encodings(valid_blob: bytes, order: list[str], seps: tuple[str, str],
                                 ascii_escape: bool) -> None:
    header, rest = _split(valid_blob)
    reordered = {k: header[k] for k in order}
    line = json.dumps(reordered, separators=seps).encode()
    if ascii_escape:
        line = line.replace(b'"aead"', b'"\\u0061ead"')
    res = _open(MAGIC + line + b"\n" + rest)
    canonical = list(order) == sorted(order) and seps == (",", ":") and not ascii_escape
    assert isinstance(res, bytes) == canonical


@pytest.mark.parametrize("line", [
    # Duplicate keys: json keeps the last one, so the canonical re-serialisation differs.
    lambda h: h.replace(b'"aead":', b'"aead":"x","aead":', 1),
    lambda h: h.replace(b'"p":1', b'"p":1,"p":1', 1),
    lambda h: h.replace(b'"t":', b'"t":1e0,"t":', 1),
    lambda h: h.replace(b'"m_kib":', b'"m_kib":-0,"m_kib":', 1),
    lambda h: h[:-1] + b',"extra":"\xc3\xa9"}',
    lambda h: h.replace(b"{", b"\xef\xbb\xbf{", 1),
    lambda h: h.replace(b'"salt":"', b'"salt":"\\u0000', 1),
    lambda h: b" " + h,
    lambda h: h + b" ",
    lambda h: h.replace(b"argon2id", b"argon2i\\u0064"),
    lambda h: h.replace(b"}", b"}" * 200, 1),
    lambda h: b"{}",
    lambda h: b"",
    lambda h: b"x" * 2000,
], ids=["dup-aead", "dup-p", "float-t", "negzero-m", "unicode-extra", "bom", "nul-salt", "lead-space",
        "trail-space", "escaped-id", "braces", "empty-object", "empty-line", "too-long"])
def test_textual_mutations(valid_blob: bytes, line: Any) -> None:
    header, rest = valid_blob[len(MAGIC):].split(b"\n", 1)
    res = _open(MAGIC + line(header) + b"\n" + rest)
    assert isinstance(res, WalletError)


@pytest.mark.parametrize(("m_kib", "t"), [(fileformat.MAX_M_KIB + 1, 3), (2**40, 3), (65536, 10**9),
                                          (65536, fileformat.MAX_T + 1), (0, 3), (65536, 0), (-1, -1)])
def test_work_factor_caps_apply_before_any_kdf(valid_blob: bytes, m_kib: int, t: int) -> None:
    header, rest = _split(valid_blob)
    header["kdf"]["m_kib"], header["kdf"]["t"] = m_kib, t
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    res = outcome(decrypt_wallet, MAGIC + line + b"\n" + rest, PASSPHRASE, seconds=2)
    assert isinstance(res, WalletCorrupted)


@given(st.binary(max_size=200))
@FAST
def test_random_bytes_after_magic(tail: bytes) -> None:
    assert isinstance(_open(MAGIC + tail), WalletError)


@given(st.binary(max_size=40))
@FAST
def test_random_magic_lines(magic: bytes) -> None:
    outcome(parse_header, magic + b"\n{}\n" + b"\0" * 32)


@pytest.mark.parametrize("version", [b"2", b"99", b"0", b"01", b"1 ", b"", b"-1", b"9" * 40, b"\xd9\xa1"])
def test_magic_versions(valid_blob: bytes, version: bytes) -> None:
    res = _open(b"credwallet/v" + version + valid_blob[len(MAGIC) - 1:])
    assert isinstance(res, WalletError)


def test_deeply_nested_header() -> None:
    # ~1000 '[' fit in MAX_HEADER_BYTES; this was a RecursionError (exit 70) before.
    assert isinstance(_open(MAGIC + b"[" * 1000 + b"\n" + b"\0" * 40), WalletCorrupted)
