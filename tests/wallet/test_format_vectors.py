"""The wallet format's named negative vectors and the payload's JSON Schema, read from the docs.

docs/wallet-format.md holds a `json negative-vectors` block: whole wallet files (hex) that a
reader must refuse, each with the expected outcome. Every vector goes through the real reader
(fileformat, then WalletStore.load) and through the real CLI (`credwallet list --json` with the
file as the wallet); the file must be left byte for byte as it was. The vectors use the
format's minimum Argon2id cost, so they open without the test suite's cheap-KDF switch, which
these tests turn off: they check what a user's credwallet does.

`python -m tests.wallet.test_format_vectors` prints the block again (the bytes are deterministic:
fixed passphrase, salt and nonces); a test checks that the document still matches it.

docs/schemas/formats/wallet-payload.v1.schema.json must accept payloads the code writes and
reject ones it must not read.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from credwallet.errors import CredwalletError
from credwallet.models.entry import CachedDocument, Holder, Identity, StoredCredential, WalletData
from credwallet.models.index import CredentialRow, PayloadIndex
from credwallet.models.results import CHECK_NAMES, Check, CheckName, VerificationResult
from credwallet.wallet import fileformat
from credwallet.wallet.fileformat import MAGIC, KdfParams, encrypt_wallet, header_bytes
from credwallet.wallet.store import PAYLOAD_VERSION, WalletStore
from tests.conftest import REPO, run_inproc

DOC = REPO / "docs" / "wallet-format.md"
SCHEMA_V1 = REPO / "docs" / "schemas" / "formats" / "wallet-payload.v1.schema.json"
SCHEMA = REPO / "docs" / "schemas" / "formats" / "wallet-payload.v2.schema.json"  # the newest
DATA = REPO / "tests" / "data"

# Every name issue #12 asks for; the document may hold more.
REQUIRED = {"truncated", "newer-format-version", "newer-payload-version", "unknown-kdf",
            "kdf-over-caps", "header-edited", "wrong-key"}

# ------------------------------------------------------------------ generating the vectors

PASSPHRASE = "correct horse battery staple"
PARAMS = KdfParams(fileformat.MIN_M_KIB, fileformat.MIN_T, 1)  # the floor: no test switch needed
SALT = bytes(range(0x10, 0x20))
NONCE_VALID = bytes(range(0x20, 0x38))
NONCE_NEWER = bytes(range(0x40, 0x58))
# A payload as WalletData.model_dump_json writes it (holder seed 00 01 .. 1f), kept literal so
# the vectors do not change when a field with a default is added to the models.
BASE_PAYLOAD = (
    '{"payload_version":1,"created_at":"2026-01-01T00:00:00Z","holder":{"did":'
    '"did:key:z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd","private_seed_b64":'
    '"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","created_at":"2026-01-01T00:00:00Z"},'
    '"identities":[],"credentials":[],"cache":{},"pathways":[],"trust":{},"settings":{}}')
NEWER_PAYLOAD = (BASE_PAYLOAD.replace('"payload_version":1', '"payload_version":3', 1)[:-1]
                 + ',"badges_v3":[]}')

DECRYPT_FAILED = {"error": "DecryptionFailed", "exit": 4, "kind": "decrypt_failed",
                  "message": "wrong passphrase or damaged file"}


def _corrupted(stage: str, message: str) -> dict[str, Any]:
    return {"stage": stage, "error": "WalletCorrupted", "exit": 4, "kind": "wallet_corrupted",
            "message": message}


def _header(kdf_id: str, params: KdfParams) -> bytes:
    header = {"aead": fileformat.AEAD_ID,
              "kdf": {"id": kdf_id, "m_kib": params.m_kib, "p": params.p, "t": params.t},
              "nonce": base64.b64encode(NONCE_VALID).decode(), "salt": base64.b64encode(SALT).decode()}
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def generate() -> list[dict[str, Any]]:
    """The vectors exactly as docs/wallet-format.md holds them."""
    valid = encrypt_wallet(BASE_PAYLOAD.encode(), PASSPHRASE, params=PARAMS, salt=SALT,
                           nonce=NONCE_VALID)
    head = len(MAGIC) + len(header_bytes(PARAMS, SALT, NONCE_VALID))
    body = valid[head:]
    at = valid.index(b'"nonce":"') + len(b'"nonce":"')
    edited = bytearray(valid)
    edited[at] = ord("A") if edited[at] != ord("A") else ord("B")

    def vector(name: str, what: str, data: bytes, expect: dict[str, Any],
               passphrase: str = PASSPHRASE, plaintext: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name, "what": what, "passphrase": passphrase}
        if plaintext is not None:
            out["plaintext"] = plaintext
        out["expect"] = expect
        out["file_hex"] = data.hex()
        return out

    return [
        vector("valid", "control: the file every other vector is made from; it opens",
               valid, {"stage": None, "exit": 0}, plaintext=BASE_PAYLOAD),
        vector("truncated", "`valid` cut in the middle of the ciphertext (an interrupted copy)",
               valid[:head + len(body) // 2], {"stage": "decrypt", **DECRYPT_FAILED}),
        vector("truncated-header", "`valid` cut inside the header line",
               valid[:len(MAGIC) + 40], _corrupted("header", "wallet header is missing or too long")),
        vector("newer-format-version", "`valid` with the magic line `credwallet/v2`",
               b"credwallet/v2\n" + valid[len(MAGIC):],
               {"stage": "header", "error": "UnsupportedVersion", "exit": 4,
                "kind": "unsupported_version", "message": "unsupported wallet format version 2"}),
        vector("newer-payload-version",
               "a valid file whose payload says `payload_version: 3` and has a field v2 lacks",
               encrypt_wallet(NEWER_PAYLOAD.encode(), PASSPHRASE, params=PARAMS, salt=SALT,
                              nonce=NONCE_NEWER),
               {"stage": "payload", "error": "UnsupportedVersion", "exit": 4,
                "kind": "unsupported_version", "message": "made by a newer credwallet; upgrade"},
               plaintext=NEWER_PAYLOAD),
        vector("unknown-kdf", "`valid` with `kdf.id` `scrypt` (canonical header otherwise)",
               MAGIC + _header("scrypt", PARAMS) + body,
               _corrupted("header", "wallet header is damaged")),
        vector("kdf-over-caps", "`valid` with `kdf.m_kib` 2097152 (2 GiB, over the 1 GiB read cap)",
               MAGIC + _header(fileformat.KDF_ID, KdfParams(2 * 1024 * 1024, PARAMS.t, 1)) + body,
               _corrupted("header", "out of range")),
        vector("kdf-over-caps-passes", "`valid` with `kdf.t` 17 (over the read cap of 16)",
               MAGIC + _header(fileformat.KDF_ID, KdfParams(PARAMS.m_kib, 17, 1)) + body,
               _corrupted("header", "out of range")),
        vector("kdf-below-floor", "`valid` with `kdf.m_kib` 8 and `kdf.t` 1 (below the floor)",
               MAGIC + _header(fileformat.KDF_ID, KdfParams(8, 1, 1)) + body,
               _corrupted("header", "below the safe minimum")),
        vector("header-edited",
               "`valid` with the first character of the nonce changed (the header stays canonical)",
               bytes(edited), {"stage": "decrypt", **DECRYPT_FAILED}),
        vector("wrong-key", "`valid`, opened with `correct horse battery stable`",
               valid, {"stage": "decrypt", **DECRYPT_FAILED},
               passphrase="correct horse battery stable"),
    ]


def render(vectors: list[dict[str, Any]]) -> str:
    """The fenced block's content: one vector per object, `file_hex` on its own line."""
    parts = []
    for v in vectors:
        fields = [f"    {json.dumps(k)}: {json.dumps(val, ensure_ascii=False)}" for k, val in v.items()]
        parts.append("  {\n" + ",\n".join(fields) + "\n  }")
    return "[\n" + ",\n".join(parts) + "\n]\n"


