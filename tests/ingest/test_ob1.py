"""Open Badges 1.0 / 1.1 assertions: refused precisely (exit 3), never misread as 2.0."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from credwallet.errors import UnsupportedFormat
from credwallet.ingest.sniff import ob1_evidence, recognise
from tests.conftest import run_cli
from tests.ingest.test_png_tolerance import replace_baked_chunk

OB1 = Path(__file__).parent / "vectors" / "ob1"
REAL_PNG = Path(__file__).parent / "vectors" / "ob20" / "simple-badge.png"


@pytest.mark.parametrize(("name", "why"), [
    ("1_0_basic_assertion.json", "Open Badges 1.0 shape"),
    ("1_0_assertion_with_errors.json", "Open Badges 1.0 shape"),
    ("1_1_basic_assertion.json", "https://w3id.org/openbadges/v1"),
])
def test_1edtech_ob1_assertions_are_refused_precisely(name: str, why: str) -> None:
    with pytest.raises(UnsupportedFormat) as err:
        recognise((OB1 / name).read_bytes(), name)
    assert err.value.message.startswith("Open Badges 1.x assertions are not supported (")
    assert why in err.value.message
    assert err.value.exit_code == 3
    assert err.value.hint is not None and "2.0 or 3.0" in err.value.hint
    assert "2.0 context is missing" not in err.value.message


def test_signed_ob1_jws_is_refused() -> None:
    payload = json.loads((OB1 / "1_0_basic_assertion.json").read_text())
    payload["verify"] = {"type": "signed", "url": "https://a.example/public-key.pem"}

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'RS256'})}.{part(payload)}.c2lnbmF0dXJl"
    with pytest.raises(UnsupportedFormat, match=r"Open Badges 1\.x signed \(JWS\) assertions "
                                                r"are not supported \(Open Badges 1\.0 shape"):
        recognise(token.encode())


def test_baked_ob1_png_is_refused() -> None:
    image = replace_baked_chunk(REAL_PNG.read_bytes(), (OB1 / "1_1_basic_assertion.json").read_bytes())
    with pytest.raises(UnsupportedFormat, match=r"Open Badges 1\.x assertions are not supported"):
        recognise(image, "badge.png")


def test_ob2_documents_are_not_mistaken_for_ob1() -> None:
    ob2 = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
           "id": "https://issuer.example/a/1", "recipient": {"identity": "a@b.c", "type": "email"},
           "badge": "https://issuer.example/b",
           "verification": {"type": "hosted"}, "verify": {"type": "hosted", "url": "x"}}
    assert ob1_evidence(ob2) is None
    assert recognise(json.dumps(ob2).encode()).format == "ob2-hosted"
    # Without any context, a 2.0-style `verification` is not the 1.0 shape either.
    ob2.pop("@context")
    ob2.pop("verify")
    assert ob1_evidence(ob2) is None
    # A 1.0 look-alike whose `verify` is not {type: hosted|signed, url} is not claimed.
    assert ob1_evidence({"badge": "https://b", "recipient": "x",
                         "verify": {"type": "other", "url": "u"}}) is None


def test_cli_verify_file_exits_3_with_the_reason(tmp_path: Path) -> None:
    res = run_cli("verify", "--file", str(OB1 / "1_1_basic_assertion.json"), "--json",
                  "--home", str(tmp_path / "home"))
    assert res.code == 3, res
    doc = res.json()
    assert "Open Badges 1.x assertions are not supported" in json.dumps(doc)
