"""A file name the file system refuses (longer than NAME_MAX) is bad input or a usage error with
one line, never an internal error (exit 70), for every command that takes a path."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO, Cli

LONG = "n" * 300  # over the 255-byte NAME_MAX of common file systems


def test_restore_from_an_unnameable_file(wallet_home: Path, cw: Cli, tmp_path: Path) -> None:
    res = cw("restore", str(tmp_path / LONG), "--yes", "--json")
    assert res.code == 3, res.stdout
    assert res.json()["error"]["kind"] == "bad_input"


def test_export_to_an_unnameable_file(wallet_home: Path, cw: Cli, tmp_path: Path) -> None:
    imported = cw("import", str(REPO / "tests" / "data" / "w3c-signedDataInt.json"),
                  "--keep-invalid", "--json")
    assert imported.code in (0, 1), imported.stdout
    res = cw("export", "--format", "json", "--include-unverified", "--include-unmatched",
             "-o", str(tmp_path / LONG), "--json")
    assert res.code == 2, res.stdout
    assert "File name too long" in res.json()["error"]["message"]


def test_backup_to_an_unnameable_file(wallet_home: Path, cw: Cli, tmp_path: Path) -> None:
    res = cw("backup", str(tmp_path / LONG), "--json")
    assert res.code == 2, res.stdout