# ------------------------------------------------------------------ reading them from the doc


def doc_block() -> str:
    match = re.search(r"```json negative-vectors\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/wallet-format.md lost its negative-vectors block"
    return match.group(1)


def doc_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads(doc_block())
    return vectors


# An empty list when the block is missing, so `python -m` can still print it; the first test
# below fails then.
VECTORS = doc_vectors() if "```json negative-vectors\n" in DOC.read_text(encoding="utf-8") else []


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[KdfParams]]:
    """No cheap-KDF switch (a user's setting); records every key derivation."""
    monkeypatch.delenv(fileformat.WEAK_ENV, raising=False)
    runs: list[KdfParams] = []
    derive = fileformat.derive_key

    def counting(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
        runs.append(params)
        return derive(passphrase, salt, params)

    monkeypatch.setattr(fileformat, "derive_key", counting)
    yield runs


def _assert_error(exc: CredwalletError, expect: dict[str, Any]) -> None:
    assert type(exc).__name__ == expect["error"]
    assert (exc.exit_code, exc.kind) == (expect["exit"], expect["kind"])
    assert expect["message"] in exc.message


def test_the_document_names_every_required_vector() -> None:
    names = [v["name"] for v in doc_vectors()]
    assert len(names) == len(set(names))
    assert set(names) >= REQUIRED, REQUIRED - set(names)
    assert all(v["expect"]["exit"] == 4 for v in VECTORS if v["name"] != "valid")


def test_the_document_holds_the_generated_bytes() -> None:
    """Deterministic: regenerate with `python -m tests.wallet.test_format_vectors`."""
    assert doc_block() == render(generate())


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: str(v["name"]))
def test_reader_outcome(vector: dict[str, Any], real_kdf: list[KdfParams], tmp_path: Path) -> None:
    data = bytes.fromhex(vector["file_hex"])
    expect = vector["expect"]
    stage, passphrase = expect["stage"], vector["passphrase"]

    # The file layer: header checks, then the KDF and the AEAD.
    if stage in ("header", "decrypt"):
        with pytest.raises(CredwalletError) as err:
            fileformat.decrypt_wallet(data, passphrase)
        _assert_error(err.value, expect)
        # Refused from the header alone: no Argon2id run, whatever the header asks for.
        assert real_kdf == ([] if stage == "header" else [PARAMS])
    else:
        assert fileformat.decrypt_wallet(data, passphrase) == vector["plaintext"].encode()

    # The store: the whole reader, as every command uses it.
    path = tmp_path / "wallet.cwlt"
    path.write_bytes(data)
    store = WalletStore(path)
    if stage is None:
        assert store.load(passphrase).model_dump_json() == vector["plaintext"]
    else:
        with pytest.raises(CredwalletError) as err:
            store.load(passphrase)
        _assert_error(err.value, expect)
    assert path.read_bytes() == data


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: str(v["name"]))
def test_cli_outcome(vector: dict[str, Any], real_kdf: list[KdfParams], tmp_path: Path) -> None:
    data = bytes.fromhex(vector["file_hex"])
    expect = vector["expect"]
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    wallet = home / "wallet.cwlt"
    wallet.write_bytes(data)
    wallet.chmod(0o600)
    assert fileformat.WEAK_ENV not in os.environ
    res = run_inproc("list", "--json", env={"CREDWALLET_HOME": str(home),
                                         "CREDWALLET_PASSPHRASE": vector["passphrase"]})
    assert res.code == expect["exit"], res
    doc = res.json()
    if expect["exit"] == 0:
        assert doc["ok"] is True and doc["credentials"] == []
    else:
        assert doc["ok"] is False, res
        assert (doc["error"]["code"], doc["error"]["kind"]) == (expect["exit"], expect["kind"])
        assert expect["message"] in doc["error"]["message"]
    assert wallet.read_bytes() == data
    assert {p.name for p in home.iterdir()} <= {"wallet.cwlt", "wallet.cwlt.lock"}


