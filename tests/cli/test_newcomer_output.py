"""Issue #15: help and errors that survive pipes and narrow terminals; confirmations for
`remove` and `restore`; `export -o` never overwrites silently. Everything runs the real command
tree: in-process, or on a real terminal (pty) for the prompts."""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, run_inproc
from tests.wallet.test_passphrase_strength import run_on_pty, tty_env

NARROW = {"COLUMNS": "60"}


def _paths() -> list[list[str]]:
    import typer.main

    from credwallet.cli.app import build_app

    out: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        out.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(build_app()), [])
    return out


def _help(path: list[str], flag: str, columns: str = "60") -> tuple[int, str, str]:
    from credwallet.cli.app import run

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = columns
    try:
        with redirect_stdout(out), redirect_stderr(err):
            # `tag` takes the credential id before its subcommand: `credwallet tag ID add`.
            argv = [*path[:1], "3f2a", *path[1:]] if path[:1] == ["tag"] and len(path) > 1 else path
            code = run([*argv, flag])
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    return code, out.getvalue(), err.getvalue()


PATHS = _paths()
IDS = [" ".join(p) or "(root)" for p in PATHS]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_dash_h_is_help_everywhere(path: list[str]) -> None:
    code, short, _ = _help(path, "-h")
    assert code == 0 and short.startswith("Usage: credwallet")
    assert short == _help(path, "--help")[1]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_shows_no_python_types(path: list[str]) -> None:
    text = _help(path, "--help", "100")[1]
    for bad in ("<list[", "<str>", "<int>", "<path>", "{"):
        assert bad not in text, (bad, text)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_help_has_examples_kept_verbatim(path: list[str]) -> None:
    text = _help(path, "--help")[1]
    assert "\n  Examples:\n" in text, text
    block = text.split("\n  Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 1 <= len(block) <= 3
    for line in block:  # one command per line, never rewrapped at 60 columns
        assert line.startswith("    credwallet ") or line.startswith("    CREDWALLET_"), line


def test_help_at_60_columns_breaks_no_word() -> None:
    text = _help(["pathway", "add"], "--help")[1]
    assert "JSON-LD" in text  # textwrap would split it at the hyphen
    assert "https://example.edu/pathways/data-analytics-certificate.json" in text
    text = _help(["init"], "--help", "40")[1]
    assert "--allow-weak-passphrase" in text


def test_bare_credwallet_and_bare_group_print_help_without_error() -> None:
    for args in ([], ["pathway"], ["trust", "registry"]):
        res = run_inproc(*args)
        assert res.code == 0, res
        assert res.stdout.startswith("Usage: credwallet") and "error" not in res.stderr


def test_usage_errors_point_at_the_subcommands_help() -> None:
    res = run_inproc("trust", "add", "--bogus", env=NARROW)
    assert res.code == 2 and "see `credwallet trust add --help`" in res.stderr
    res = run_inproc("export", "-f", "json", "--expires-in", "5x", env=NARROW)
    assert res.code == 2 and "see `credwallet export --help`" in res.stderr
    assert run_inproc("trust", "add", "--bogus", "--json").json()["schema"] == "credwallet.usage/1"


def test_a_long_hint_survives_a_pipe_at_60_columns(wallet_home: Path, tmp_path: Path) -> None:
    url = "https://registry.example.org/a/very/long/path/that/goes/on/" + "x" * 80 + "/registry.json"
    res = run_inproc("trust", "registry", "show", url, env=NARROW)
    assert res.code == 6
    assert url in res.stdout + res.stderr  # the pipe gets whole lines: no break inside the URL
    res = run_inproc("remove", "ffffffffff", env=NARROW)
    assert res.code == 6


def test_home_before_the_command(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    env = {"CREDWALLET_PASSPHRASE": PASSPHRASE}
    assert run_inproc("--home", str(home), "init", "--json", env=env).code == 0
    assert (home / "wallet.cwlt").exists()
    res = run_inproc("--home", str(home), "list", "--json", env=env)
    assert res.code == 0 and res.json()["credentials"] == []
    # the command's own --home still wins
    res = run_inproc("--home", str(home), "list", "--home", str(tmp_path / "none"), "--json", env=env)
    assert res.code == 4


def test_export_without_format_lists_the_formats(wallet_home: Path) -> None:
    from credwallet.cli.export_cmd import FORMAT_LIST
    from credwallet.export.model import FORMATS

    assert tuple(name for name, _ in FORMAT_LIST) == FORMATS
    res = run_inproc("export")
    assert res.code == 2
    for name in FORMATS:
        assert f"{name}:" in res.stderr
    assert "see `credwallet export --help`" in res.stderr
    assert run_inproc("export", "--json").json()["error"]["kind"] == "usage"


def _import_any(wallet_home: Path) -> str:
    data = Path(__file__).resolve().parents[1] / "data" / "w3c-signedDataInt.json"
    res = run_inproc("import", str(data), "--keep-invalid", "--json")
    assert res.code in (0, 1), res
    return str(res.json()["items"][0]["id"]) if "items" in res.json() else \
        str(run_inproc("list", "--json").json()["credentials"][0]["id"])


def test_export_refuses_to_overwrite_without_force(wallet_home: Path, tmp_path: Path) -> None:
    _import_any(wallet_home)
    out = tmp_path / "out.json"
    out.write_text("mine")
    res = run_inproc("export", "-f", "json", "--include-unmatched", "--include-unverified",
                  "-o", str(out))
    assert res.code == 2 and "--force" in res.stderr
    assert out.read_text() == "mine"
    res = run_inproc("export", "-f", "json", "--include-unmatched", "--include-unverified",
                  "-o", str(out), "--force")
    assert res.code == 0, res
    assert out.read_text() != "mine"


def test_remove_and_restore_refuse_without_terminal_or_yes(wallet_home: Path,
                                                           tmp_path: Path) -> None:
    cid = _import_any(wallet_home)
    res = run_inproc("remove", cid, input=b"")
    assert res.code == 2 and "--yes" in res.stderr
    assert run_inproc("remove", cid, "--json", input=b"").json()["error"]["kind"] == "usage"
    assert len(run_inproc("list", "--json").json()["credentials"]) >= 1
    backup = tmp_path / "b.cwlt"
    assert run_inproc("backup", "-o", str(backup)).code == 0
    res = run_inproc("restore", str(backup), input=b"")
    assert res.code == 2 and "--yes" in res.stderr
    assert run_inproc("restore", str(backup), "--yes").code == 0
    assert run_inproc("remove", cid, "--yes").code == 0


def test_remove_asks_at_a_terminal(wallet_home: Path) -> None:
    cid = _import_any(wallet_home)
    env = tty_env(CREDWALLET_PASSPHRASE=PASSPHRASE, CREDWALLET_HOME=str(wallet_home))
    code, shown = run_on_pty(["remove", cid], [("[y/N]: ", "n")], env)
    assert code == 130 and "Remove 1 credential(s) from the wallet" in shown, shown
    assert any(c["id"] == cid for c in run_inproc("list", "--json").json()["credentials"])
    code, shown = run_on_pty(["remove", cid], [("[y/N]: ", "y")], env)
    assert code == 0 and "Removed" in shown, shown
    assert not any(c["id"] == cid for c in run_inproc("list", "--json").json()["credentials"])


def test_restore_asks_at_a_terminal(wallet_home: Path, tmp_path: Path) -> None:
    backup = tmp_path / "b.cwlt"
    assert run_inproc("backup", "-o", str(backup)).code == 0
    env = tty_env(CREDWALLET_PASSPHRASE=PASSPHRASE, CREDWALLET_HOME=str(wallet_home))
    code, shown = run_on_pty(["restore", str(backup)], [("[y/N]: ", "no")], env)
    assert code == 130 and "wallet.cwlt.bak" in shown, shown
    code, shown = run_on_pty(["restore", str(backup)], [("[y/N]: ", "yes")], env)
    assert code == 0 and "Restored" in shown, shown
