"""Issue #15: shell completion for bash, zsh and fish. The script each shell sources is generated
by the real entry point, and completing a subcommand or an option answers through the same
environment-variable protocol the script uses (typer's: `_CREDWALLET_COMPLETE=complete_bash`,
the instruction first, where plain click writes `bash_complete`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

VAR = "_CREDWALLET_COMPLETE"
BIN = Path(sys.executable).parent  # the venv's bin: where the `credwallet` script is installed


def _complete(instruction: str, **env: str) -> list[str]:
    res = run_cli(env={VAR: instruction, **env}, timeout=60)
    assert res.code == 0, res
    return res.stdout.splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_generates(shell: str) -> None:
    res = run_cli(env={VAR: f"source_{shell}"}, timeout=60)
    assert res.code == 0 and res.stderr == "", res
    # The script calls credwallet back with the completion variable and its own instruction.
    assert f"{VAR}=complete_{shell}" in res.stdout, res.stdout
    assert "credwallet" in res.stdout


def _bash_instruction() -> str:
    script = run_cli(env={VAR: "source_bash"}, timeout=60).stdout
    found = re.search(rf"{VAR}=(\S+)", script)
    assert found, script
    return found.group(1)


def test_bash_completes_a_subcommand_and_an_option() -> None:
    instruction = _bash_instruction()
    assert set(_complete(instruction, COMP_WORDS="credwallet pa", COMP_CWORD="1")) == {
        "passwd", "pathway"}
    assert _complete(instruction, COMP_WORDS="credwallet list --so", COMP_CWORD="2") == ["--sort"]
    assert set(_complete(instruction, COMP_WORDS="credwallet trust registry ", COMP_CWORD="3")) == {
        "add", "remove", "show", "list"}


def test_clicks_spelling_of_the_protocol_works_too() -> None:
    """`bash_source` / `bash_complete`, as click documents it (typer swaps the words)."""
    for shell in ("bash", "zsh"):
        assert run_cli(env={VAR: f"{shell}_source"}).stdout == \
            run_cli(env={VAR: f"source_{shell}"}).stdout
    assert _complete("bash_complete", COMP_WORDS="credwallet doc", COMP_CWORD="1") == ["doctor"]


def test_zsh_and_fish_complete_a_subcommand() -> None:
    zsh = "\n".join(_complete("complete_zsh", _TYPER_COMPLETE_ARGS="credwallet pathway "))
    assert '"add":' in zsh and '"check":' in zsh
    fish = _complete("complete_fish", _TYPER_COMPLETE_ARGS="credwallet ex",
                     _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert [line.split("\t")[0] for line in fish] == ["export"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_sourcing_the_script_completes() -> None:
    """End to end: bash sources the generated script and runs its completion function as bash
    would (the command name is its first argument)."""
    assert (BIN / "credwallet").exists()
    script = run_cli(env={VAR: "source_bash"}, timeout=60).stdout
    probe = (f"{script}\nCOMP_WORDS=(credwallet identity a); COMP_CWORD=2\n"
             "_credwallet_completion credwallet\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], capture_output=True,
                         text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out
    assert out.stdout.split() == ["add"], out


def test_root_help_offers_completion() -> None:
    res = run_cli("--help")
    assert "--install-completion" in res.stdout and "--show-completion" in res.stdout
