"""The nasty corpus through the real command tree (in-process): contract exit codes, one JSON
document, no traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.invariant import run_inproc
from tests.fuzz.test_corpus import CORPUS, KNOWN_BUGS

CREDENTIALS = sorted(p for p in (CORPUS / "credential").iterdir() if f"credential/{p.name}" not in KNOWN_BUGS)
# Every wallet file is replayed in-process by test_corpus; through the CLI a few representatives
# (one per kind of damage) keep the suite fast.
WALLETS = [CORPUS / "wallet" / n for n in ("future-version.cwlt", "duplicate-keys.cwlt")]
# Stored on import although nothing in it verified, before importer.py refused a presentation's
# contents one by one (see test_unsigned_presentation_of_unsigned_credentials_is_refused).
CONTAINER_QUIRKS: set[str] = set()


@pytest.fixture
def inproc_home(isolated_home: Path) -> Path:
    """Like conftest's wallet_home, with `init` run in-process (much faster)."""
    res = run_inproc("init", "--json")
    assert res.code == 0, res
    return isolated_home


def one_json_document(stdout: str) -> Any:
    """stdout must be exactly one JSON document (json.loads refuses trailing data)."""
    doc = json.loads(stdout)
    assert isinstance(doc, dict) and "schema" in doc and "ok" in doc
    return doc


def assert_clean(res: Any, codes: set[int]) -> Any:
    assert "Traceback" not in res.stderr, res
    assert "internal error" not in res.stdout + res.stderr, res
    assert res.code in codes, res
    return one_json_document(res.stdout)


def test_import_every_nasty_file(inproc_home: Path) -> None:
    res = run_inproc("import", *map(str, CREDENTIALS), "--json")
    doc = assert_clean(res, {1, 3})
    assert doc["schema"] == "credwallet.import/1" and doc["ok"] is False
    items = doc["items"]
    assert [i["source"] for i in items] == list(map(str, CREDENTIALS))
    for item in items:
        if Path(item["source"]).name in CONTAINER_QUIRKS:
            continue
        assert item["status"] == "failed", item
        assert item["error"], item
    listed = assert_clean(run_inproc("list", "--json"), {0})
    stored = {c["id"] for c in listed["credentials"] if c["parent"] is None}
    assert stored <= {i["id"] for i in items if Path(i["source"]).name in CONTAINER_QUIRKS}


def test_unsigned_presentation_of_unsigned_credentials_is_refused(inproc_home: Path) -> None:
    res = run_inproc("import", str(CORPUS / "credential" / "vp-in-vp.json"), "--json")
    doc = assert_clean(res, {0, 1, 3})
    assert doc["items"][0]["status"] == "failed", doc["items"][0]


def test_verify_every_nasty_file_without_a_wallet(isolated_home: Path) -> None:
    args = [a for p in CREDENTIALS for a in ("--file", str(p))]
    res = run_inproc("verify", *args, "--json", env={"CREDWALLET_PASSPHRASE": ""})
    doc = assert_clean(res, {1, 3})
    assert doc["schema"] == "credwallet.verify/1" and doc["ok"] is False
    assert doc["error"]["code"] == res.code
    results = doc["results"]
    assert [r["source"] for r in results] == list(map(str, CREDENTIALS))
    assert not any(r["verified"] for r in results)
    assert not isolated_home.exists() or not any(isolated_home.iterdir()), "--file created a wallet"


def test_verify_human_output_has_no_traceback(isolated_home: Path) -> None:
    args = [a for p in CREDENTIALS[:10] for a in ("--file", str(p))]
    res = run_inproc("verify", *args)
    assert res.code in {1, 3} and "Traceback" not in res.stderr, res


@pytest.mark.parametrize("path", WALLETS, ids=lambda p: p.name)
def test_hostile_wallet_file(isolated_home: Path, path: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "wallet.cwlt").write_bytes(path.read_bytes())
    doc = assert_clean(run_inproc("list", "--json"), {4})
    assert doc["error"]["code"] == 4
    assert (isolated_home / "wallet.cwlt").read_bytes() == path.read_bytes(), "a failed open changed the file"


