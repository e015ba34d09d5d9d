"""Payload version 2 (docs/wallet-format.md, "Payload version 2"): the line layout, the index,
the stored views, the migration from version 1, and damage to one entry line.

Wallets are made through the real CLI (in-process); payloads are read and written with the real
file format, so every test sees the bytes a user's credwallet would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credwallet.wallet import fileformat, layout
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE, REPO, Cli

DATA = REPO / "tests" / "data"
AT = "2026-06-01T00:00:00Z"


def _payload(home: Path) -> bytes:
    return fileformat.decrypt_wallet((home / "wallet.cwlt").read_bytes(), PASSPHRASE)


def _write(home: Path, plaintext: bytes) -> None:
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / "wallet.cwlt"
    path.write_bytes(fileformat.encrypt_wallet(plaintext, PASSPHRASE))
    path.chmod(0o600)


def _as_v1(plaintext: bytes) -> bytes:
    """The same wallet as a version 1 writer wrote it: compact, no index, no views."""
    data = json.loads(plaintext)
    data["payload_version"] = 1
    data.pop("index")
    data.pop("views")
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture
def filled(cw: Cli, isolated_home: Path) -> Path:
    """A wallet with a credential, a CLR and its contents, a JWT credential and a pathway."""
    assert cw("init", "--json").code == 0
    for args in (["import", str(DATA / "w3c-signedDataInt.json")],
                 ["import", str(DATA / "ob30-simple.jwt"), str(DATA / "clr-simple.json"),
                  "--keep-invalid"],
                 ["pathway", "add", str(REPO / "examples" / "pathways" /
                                        "data-analytics-certificate.toml")]):
        assert cw(*args, "--json").code in (0, 1)
    return isolated_home


def _outputs(cw: Cli, home: Path) -> dict[str, Any]:
    env = {"CREDWALLET_HOME": str(home)}
    listed = cw("list", "--json", env=env)
    assert listed.code == 0, listed
    out: dict[str, Any] = {"list": listed.stdout,
                           "progress": cw("progress", "--at", AT, "--json", env=env).stdout}
    for row in listed.json()["credentials"]:
        out["show " + row["id"]] = cw("show", row["id"], "--json", env=env).stdout
    return out


def test_the_code_writes_the_layout(filled: Path) -> None:
    data = _payload(filled)
    lines = data.split(b"\n")
    head = layout.head_of(data)
    assert head is not None and head["payload_version"] == 2
    assert lines[1].startswith(b'"index":') and lines[2].startswith(b'"views":')
    assert lines[3] == b'"credentials":[' and lines[-1] == b"}}"
    whole = json.loads(data)  # any JSON reader reads it as one object
    assert len(whole["credentials"]) == len(whole["index"]["credentials"]) == 4
    assert [r["id"] for r in whole["index"]["credentials"]] == [c["id"] for c in
                                                                 whole["credentials"]]
    assert [k for k, _sha in whole["index"]["cache"]] == list(whole["cache"])
    assert whole["views"]["entries"], "views are derived on save"


def test_a_version_1_wallet_gives_the_same_output_and_is_migrated_on_a_change(
        filled: Path, cw: Cli, tmp_path: Path) -> None:
    old = tmp_path / "v1-home"
    _write(old, _as_v1(_payload(filled)))
    v1_bytes = (old / "wallet.cwlt").read_bytes()
    assert _outputs(cw, old) == _outputs(cw, filled)
    assert (old / "wallet.cwlt").read_bytes() == v1_bytes, "reading never rewrites"
    first = cw("list", "--json").json()["credentials"][0]["id"]
    for home in (old, filled):
        assert cw("tag", first, "add", "kept", "--json", env={"CREDWALLET_HOME": str(home)}).code == 0
    migrated = _payload(old)
    assert layout.head_of(migrated) is not None and json.loads(migrated)["payload_version"] == 2
    assert _outputs(cw, old) == _outputs(cw, filled)


def test_a_compact_version_2_payload_is_read_whole(filled: Path, cw: Cli, tmp_path: Path) -> None:
    other = tmp_path / "compact"
    _write(other, json.dumps(json.loads(_payload(filled)), separators=(",", ":")).encode())
    assert _outputs(cw, other) == _outputs(cw, filled)


def test_show_and_list_read_only_what_they_use(filled: Path) -> None:
    wallet = WalletStore(filled / "wallet.cwlt").load(PASSPHRASE)
    rows = wallet.rows()
    assert wallet.lazy("credentials") and wallet.lazy("cache")
    cred = wallet.find(rows[1].id[:6])
    assert cred.id == rows[1].id
    source = wallet._source
    assert isinstance(source, layout.LaidOut)
    assert [i for i in range(len(rows)) if source.read_credential(i) is not None] == [1]
    assert wallet.lazy("credentials"), "finding one credential reads no other"


def _damage_line(plaintext: bytes, position: int) -> tuple[bytes, bytes]:
    lines = plaintext.split(b"\n")
    at = 4 + position  # head, index, views, "credentials":[ come first
    lines[at] = b'{"id":"broken, not JSON' + (b"," if lines[at].endswith(b",") else b"")
    return b"\n".join(lines), lines[at].rstrip(b",")


def test_a_damaged_entry_line_is_reported_when_used_and_kept(filled: Path, cw: Cli) -> None:
    plain = _payload(filled)
    rows = json.loads(plain)["index"]["credentials"]
    damaged, good = rows[0]["id"], rows[1]["id"]
    broken, line = _damage_line(plain, 0)
    _write(filled, broken)

    listed = cw("list", "--json")
    assert listed.code == 0 and len(listed.json()["credentials"]) == len(rows)
    shown = cw("show", damaged, "--json")
    assert shown.code == 4 and shown.json()["error"]["kind"] == "damaged_entry", shown
    assert cw("show", good, "--json").code == 0
    checked = cw("verify", "--all", "--json")
    assert checked.code == 4, checked
    by_id = {r["id"]: r for r in checked.json()["results"]}
    assert [c["check"] for c in by_id[damaged]["checks"]] == ["stored_entry"]
    assert by_id[good]["checks"][0]["check"] != "stored_entry"
    # A save writes the damaged line back exactly as it was, and the others from their models.
    assert cw("tag", good, "add", "after-damage", "--json").code == 0
    assert _payload(filled).split(b"\n")[4].rstrip(b",") == line
    assert "after-damage" in cw("show", good, "--json").json()["credential"]["tags"]
    # And it can be removed like any damaged entry.
    assert cw("remove", damaged, "--yes", "--json").code == 0
    assert damaged not in {r["id"] for r in cw("list", "--json").json()["credentials"]}


def test_entry_lines_that_do_not_match_the_index_are_a_damaged_wallet(filled: Path,
                                                                      cw: Cli) -> None:
    lines = _payload(filled).split(b"\n")
    del lines[5]  # one credential line fewer than the index says
    _write(filled, b"\n".join(lines))
    before = (filled / "wallet.cwlt").read_bytes()
    res = cw("list", "--json")
    assert res.code == 4 and res.json()["error"]["kind"] == "wallet_corrupted", res
    assert (filled / "wallet.cwlt").read_bytes() == before


def test_stale_views_are_derived_again(filled: Path, cw: Cli,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from credwallet.wallet import views

    fresh = cw("progress", "--at", AT, "--json").stdout
    with monkeypatch.context() as patch:
        patch.setattr(views, "DERIVATION", "views/0+an-older-credwallet")
        assert cw("progress", "--at", AT, "--json").stdout == fresh
    # Damaged views (a derived cache) are no error either.
    plain = _payload(filled).split(b"\n")
    plain[2] = b'"views":{"derivation":5,"entries":[]},'
    _write(filled, b"\n".join(plain))
    assert cw("progress", "--at", AT, "--json").stdout == fresh


def _forge_views(home: Path, *, keep_digest: bool) -> None:
    data = json.loads(_payload(home))
    for entry in data["views"]["entries"].values():
        entry["view"]["achievement"] = {"name": "forged achievement"}
        entry["view"]["name"] = "forged achievement"
        if not keep_digest:
            entry["raw"] = "0" * 64
    lines = _payload(home).split(b"\n")
    lines[2] = b'"views":' + json.dumps(data["views"], separators=(",", ":")).encode() + b","
    _write(home, b"\n".join(lines))


def _held_names(home: Path) -> list[str | None]:
    from datetime import UTC, datetime

    from credwallet.pathways.cache import held_from_rows

    wallet = WalletStore(home / "wallet.cwlt").load(PASSPHRASE)
    return [h.view.name for h in held_from_rows(wallet, datetime(2026, 6, 1, tzinfo=UTC))]


def test_a_view_is_used_only_for_the_bytes_it_was_derived_from(filled: Path, cw: Cli) -> None:
    fresh, names = cw("progress", "--at", AT, "--json").stdout, _held_names(filled)
    assert names and "forged achievement" not in names
    # Control: while the digest matches, the stored views are what progress reads.
    _forge_views(filled, keep_digest=True)
    assert set(_held_names(filled)) == {"forged achievement"}
    _forge_views(filled, keep_digest=False)
    assert _held_names(filled) == names
    assert cw("progress", "--at", AT, "--json").stdout == fresh


def test_unknown_top_level_members_survive_in_the_head(filled: Path, cw: Cli) -> None:
    plain = _payload(filled)
    end = plain.index(b"\n")
    plain = plain[:end - 1] + b',"future_section":{"kept":[1,2]},' + plain[end:]
    _write(filled, plain)
    first = cw("list", "--json").json()["credentials"][0]["id"]
    assert cw("tag", first, "add", "x", "--json").code == 0
    saved = _payload(filled)
    assert json.loads(saved)["future_section"] == {"kept": [1, 2]}
    assert b'"future_section"' in saved[:saved.index(b"\n")]



def test_cached_documents_not_read_are_written_back_as_they_were(isolated_home: Path,
                                                                  cw: Cli) -> None:
    """A save that reads no cached document copies each line as it is (key included)."""
    from datetime import UTC, datetime

    from credwallet.models.entry import CachedDocument, StoredCredential
    from credwallet.wallet.holder import new_wallet

    now = datetime(2026, 1, 1, tzinfo=UTC)
    wallet = new_wallet(now)
    urls = ["https://issuer.example/key.json", 'https://issuer.example/"quoted"/é']
    for url in urls:
        wallet.cache[url] = CachedDocument.make(url, "key", b'{"k": 1}\n', now)
    wallet.credentials.append(StoredCredential(
        id="0123456789abcdef", format="vc-ldp", raw=(DATA / "w3c-signedDataInt.json").read_text(),
        source="a.json", imported_at=now, cache_urls=urls))
    store = WalletStore(isolated_home / "wallet.cwlt")
    store.create(PASSPHRASE, wallet)
    before = _payload(isolated_home).split(b"\n")
    for tag in ("one", "two"):  # two saves in a row, neither reads the cache
        assert cw("tag", "0123", "add", tag, "--json").code == 0
    after = _payload(isolated_home).split(b"\n")
    assert after[-3:] == before[-3:], "the cache lines are unchanged"
    loaded = WalletStore(isolated_home / "wallet.cwlt").load(PASSPHRASE)
    assert [loaded.cache[u].body_bytes() for u in urls] == [b'{"k": 1}\n'] * 2
    shown = cw("show", "0123", "--json")
    assert shown.code == 0 and len(shown.json()["credential"]["cached"]) == 2


def test_rows_of_another_derivation_are_derived_again(filled: Path, cw: Cli) -> None:
    fresh = cw("list", "--json").stdout
    lines = _payload(filled).split(b"\n")
    index = json.loads(lines[1][len(b'"index":'):-1])
    assert index["derivation"] == "rows/1"
    index["derivation"] = "rows/0"
    index["credentials"][0]["name"] = "a stale row"
    lines[1] = b'"index":' + json.dumps(index, separators=(",", ":")).encode() + b","
    _write(filled, b"\n".join(lines))
    assert cw("list", "--json").stdout == fresh
    # Control: under the current derivation the row is what list reads.
    index["derivation"] = "rows/1"
    lines[1] = b'"index":' + json.dumps(index, separators=(",", ":")).encode() + b","
    _write(filled, b"\n".join(lines))
    assert "a stale row" in cw("list", "--json").stdout
