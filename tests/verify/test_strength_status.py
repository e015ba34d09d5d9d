"""Status checks that a one-token change in verify/status.py would turn from "revoked" to "fine".

Every test uses a status list credential really signed by the credential's own issuer, so the
only thing that decides the verdict is the status logic under test.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from tests.verify.vutil import FETCHED, NOW, cached, did_key_of, signed_ob3, vector

from credwallet.models import Check
from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes
from credwallet.verify.status import StatusError, bit_at, decode_bitstring, vc_revocation_check

SEED = bytes(range(1, 33))
URL = "https://issuer.example/status/7"
LIST_BITS = 16 * 1024 * 8  # the spec's minimum list length


def _encode(bits: bytearray, multibase: bool) -> str:
    text = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
    return "u" + text if multibase else text


def status_list(values: dict[int, int] | None = None, *, size: int = 1, purpose: Any = "revocation",
                subject_type: str = "BitstringStatusList", nbits: int = LIST_BITS) -> dict[str, Any]:
    """A list signed by SEED's did:key, entry i holding values[i] in `size` bits (MSB first)."""
    did, vm = did_key_of(SEED)
    bits = bytearray(nbits // 8)
    for index, value in (values or {}).items():
        for k in range(size):
            if value >> (size - 1 - k) & 1:
                pos = index * size + k
                bits[pos // 8] |= 0x80 >> (pos % 8)
    list2021 = subject_type == "StatusList2021"
    subject: dict[str, Any] = {"id": URL + "#list", "type": subject_type,
                               "encodedList": _encode(bits, not list2021)}
    if purpose is not None:
        subject["statusPurpose"] = purpose
    lst = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": URL,
           "type": ["VerifiableCredential",
                    "StatusList2021Credential" if list2021 else "BitstringStatusListCredential"],
           "issuer": did, "validFrom": "2025-01-01T00:00:00Z", "credentialSubject": subject}
    return sign_data_integrity(lst, seed=SEED, verification_method=vm, proof_purpose="assertionMethod",
                               created=FETCHED)


def credential(index: Any, *, purpose: str | None = "revocation",
               entry_type: str = "BitstringStatusListEntry", **entry_extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"{URL}#{index}", "type": entry_type, "statusListIndex": index,
                             "statusListCredential": URL, **entry_extra}
    if purpose is not None:
        entry["statusPurpose"] = purpose
    return signed_ob3(SEED, credentialStatus=entry)


def revocation(doc: dict[str, Any], lst: dict[str, Any] | None) -> tuple[str, str, bool]:
    docs = {URL: cached(URL, lst, kind="status_list")} if lst is not None else {}
    result = verify_bytes(json.dumps(doc).encode(), now=NOW, material=DictMaterial(docs))
    check = result.check("revocation")
    assert check is not None
    return check.status, check.detail, result.verified


def test_revocation_bit_set_and_clear_exact_verdicts() -> None:
    lst = status_list({40: 1})
    assert revocation(credential("40"), lst)[0::2] == ("failed", False)
    status, detail, verified = revocation(credential("41"), lst)
    assert (status, verified) == ("passed", True)
    assert detail == f"not revoked: index 41 clear in {URL} (as of 2026-01-01T00:00:00Z)"


def test_suspension_purpose() -> None:
    lst = status_list({9: 1}, purpose="suspension")
    status, detail, verified = revocation(credential("9", purpose="suspension"), lst)
    assert (status, verified) == ("failed", False)
    assert detail.startswith("suspended: bit 9 is set")
    status, detail, verified = revocation(credential("8", purpose="suspension"), lst)
    assert (status, verified) == ("passed", True)
    assert detail.startswith("not suspension: index 8 clear")


def test_list_with_several_purposes_serves_each() -> None:
    lst = status_list({3: 1}, purpose=["revocation", "suspension"])
    assert revocation(credential("3", purpose="suspension"), lst)[0] == "failed"
    assert revocation(credential("2", purpose="revocation"), lst)[0] == "passed"


def test_entry_without_purpose_means_revocation() -> None:
    lst = status_list({5: 1})
    assert revocation(credential("5", purpose=None), lst)[0] == "failed"
    assert revocation(credential("4", purpose=None), lst)[0] == "passed"


@pytest.mark.parametrize("index", ["1", "0"])
def test_purpose_mismatch_fails_whatever_the_bit(index: str) -> None:
    """A suspension list cannot answer a revocation question: a clear bit there proves nothing."""
    status, detail, verified = revocation(credential(index), status_list({1: 1}, purpose="suspension"))
    assert (status, verified) == ("failed", False)
    assert "does not match 'revocation'" in detail


def test_list_without_purpose_fails() -> None:
    status, detail, _ = revocation(credential("0"), status_list(purpose=None))
    assert status == "failed" and "statusPurpose" in detail


# StatusList2021 (VC 1.1 era) lists and entries cannot be signed with the bundled contexts alone:
# the status logic is checked directly, with the list's own verification stubbed as passed.

def _direct(entry_type: Any, subject_type: str, index: int, set_bit: int | None = None) -> Check:
    bits = bytearray(LIST_BITS // 8)
    if set_bit is not None:
        bits[set_bit // 8] |= 0x80 >> (set_bit % 8)
    lst = {"id": URL, "type": ["VerifiableCredential", f"{subject_type}Credential"],
           "issuer": "did:example:i",
           "credentialSubject": {"type": subject_type, "statusPurpose": "revocation",
                                 "encodedList": _encode(bits, subject_type == "BitstringStatusList")}}
    doc = {"id": "urn:uuid:c", "credentialStatus": {
        "type": entry_type, "statusPurpose": "revocation", "statusListIndex": str(index),
        "statusListCredential": URL}}
    return vc_revocation_check(doc, DictMaterial({URL: cached(URL, lst)}), lambda _: (True, True, "bound"))


def test_list_of_another_type_fails() -> None:
    check = _direct("BitstringStatusListEntry", "RevocationList", 0)
    assert check.status == "failed" and "is not a BitstringStatusList" in check.detail
    assert _direct("BitstringStatusListEntry", "BitstringStatusList", 0).status == "passed"


def test_entry_and_list_types_must_agree() -> None:
    """A BitstringStatusListEntry read from a StatusList2021 list (and vice versa) is refused."""
    assert _direct("BitstringStatusListEntry", "StatusList2021", 0).status == "failed"
    assert _direct("StatusList2021Entry", "BitstringStatusList", 0).status == "failed"


def test_status_list_2021_entry() -> None:
    revoked = _direct("StatusList2021Entry", "StatusList2021", 12, set_bit=12)
    assert revoked.status == "failed" and revoked.detail.startswith("revoked: bit 12")
    assert _direct("StatusList2021Entry", "StatusList2021", 13, set_bit=12).status == "passed"
    assert _direct(["StatusList2021Entry"], "StatusList2021", 11).status == "passed"


def test_unbound_list_clear_bit_only_warns() -> None:
    bits = bytearray(LIST_BITS // 8)
    lst = {"type": "BitstringStatusListCredential",
           "credentialSubject": {"type": "BitstringStatusList", "statusPurpose": "revocation",
                                 "encodedList": _encode(bits, True)}}
    doc = {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                "statusListIndex": "3", "statusListCredential": URL}}
    check = vc_revocation_check(doc, DictMaterial({URL: cached(URL, lst)}),
                                lambda _: (True, False, "its key is not bound"))
    assert check.status == "warning" and check.detail.endswith("but its key is not bound")


@pytest.mark.parametrize("index", [str(LIST_BITS), str(LIST_BITS + 7), "99999999999"])
def test_index_outside_the_list_fails(index: str) -> None:
    status, detail, verified = revocation(credential(index), status_list())
    assert (status, verified) == ("failed", False)
    assert "outside the list" in detail or "not a non-negative integer" in detail


def test_last_index_is_inside_the_list() -> None:
    last = LIST_BITS - 1
    assert revocation(credential(str(last)), status_list({last: 1}))[0] == "failed"
    assert revocation(credential(str(last)), status_list({last - 1: 1}))[0] == "passed"


@pytest.mark.parametrize("index", ["-1", "1.5", "0x10", "", True, None, 3.0])
def test_malformed_index_fails(index: Any) -> None:
    assert revocation(credential(index), status_list())[0] == "failed"


def test_integer_index_is_read() -> None:
    assert revocation(credential(6), status_list({6: 1}))[0] == "failed"
    assert revocation(credential(7), status_list({6: 1}))[0] == "passed"


@pytest.mark.parametrize("value", [1, 2, 3])
def test_multi_bit_revocation_values(value: int) -> None:
    """statusSize 2: entry 3 is bits 6-7; any non-zero value revokes, neighbours do not leak."""
    lst = status_list({2: 3, 3: value, 4: 3}, size=2)
    status, detail, _ = revocation(credential("3", statusSize=2), lst)
    assert status == "failed" and detail.startswith("revoked: bit 3")
    clear = status_list({2: 3, 4: 3}, size=2)
    assert revocation(credential("3", statusSize=2), clear)[0] == "passed"


def test_multi_bit_message_value_is_reported() -> None:
    messages = [{"status": "0x0", "message": "pending"}, {"status": "0x1", "message": "accepted"},
                {"status": "0x2", "message": "rejected"}, {"status": "0x3", "message": "undefined"}]
    lst = status_list({5: 2}, size=2, purpose="message")
    status, detail, verified = revocation(
        credential("5", purpose="message", statusSize=2, statusMessage=messages), lst)
    assert (status, verified) == ("warning", True)
    assert "value 2" in detail and "rejected" in detail


@pytest.mark.parametrize("size", [0, 17, "2", True, 1.0])
def test_bad_status_size_fails(size: Any) -> None:
    assert revocation(credential("0", statusSize=size), status_list())[0] == "failed"


def test_bit_at_multi_bit_reads_msb_first() -> None:
    bits = bytes([0b00011011, 0b10000000])
    assert [bit_at(bits, i, 2) for i in range(4)] == [0, 1, 2, 3]
    assert bit_at(bits, 2, 3) == 0b111
    assert bit_at(bits, 0, 9) == 0b000110111
    with pytest.raises(StatusError):
        bit_at(bits, 4, 4)
    assert bit_at(bits, 3, 4) == 0  # bits 12..15: last full entry


def test_decode_bitstring_forms() -> None:
    raw = bytes([0xA5]) * 32
    text = base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()
    assert decode_bitstring("u" + text) == raw
    assert decode_bitstring(text) == raw
    padded = base64.b64encode(gzip.compress(raw)).decode()
    assert decode_bitstring(padded) == raw
    truncated = "u" + base64.urlsafe_b64encode(gzip.compress(raw)[:-12]).decode()
    for bad in ("", None, 5, "u!!!", truncated, "u" + base64.urlsafe_b64encode(b"not gzip").decode()):
        with pytest.raises(StatusError):
            decode_bitstring(bad)


def test_unsigned_or_foreign_list() -> None:
    lst = status_list({1: 1})
    del lst["proof"]
    status, detail, verified = revocation(credential("2"), lst)
    assert (status, verified) == ("failed", False) and "does not verify" in detail
    assert revocation(credential("2"), {"not": "a credential"})[0] == "failed"


def test_list_without_subject_fails() -> None:
    _, vm = did_key_of(SEED)
    lst = status_list()
    lst["credentialSubject"] = "https://issuer.example/nothing"
    del lst["proof"]
    lst = sign_data_integrity(lst, seed=SEED, verification_method=vm, proof_purpose="assertionMethod",
                              created=FETCHED)
    assert revocation(credential("0"), lst)[0] == "failed"


def test_entry_that_is_not_an_object_or_has_no_list_url() -> None:
    assert revocation(signed_ob3(SEED, credentialStatus="https://issuer.example/status"), None)[0] == "failed"
    no_url = signed_ob3(SEED, credentialStatus={"type": "BitstringStatusListEntry", "statusListIndex": "0",
                                                 "statusPurpose": "revocation"})
    assert revocation(no_url, None)[0] == "failed"


def test_unknown_status_type_is_a_warning() -> None:
    doc = signed_ob3(SEED, credentialStatus={"id": URL, "type": "https://example.org/vocab#OtherStatus"})
    status, detail, verified = revocation(doc, None)
    assert (status, verified) == ("warning", True) and "not supported" in detail


def test_any_failing_entry_wins() -> None:
    first = {"id": f"{URL}#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "1", "statusListCredential": URL}
    second = {**first, "id": f"{URL}#2", "statusListIndex": "2"}
    doc = signed_ob3(SEED, credentialStatus=[first, second])
    assert revocation(doc, status_list({2: 1}))[0] == "failed"
    assert revocation(doc, status_list({3: 1}))[0] == "passed"


# --- OB 2.0 revocation lists (the issuer profile's revocationList) -----------------------------

OB2_DIR = "1edtech-inspector/ob20/"
OB2_ASSERTION = "https://example.org/beths-robotics-badge.json"
OB2_LIST = "http://example.org/empty-revocation-list.json"


def _ob2(revocation_list: Any, status: int = 200) -> tuple[str, str]:
    from tests.verify.vutil import manifest, material_for

    entry = next(e for e in manifest()["entries"] if e["file"] == OB2_DIR + "simple-not-revoked.jwt")
    material = material_for(entry)
    if revocation_list is not None:
        material.add(cached(OB2_LIST, revocation_list, status=status))
    result = verify_bytes(vector(entry["file"]), now=NOW, material=material)
    check = result.check("revocation")
    assert check is not None
    return check.status, check.detail


def test_ob2_revocation_list_plain_string_id() -> None:
    status, detail = _ob2({"revokedAssertions": [OB2_ASSERTION]})
    assert status == "failed" and detail.startswith("revoked: listed in")
    assert _ob2({"revokedAssertions": ["https://example.org/another.json"]})[0] == "passed"


def test_ob2_revocation_list_object_with_reason() -> None:
    status, detail = _ob2({"revokedAssertions": [{"id": OB2_ASSERTION, "revocationReason": "cheating"}]})
    assert status == "failed" and detail.startswith("revoked (cheating): listed in")
    assert _ob2({"revokedAssertions": [{"uid": OB2_ASSERTION}]})[0] == "failed"


@pytest.mark.parametrize("code", [404, 500, 410])
def test_ob2_revocation_list_http_error_is_not_checked(code: int) -> None:
    status, detail = _ob2(b"", status=code)
    assert status == "warning" and f"answered HTTP {code}" in detail


def test_ob2_revocation_list_not_json_fails() -> None:
    assert _ob2(b"<html>")[0] == "failed"
    assert _ob2({"revokedAssertions": []}) == (
        "passed", f"not revoked: absent from {OB2_LIST} (as of 2026-01-01T00:00:00Z)")


# --- encodings, list shapes and the OB 2.0 / 1EdTech lists, branch by branch --------------------

def test_standard_base64_list_is_read_and_zlib_is_not_gzip() -> None:
    import zlib

    raw = bytes(range(256)) * 64  # compresses to bytes whose base64 has "+" and "/"
    std = base64.b64encode(gzip.compress(raw)).decode().rstrip("=")
    assert "+" in std or "/" in std
    assert decode_bitstring(std) == raw
    with pytest.raises(StatusError):
        decode_bitstring("u" + base64.urlsafe_b64encode(zlib.compress(raw)).decode())
    with pytest.raises(StatusError):
        decode_bitstring(std.replace("H4sI", "H4s*", 1))


def _direct_list(subject: Any, entry: dict[str, Any] | None = None) -> Check:
    doc = {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                "statusListIndex": "3", "statusListCredential": URL, **(entry or {})}}
    lst = {"type": "BitstringStatusListCredential", "credentialSubject": subject}
    material = DictMaterial({URL: cached(URL, lst)})
    return vc_revocation_check(doc, material, lambda _: (True, True, "bound"))


def test_list_subject_shapes() -> None:
    bits = bytearray(LIST_BITS // 8)
    bits[0] = 0b00010000  # index 3 set
    good = {"type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": _encode(bits, True)}
    assert _direct_list(good).status == "failed"
    assert _direct_list([good, {"type": "Other"}]).status == "failed"  # the first subject is the list
    assert _direct_list("https://issuer.example/x").detail.endswith("has no credentialSubject")
    assert _direct_list([]).status == "failed"
    assert _direct_list(good, {"statusSize": 16, "statusListIndex": "0"}).status == "failed"
    assert _direct_list(good, {"statusSize": 16, "statusListIndex": "1"}).status == "passed"


def test_status_list_not_json_fails() -> None:
    doc = {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                "statusListIndex": "3", "statusListCredential": URL}}
    for body in (b"<html>", b"[1, 2]"):
        check = vc_revocation_check(doc, DictMaterial({URL: cached(URL, body)}), lambda _: (True, True, ""))
        assert check.status == "failed", body


def _onedtech(body: Any = None, status: int = 200, entry_id: Any = URL, cred_id: Any = "urn:uuid:c") -> Check:
    doc = {"id": cred_id, "credentialStatus": {"id": entry_id, "type": "1EdTechRevocationList"}}
    material = DictMaterial({URL: cached(URL, body, status=status)} if body is not None else {})
    return vc_revocation_check(doc, material, lambda _: (False, False, "unused"))


def test_1edtech_revocation_list_branches() -> None:
    listed = {"revokedCredentials": [{"id": "urn:uuid:c"}]}
    assert _onedtech(listed).status == "failed"  # `revoked` omitted means revoked
    assert _onedtech({"revokedCredentials": [{"id": "urn:uuid:c", "revoked": True}]}).status == "failed"
    assert _onedtech({"revokedCredentials": [{"id": "urn:uuid:c", "revoked": False}]}).status == "passed"
    assert _onedtech({"revokedCredentials": ["urn:uuid:c"]}).status == "failed"  # a bare id counts too
    assert _onedtech({"revokedCredentials": ["urn:uuid:d", {"id": 5}]}).status == "passed"
    assert _onedtech(listed, cred_id=None).status == "passed"  # nothing to look up
    assert _onedtech(listed, entry_id=None).status == "failed"
    assert _onedtech(b"<html>").status == "failed"
    gone = _onedtech(b"", status=503)
    assert gone.status == "warning" and "answered HTTP 503" in gone.detail
    missing = _onedtech()
    assert missing.status == "warning" and "was not cached at import" in missing.detail


def test_ob2_revocation_list_branches() -> None:
    from credwallet.verify.status import ob2_revocation_list_check

    assertion = {"id": "https://issuer.example/a/1", "uid": "abc-1"}
    lst = "https://issuer.example/revoked"

    def check(issuer: Any, *docs: Any) -> tuple[str, str]:
        r = ob2_revocation_list_check(assertion, issuer, DictMaterial({d.url: d for d in docs}))
        return r.status, r.detail

    assert check(None)[0] == "warning"
    assert check({"id": "https://issuer.example"}) == ("passed", "the issuer publishes no revocation list")
    assert check({"revocationList": 5})[0] == "failed"
    assert check({"revocationList": lst})[0] == "warning"
    assert check({"revocationList": lst}, cached(lst, b"", status=500))[0] == "warning"
    assert check({"revocationList": lst}, cached(lst, b"nope"))[0] == "failed"
    assert check({"revocationList": lst}, cached(lst, {"revokedAssertions": ["abc-1"]}))[0] == "failed"
    by_uid = cached(lst, {"revokedAssertions": [{"uid": "abc-1"}]})
    assert check({"revocationList": lst}, by_uid)[0] == "failed"
    assert check({"revocationList": lst}, cached(lst, {"revokedAssertions": [{"id": "x"}]}))[0] == "passed"


def test_combine_fails_closed() -> None:
    from credwallet.verify.status import EntryResult, combine

    assert combine([EntryResult("passed", "a"), EntryResult("warning", "b")]).status == "warning"
    assert combine([EntryResult("warning", "b"), EntryResult("failed", "c")]).status == "failed"
    assert combine([EntryResult("passed", "a"), EntryResult("bogus", "d")]).status == "failed"
    assert combine([EntryResult("passed", "a"), EntryResult("passed", "e")]).detail == "a; e"
