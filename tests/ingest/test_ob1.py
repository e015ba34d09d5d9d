"""Open Badges 1.0 / 1.1 assertions: recognised as OB 1.x (read in the 2.0 model), never misread
as 2.0; 0.5 refused precisely."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from credwallet.errors import BadInput, UnsupportedFormat
from credwallet.ingest.sniff import ob1_evidence, recognise
from tests.conftest import run_cli
from tests.ingest.test_png_tolerance import replace_baked_chunk

OB1 = Path(__file__).parent / "vectors" / "ob1"
REAL_PNG = Path(__file__).parent / "vectors" / "ob20" / "simple-badge.png"


@pytest.mark.parametrize(("name", "why"), [
    ("1_0_basic_assertion.json", "Open Badges 1.0 shape"),
    ("1_1_basic_assertion.json", "https://w3id.org/openbadges/v1"),
])
def test_1edtech_ob1_assertions_are_recognised(name: str, why: str) -> None:
    doc = json.loads((OB1 / name).read_text())
    assert why in (ob1_evidence(doc) or "")
    rec = recognise((OB1 / name).read_bytes(), name)
    assert rec.format == "ob1-hosted"
    assert rec.document is not None and rec.document["@context"] == "https://w3id.org/openbadges/v2"


def test_bare_string_recipient_is_refused_as_0_5() -> None:
    with pytest.raises(UnsupportedFormat) as err:
        recognise((OB1 / "1_0_assertion_with_errors.json").read_bytes())
    assert "Open Badges 0.5" in err.value.message and err.value.exit_code == 3
    assert "2.0 context is missing" not in err.value.message


def test_signed_ob1_jws_is_recognised() -> None:
    payload = json.loads((OB1 / "1_0_basic_assertion.json").read_text())
    payload["verify"] = {"type": "signed", "url": "https://a.example/public-key.pem"}

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'RS256'})}.{part(payload)}.c2lnbmF0dXJl"
    rec = recognise(token.encode())
    assert rec.format == "ob1-signed"
    assert rec.document is not None and rec.document["id"] == "uid:123abc"


def test_hosted_type_inside_a_jws_is_refused() -> None:
    payload = json.loads((OB1 / "1_0_basic_assertion.json").read_text())

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    with pytest.raises(BadInput, match=r"declares verify\.type 'hosted'"):
        recognise(f"{part({'alg': 'RS256'})}.{part(payload)}.c2ln".encode())


def test_baked_ob1_png_is_recognised() -> None:
    image = replace_baked_chunk(REAL_PNG.read_bytes(), (OB1 / "1_1_basic_assertion.json").read_bytes())
    rec = recognise(image, "badge.png")
    assert rec.format == "ob1-hosted" and rec.image == image


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


def test_cli_verify_file_offline_names_the_upgrade(tmp_path: Path) -> None:
    res = run_cli("verify", "--file", str(OB1 / "1_1_basic_assertion.json"), "--json", "--offline",
                  "--home", str(tmp_path / "home"))
    doc = res.json()
    assert res.code == 1, res  # nothing cached offline: the hosted copy cannot be confirmed
    text = json.dumps(doc)
    assert "Open Badges 1.x hosted assertion (upgraded to 2.0)" in text
    assert "not supported" not in text