# ------------------------------------------------------------------ the payload schema


def _validator(version: int = PAYLOAD_VERSION) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMA if version == PAYLOAD_VERSION else SCHEMA_V1).read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(payload: Any) -> list[str]:
    """Against the schema of the version the payload names (version 1 for anything else)."""
    version = payload.get("payload_version") if isinstance(payload, dict) else None
    validator = _validator(PAYLOAD_VERSION if version == PAYLOAD_VERSION else 1)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(payload)]


def _built_payload() -> dict[str, Any]:
    """Every model filled in, as the code writes it (binary bodies, nested results, links)."""
    now = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    check = Check(check=CheckName.PROOF, status="passed", detail="Ed25519Signature2020")
    child = VerificationResult.from_checks([check], id="0123456789abcdef", checked_at=now)
    result = VerificationResult.from_checks(
        [check, Check(check=CheckName.EXPIRY, status="warning", detail="expires soon")],
        id="fedcba9876543210", source="clr.json", checked_at=now, format="clr-ldp",
        signer="did:key:z6Mk#z6Mk", suite="eddsa-rdfc-2022", nested=[child], extra={"n": 1})
    image = CachedDocument.make("https://issuer.example/badge.png", "image",
                                b"\x89PNG\r\n\x1a\n\x00\xff", now, media_type="image/png")
    cred = StoredCredential(id="fedcba9876543210", format="clr-ldp", raw='{"a":1}', source="clr.json",
                            imported_at=now, credential_id="urn:uuid:1", name="CLR",
                            issuer_id="did:key:z6Mk", issued="2025-01-01", children=["0123456789abcdef"],
                            cache_urls=[image.url], image_key=image.url, verification=result,
                            tags=["t"], extra={"k": "v"})
    binary = StoredCredential(id="0123456789abcdef", format="ob2-baked", raw="AAE=",
                              raw_encoding="base64", media_type="image/png", source="b.png",
                              imported_at=now, parent_id=cred.id, kept_invalid=True)
    wallet = WalletData(created_at=now, holder=Holder(did="did:key:z6Mk", private_seed_b64="AA==",
                                                      created_at=now),
                        identities=[Identity(kind="email", value="a@b.example", added_at=now)],
                        credentials=[cred, binary], cache={image.url: image},
                        pathways=[{"name": "p"}], trust={"version": 1, "issuers": []},
                        settings={"linkedin_org_ids": {}})
    payload: dict[str, Any] = json.loads(wallet.model_dump_json())
    return payload


