"""The docs must match the code: the command reference is the live --help, every JSON schema
and exit code is documented, and every command line shown in the docs parses."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
USER_DOCS = [DOCS / "getting-started.md", DOCS / "concepts.md", DOCS / "json-output.md", ROOT / "SECURITY.md"]


@cache
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_command_docs", ROOT / "tools" / "gen_command_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_command_docs", module)
    spec.loader.exec_module(module)
    return module


@cache
def help_of(path: tuple[str, ...]) -> str:
    text: str = gen().help_text(list(path))
    return text


@cache
def command_paths() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p) for p in gen().command_paths())


def test_command_reference_is_current() -> None:
    current = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert current == gen().render(), (
        "docs/commands.md does not match the live --help output: run `python tools/gen_command_docs.py` "
        "and commit the result")


def test_every_command_has_a_section() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    for path in command_paths():
        assert f"\n## {' '.join(['credwallet', *path])}\n" in text


def _schemas_in_code() -> set[str]:
    names = set()
    for src in (ROOT / "src" / "credwallet" / "cli").glob("*.py"):
        names |= set(re.findall(r'\bCtx\(\s*"([a-z_-]+)"', src.read_text(encoding="utf-8")))
    return names


def test_every_json_schema_is_documented() -> None:
    text = (DOCS / "json-output.md").read_text(encoding="utf-8")
    names = _schemas_in_code() | {"usage"}
    assert names >= {"import", "list", "verify"}, names
    missing = sorted(n for n in names if f"credwallet.{n}/1" not in text)
    assert not missing, f"docs/json-output.md does not describe the --json output of: {missing}"


def test_every_exit_code_is_documented() -> None:
    from credwallet import errors

    codes = {cls.exit_code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.CredwalletError)} | {0, 130}
    text = (DOCS / "json-output.md").read_text(encoding="utf-8")
    table = text.split("## Exit codes", 1)[1]
    for code in codes:
        assert re.search(rf"^\| {code} \|", table, re.M), f"exit code {code} missing from json-output.md"


def _command_lines(path: Path) -> list[str]:
    """Command lines inside fenced code blocks (`$ credwallet ...` or `credwallet ...`)."""
    out = []
    for block in re.findall(r"```(?:sh|shell|bash|console|text)?\n(.*?)```", path.read_text(encoding="utf-8"),
                            re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.strip().removeprefix("$ ")
            if line.startswith("credwallet ") or line == "credwallet":
                out.append(line.split(" #", 1)[0].split(" | ")[0].split(" > ")[0].split(" < ")[0])
    return out


def _check_line(line: str) -> str | None:
    words = shlex.split(line)[1:]
    path: tuple[str, ...] = ()
    for w in words:
        if (*path, w) in command_paths():
            path = (*path, w)
        elif not w.startswith("-"):
            break
    if not path and words and not words[0].startswith("-"):
        return f"{line!r}: no command {words[0]!r}"
    text = help_of(path)
    for w in words:
        if w.startswith("-") and w not in ("-", "--"):
            opt = w.split("=", 1)[0]
            if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text):
                return f"{line!r}: `credwallet {' '.join(path)}` has no option {opt}"
    return None


@pytest.mark.parametrize("doc", [p for p in USER_DOCS if p.exists()], ids=lambda p: p.name)
def test_command_lines_in_docs_exist(doc: Path) -> None:
    lines = _command_lines(doc)
    problems = [p for p in map(_check_line, lines) if p]
    assert not problems, "\n".join(problems)


def test_user_docs_exist() -> None:
    for doc in [*USER_DOCS, DOCS / "commands.md"]:
        assert doc.exists() and doc.stat().st_size > 500, doc
