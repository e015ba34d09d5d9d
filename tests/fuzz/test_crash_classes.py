"""Issue #17, crash classes 5-9 and the slow inputs: each class first as the reported example
(through the real entry point where it is a CLI path), then generated broadly."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError
from credwallet.ingest import unbake
from credwallet.ingest.sniff import Recognised, recognise
from credwallet.models.entry import WalletData
from credwallet.paths import wallet_path
from credwallet.verify.checks import identity_matches, recipient_check
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE
from tests.export.helpers import Issuer, add, baked_svg, ob3, wallet_with
from tests.fuzz.invariant import fuzz_settings, outcome, run_inproc

FAST = fuzz_settings(60)
SVG_NS = ('xmlns="http://www.w3.org/2000/svg" '
          'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"')


def save(wallet: WalletData) -> Path:
    """Write `wallet` encrypted where the CLI will look for it (the real store code)."""
    path = wallet_path()
    WalletStore(path).create(PASSPHRASE, wallet)
    return path


def edit_stored(edit: Callable[[WalletData], None]) -> None:
    """Decrypt the wallet, let `edit` damage it, encrypt it again: a validly encrypted wallet
    whose content no credwallet version would have written."""
    store = WalletStore(wallet_path())
    with store.transaction(PASSPHRASE) as wallet:
        edit(wallet)


def clean(res: Any, codes: set[int]) -> Any:
    assert "Traceback" not in res.stderr and "internal error" not in res.stdout + res.stderr, res
    assert res.code in codes, res
    return res


# --- 5: recipient comparison is total ------------------------------------------------------

def test_ob2_hashed_recipient_with_non_ascii_digest() -> None:
    # hmac.compare_digest raised TypeError on a non-ASCII str.
    check = recipient_check([("sha256$\u00e9t\u00e9", True, "salt")], ["me@example.org"])
    assert check.status == "warning"
    assert identity_matches("md5$\ud800", True, "\udc00", ["\ud800@x.example"]) is None


@given(claimed=st.text(), salt=st.none() | st.text(), hashed=st.booleans(),
       algo=st.sampled_from(["sha256$", "md5$", "SHA256$", "", "x$"]),
       mine=st.lists(st.text(), max_size=3))
@FAST
def test_recipient_comparison_is_total(claimed: str, salt: str | None, hashed: bool, algo: str,
                                       mine: list[str]) -> None:
    outcome(recipient_check, [(algo + claimed, hashed, salt)], mine)


def test_hashed_recipient_still_matches() -> None:
    import hashlib

    digest = hashlib.sha256("caf\u00e9@example.org" "pepper".encode()).hexdigest()
    assert identity_matches(f"sha256${digest.upper()}", True, "pepper",
                            ["caf\u00e9@example.org"]) == "caf\u00e9@example.org"


# --- 6: any XML encoding declaration, any XML stack exception -> BadInput ------------------

def _svg(decl: bytes, body: bytes = b"") -> bytes:
    return decl + b"<svg " + SVG_NS.encode() + b"><openbadges:credential>" + body \
        + b"</openbadges:credential></svg>"


def test_svg_with_unknown_encoding_is_bad_input(isolated_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "ebcdic.svg"
    path.write_bytes(_svg(b'<?xml version="1.0" encoding="EBCDIC"?>', b"{}"))
    res = clean(run_inproc("verify", "--file", str(path), "--json"), {3})
    doc = res.json()
    assert "EBCDIC" in doc["results"][0]["checks"][0]["detail"]


ENCODING_NAMES = ["EBCDIC", "cp037", "shift_jis", "utf-7", "rot13", "base64", "idna",
                  "punycode", "utf-32", "hex", "zlib", "mbcs", "undefined", "unicode_escape",
                  "uu", "quopri", "big5", "utf-16", "utf-16-be", "UTF-8", "utf8", "latin1",
                  "ISO-8859-1", "us-ascii", "", " ", "\u00e9", "utf-8\x00", "x" * 300]


@pytest.mark.parametrize("name", ENCODING_NAMES)
def test_every_encoding_name_is_answered_cleanly(name: str) -> None:
    decl = f'<?xml version="1.0" encoding="{name}"?>'.encode()
    outcome(recognise, _svg(decl, b"{}"))


@given(name=st.text(max_size=30) | st.sampled_from(sorted(codecs.__dict__) + ENCODING_NAMES),
       quote=st.sampled_from(['"', "'"]), body=st.binary(max_size=40),
       bom=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                            codecs.BOM_UTF32_LE]))
@FAST
def test_random_encoding_declarations(name: str, quote: str, body: bytes, bom: bytes) -> None:
    decl = f"<?xml version='1.0' encoding={quote}{name}{quote}?>".encode("utf-8", "surrogatepass")
    res = outcome(recognise, bom + _svg(decl, body))
    if isinstance(res, CredwalletError):
        assert "\n" not in res.message


@pytest.mark.parametrize("codec", ["utf-16", "latin-1"])
def test_honest_other_encodings_still_unbake(codec: str) -> None:
    cred = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                       "type": ["VerifiableCredential"], "issuer": "did:example:i",
                       "credentialSubject": {"id": "did:example:s", "name": "Ren\u00e9e"}})
    text = (f'<?xml version="1.0" encoding="{codec.upper()}"?><svg {SVG_NS}>'
            f"<openbadges:credential>{cred}</openbadges:credential></svg>")
    # (sniff.py recognises only ASCII-compatible SVG; the XML layer reads UTF-16 too.)
    assert json.loads(unbake.svg_payload(text.encode(codec))) == json.loads(cred)
    if codec == "latin-1":
        rec = recognise(text.encode(codec))
        assert isinstance(rec, Recognised) and rec.format == "vc-ldp"


# --- 8: depth limits at every parser; exports never recurse unboundedly ---------------------

def _deep_svg(depth: int, tag: str = "g", payload: bytes = b"{}") -> bytes:
    inner = b"<openbadges:credential>" + payload + b"</openbadges:credential>"
    return (b"<svg " + SVG_NS.encode() + b">" + f"<{tag}>".encode() * depth + inner
            + f"</{tag}>".encode() * depth + b"</svg>")


def test_deep_baked_svg_is_refused_at_import(isolated_home: Path, tmp_path: Path) -> None:
    clean(run_inproc("init", "--json"), {0})
    path = tmp_path / "deep.svg"
    path.write_bytes(_deep_svg(5_000, payload=json.dumps(ob3(Issuer())).encode()))
    res = clean(run_inproc("import", str(path), "--keep-invalid", "--json"), {3})
    assert "deep" in res.json()["items"][0]["error"]


@given(depth=st.integers(min_value=0, max_value=3_000), tag=st.sampled_from(["g", "x:y", "svg"]))
@fuzz_settings(25)
def test_random_svg_nesting_depths(depth: int, tag: str) -> None:
    data = _deep_svg(depth, tag.replace("x:y", "openbadges:x"))
    res = outcome(recognise, data, seconds=5)
    if depth > unbake_depth():
        assert isinstance(res, BadInput)


def unbake_depth() -> int:
    from credwallet.ingest.xmlsafe import MAX_XML_DEPTH

    return MAX_XML_DEPTH


def test_stored_deep_svg_is_left_out_of_exports(isolated_home: Path, tmp_path: Path) -> None:
    # A wallet written before the import cap may already hold a 5,000-deep image: every
    # export must still work, without the image.
    wallet = wallet_with()
    cid = add(wallet, baked_svg(ob3(Issuer())), source="badge.svg")
    cred = next(c for c in wallet.credentials if c.id == cid)
    assert cred.image_key in wallet.cache
    deep = _deep_svg(5_000)
    image = wallet.cache[cred.image_key]
    image.body, image.body_encoding = deep.decode(), "utf-8"
    save(wallet)
    for fmt in ("html", "bundle", "json", "vp", "markdown"):
        out = tmp_path / f"out.{fmt}"
        clean(run_inproc("export", "--format", fmt, "-o", str(out), "--json"), {0})
        assert out.exists() and out.stat().st_size > 0
    assert b"<svg" not in (tmp_path / "out.html").read_bytes().split(b"</style>", 1)[-1] \
        .replace(b"&lt;svg", b"")


def test_sanitizer_is_iterative_for_any_stored_depth() -> None:
    from credwallet.export.images import make_safe

    for depth in (50, 99, 150, 20_000):
        shallow = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * depth \
            + b'<rect width="1"/>' + b"</g>" * depth + b"</svg>"
        res = outcome(make_safe, shallow)
        assert (res is not None) == (depth < 99)


def test_stacked_pathway_chain_never_recurses(isolated_home: Path) -> None:
    # find_cycle walked pathways stacking pathways recursively: a long chain of stored
    # pathways crashed `pathway add`.
    from credwallet.pathways.loader import pathway_from_dict
    from credwallet.pathways.store import find_cycle

    chain = [pathway_from_dict({"name": f"p{i}", "requirements": [
        {"type": "pathway", "pathway": f"p{i + 1}"}]}, "test") for i in range(3_000)]
    assert outcome(find_cycle, chain) is None
    loop = [*chain, pathway_from_dict({"name": "p3000", "requirements": [
        {"type": "pathway", "pathway": "p0"}]}, "test")]
    cycle = outcome(find_cycle, loop)
    assert isinstance(cycle, list) and cycle[0] == cycle[-1]