def test_schema_accepts_payloads_the_code_writes(tmp_path: Path) -> None:
    assert not _errors(json.loads(BASE_PAYLOAD))
    assert not _errors(_built_payload())
    # A wallet built through the CLI: identities, imports (with and without a valid proof,
    # a CLR and its children), trust, a pathway, an export setting.
    for args in (["init"], ["identity", "add", "learner@example.com"],
                 ["import", str(DATA / "w3c-signedDataInt.json")],
                 ["import", str(DATA / "ob30-simple.jwt"), str(DATA / "clr-simple.json"),
                  "--keep-invalid"],
                 ["trust", "add", "did:example:issuer", "--label", "Example"],
                 ["pathway", "add", str(REPO / "examples" / "pathways" /
                                        "data-analytics-certificate.toml")]):
        res = run_inproc(*args, "--json")
        assert res.code in (0, 1), res
    home = Path(os.environ["CREDWALLET_HOME"])
    payload = json.loads(fileformat.decrypt_wallet((home / "wallet.cwlt").read_bytes(),
                                                   os.environ["CREDWALLET_PASSPHRASE"]))
    assert payload["credentials"] and payload["identities"] and payload["pathways"]
    assert any(c["verification"] for c in payload["credentials"])
    assert not _errors(payload)


def test_schema_keeps_unknown_fields_open() -> None:
    payload = json.loads(BASE_PAYLOAD)
    payload["future_section"] = {"x": 1}
    payload["holder"]["future_key_kind"] = "ed448"
    assert not _errors(payload)


@pytest.mark.parametrize(("where", "value"), [
    (("payload_version",), "1"),
    (("payload_version",), 0),
    (("payload_version",), 2),
    (("created_at",), 1767225600),
    (("holder",), "did:key:z6Mk"),
    (("holder", "did"), None),
    (("identities",), {}),
    (("credentials",), [{"id": "x"}]),
    (("cache",), []),
    (("settings",), []),
])
def test_schema_rejects_wrong_types(where: tuple[str, ...], value: Any) -> None:
    payload = json.loads(BASE_PAYLOAD)
    target = payload
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    assert _errors(payload), f"{where} = {value!r} should be refused"


def test_schema_rejects_a_bad_stored_entry() -> None:
    good = _built_payload()
    mutations: list[Callable[[dict[str, Any]], object]] = [
        lambda p: p["credentials"][0].update(raw_encoding="latin-1"),
        lambda p: p["credentials"][0].update(imported_at="yesterday"),
        lambda p: p["credentials"][0]["verification"]["checks"][0].update(status="ok"),
        lambda p: p["credentials"][0]["verification"]["nested"][0].update(verified="yes"),
        lambda p: next(iter(p["cache"].values())).update(http_status="200"),
        lambda p: next(iter(p["cache"].values())).pop("sha256"),
        lambda p: p["identities"][0].update(kind="fax")]
    for mutate in mutations:
        payload = json.loads(json.dumps(good))
        mutate(payload)
        assert _errors(payload)


def test_schema_names_every_model_field() -> None:
    """A field added to a stored model must be added to the schema (and to the doc)."""
    schema = json.loads(SCHEMA.read_text("utf-8"))
    defs = schema["$defs"]
    pairs: list[tuple[dict[str, Any], type[BaseModel]]] = [
        (schema, WalletData), (defs["holder"], Holder), (defs["identity"], Identity),
        (defs["credential"], StoredCredential), (defs["cachedDocument"], CachedDocument),
        (defs["verification"], VerificationResult), (defs["check"], Check),
        (defs["row"], CredentialRow), (defs["index"], PayloadIndex)]
    # Members of the layout, not of the model (docs/wallet-format.md, "Payload version 2").
    layout = {WalletData: {"index", "views"}, PayloadIndex: set()}
    for part, model in pairs:
        extra = layout.get(model, set())
        assert set(part["properties"]) - extra == set(model.model_fields), model.__name__
        required = {n for n, f in model.model_fields.items() if f.is_required()}
        if model is WalletData:
            required |= {"payload_version", "index"}
        if model is PayloadIndex:
            required = {"credentials", "cache"}
        assert set(part.get("required", [])) == required, model.__name__
    assert defs["check"]["properties"]["check"]["enum"] == list(CHECK_NAMES), (
        "a new check name is refused by v1 readers: add it to the schema and the doc")
    assert schema["properties"]["payload_version"]["const"] == PAYLOAD_VERSION
    assert json.loads(SCHEMA_V1.read_text("utf-8"))["properties"]["payload_version"]["maximum"] == 1
    text = DOC.read_text("utf-8")
    for part, _model in pairs:
        for name in part["properties"]:
            assert f"`{name}`" in text, f"docs/wallet-format.md does not describe `{name}`"


if __name__ == "__main__":
    print(render(generate()), end="")