def test_deeply_nested_wallet_header(isolated_home: Path) -> None:
    # Was a RecursionError (exit 70) in wallet/fileformat.py parse_header.
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "wallet.cwlt").write_bytes((CORPUS / "wallet" / "deep-header.cwlt").read_bytes())
    assert_clean(run_inproc("list", "--json"), {4})


def test_deeply_nested_pathway_file(inproc_home: Path) -> None:
    # Was exit 70 (RecursionError) before the loader capped the depth.
    assert_clean(run_inproc("pathway", "add", str(CORPUS / "pathway" / "deep.json"), "--json"), {3})


def test_terminal_escapes_in_credential_text_are_not_printed(inproc_home: Path) -> None:
    # A hostile badge name could clear the screen, fake lines or set the window title.
    src = CORPUS / "credential" / "terminal-escapes.json"
    imported = assert_clean(run_inproc("import", "--keep-invalid", str(src), "--json"), {0, 1})
    cid = imported["items"][0]["id"]
    assert cid, imported
    for args in (("list",), ("show", cid)):
        res = run_inproc(*args)
        assert res.code == 0, res
        assert "\x1b" not in res.stdout and "\x07" not in res.stdout, f"{args[0]} printed escape codes"


def test_jwk_with_wrong_curve_through_the_cli(isolated_home: Path) -> None:
    res = run_inproc("verify", "--file", str(CORPUS / "credential" / "jwk-wrong-curve.jwt"), "--json")
    assert_clean(res, {1, 3})


def test_failed_import_document_has_an_error_object(inproc_home: Path) -> None:
    res = run_inproc("import", str(CORPUS / "credential" / "empty.json"), "--json")
    doc = assert_clean(res, {3})
    assert doc["ok"] is False
    assert doc.get("error", {}).get("code") == res.code, "ok:false without an error object"


def test_edge_date_does_not_sink_the_whole_import(inproc_home: Path) -> None:
    good = Path(__file__).resolve().parents[1] / "data" / "w3c-signedDataInt.json"
    res = run_inproc("import", str(good), str(CORPUS / "credential" / "edge-date.json"), "--json",
                  env={"CREDWALLET_OFFLINE": "1"})
    doc = assert_clean(res, {1, 3, 5})
    assert doc["items"][0]["status"] == "imported", doc


def test_source_list_with_a_nul_byte(inproc_home: Path, tmp_path: Path) -> None:
    good = Path(__file__).resolve().parents[1] / "data" / "w3c-signedDataInt.json"
    listing = tmp_path / "sources.txt"
    listing.write_bytes(str(good).encode() + b"\nbad\x00name.json\n")
    res = run_inproc("import", "--keep-invalid", "--from-file", str(listing), "--json",
                  env={"CREDWALLET_OFFLINE": "1"})
    doc = assert_clean(res, {3})
    assert [i["status"] for i in doc["items"]] == ["imported", "failed"], doc


def test_backup_to_a_name_too_long(inproc_home: Path, tmp_path: Path) -> None:
    res = run_inproc("backup", "-o", str(tmp_path / ("y" * 300)), "--json")
    assert_clean(res, {2, 4})


def test_home_that_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "not-a-directory"
    home.write_text("x")
    res = run_inproc("list", "--json", env={"CREDWALLET_HOME": str(home)})
    assert_clean(res, {4})


def test_demo_with_surprises_prints_one_json_document(isolated_home: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import credwallet.demo.journey as journey

    def fake_journey(*args: object, **kwargs: object) -> SimpleNamespace:
        return SimpleNamespace(holder="did:key:z6Mk", site_url="http://127.0.0.1:1", imported=[], results=[],
                               progress=[], exports={}, surprises=["the revoked example verified"], names={})

    monkeypatch.setattr(journey, "run_journey", fake_journey)
    res = run_inproc("demo", "--json", "-o", str(tmp_path / "out"))
    assert res.code == 1, res
    docs = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(docs) == 1, f"{len(docs)} JSON documents on stdout"
    assert json.loads(docs[0])["ok"] is False
