"""Mutation score of the verification core: mutmut over verify/{keys,status,checks,dataintegrity}.py.

    .venv/bin/python tools/mutation.py                  # all four files, one after another
    .venv/bin/python tools/mutation.py status checks    # some of them
    .venv/bin/python tools/mutation.py keys --survivors # and print the surviving mutants

Each file is mutated in its own scratch copy of the repository (src/, tests/, pyproject.toml)
so the work tree is never touched and one file's run cannot disturb another's. Tests:
tests/verify, tests/interop and tests/security. mutmut runs under `nice -n 19`.

Score = killed / all mutants (timeouts count as killed; "no tests" and survivors do not).
A mutant is *message-only* when the only tokens it changes are string literals (changed, or
replaced by None) and the mutated line lies inside human-readable text: an exception message
(`raise ...`), the `detail` of a Check / EntryResult / ProofOutcome, a note (`*.notes.append`),
the reason half of a `(value, reason)` return, a `how` provenance string, or a local that only feeds such text
(`why`, `word`, `extra`, `state`, `note`, `label`). Those change wording, never a verdict, so the
score is also printed without them. See docs/testing.md for run times.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERIFY = "src/credwallet/verify"
FILES = ("keys", "status", "checks", "dataintegrity")
TEST_DIRS = ("tests/verify", "tests/interop", "tests/security")
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
MESSAGE_CALLS = {"Check": ("detail", None), "EntryResult": ("detail", 1), "ProofOutcome": ("detail", 3)}
MESSAGE_LOCALS = {"why", "word", "extra", "state", "note", "label", "how", "reason", "detail"}

# Runs inside a scratch directory: every mutant's status and diff, as JSON.
DUMP = """
import json
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
m = SourceFileMutationData(path=PATH)
m.load()
print(json.dumps({k: [status_by_exit_code[v], get_diff_for_mutant(k, path=PATH)]
                  for k, v in m.exit_code_by_key.items()}))
"""


def _strings_in(node: ast.AST) -> set[int]:
    lines: set[int] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.JoinedStr | ast.Constant) and (
            isinstance(sub, ast.JoinedStr) or isinstance(sub.value, str)
        ):
            lines.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return lines


def message_lines(source: str) -> set[int]:
    """Line numbers of string literals that are only ever human-readable text."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            lines |= _strings_in(node.exc)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
                func, ast.Attribute) else ""
            if name in MESSAGE_CALLS:
                keyword, position = MESSAGE_CALLS[name]
                for kw in node.keywords:
                    if kw.arg in (keyword, "how"):
                        lines |= _strings_in(kw.value)
                if position is not None and len(node.args) > position:
                    lines |= _strings_in(node.args[position])
            elif name in ("_fragment_key", "KeyUnavailable", "StatusError") and len(node.args) > 1:
                lines |= _strings_in(node.args[1])
            elif (name == "append" and isinstance(func, ast.Attribute)
                  and isinstance(func.value, ast.Attribute) and func.value.attr == "notes"):
                lines |= _strings_in(node)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            for element in node.value.elts[1:]:
                lines |= _strings_in(element)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
                     for t in targets}
            if names & MESSAGE_LOCALS and node.value is not None:
                lines |= _strings_in(node.value)
    return lines


def _tokens(line: str) -> list[tuple[int, str]] | None:
    try:
        toks = tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline)
        return [(t.type, t.string) for t in toks if t.type not in (tokenize.NEWLINE, tokenize.NL,
                                                                    tokenize.ENDMARKER)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None


def is_message_only(diff: str, source_lines: list[str], msg_lines: set[int]) -> bool:
    removed = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    if not removed or len(removed) != len(added):
        return False
    for old, new in zip(removed, added, strict=True):
        a, b = _tokens(old), _tokens(new)
        if a is None or b is None or len(a) != len(b):
            return False
        # A message literal changed, or replaced by None: the wording changes, not the verdict.
        none = (tokenize.NAME, "None")
        if any(x != y and (x[0] != tokenize.STRING or (y[0] != tokenize.STRING and y != none))
               for x, y in zip(a, b, strict=True)):
            return False
        # The mutated line must be message text somewhere in the original file.
        where = [i + 1 for i, text in enumerate(source_lines) if text.strip() == old.strip()]
        if not where or not all(n in msg_lines for n in where):
            return False
    return True


@dataclass
class Result:
    name: str
    seconds: float
    statuses: dict[str, str] = field(default_factory=dict)
    message_only: set[str] = field(default_factory=set)
    diffs: dict[str, str] = field(default_factory=dict)

    def score(self, skip_messages: bool) -> tuple[int, int]:
        keys = [k for k in self.statuses if not (skip_messages and k in self.message_only)]
        return sum(self.statuses[k] in KILLED for k in keys), len(keys)


def scratch_copy(dest: Path, target: str, worktree: bool) -> None:
    """src/, tests/ and pyproject.toml of the last commit (or the work tree) in `dest`."""
    if worktree:
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis", "node_modules")
        shutil.copytree(REPO / "src", dest / "src", ignore=ignore)
        shutil.copytree(REPO / "tests", dest / "tests", ignore=ignore)
        shutil.copytree(REPO / "tools", dest / "tools", ignore=ignore)
    else:
        # The committed state: other people's unfinished edits in the tree cannot break the run.
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", "src", "tests", "tools"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    modules = REPO / "tests/interop/node_modules"  # installed by tests/interop/setup.sh, not in git
    if modules.is_dir():
        shutil.copytree(modules, dest / "tests/interop/node_modules", symlinks=True)
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    config += (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f'only_mutate = ["{target}"]\n'
        f"pytest_add_cli_args_test_selection = {json.dumps(list(TEST_DIRS))}\n"
        # mutmut traces tests in its own process: no xdist workers (addopts has -n auto).
        'pytest_add_cli_args = ["-n", "0"]\n'
        # tests/verify/test_agreement_corpus.py loads tools/agreement.py.
        'also_copy = ["tools"]\n'
    )
    (dest / "pyproject.toml").write_text(config, encoding="utf-8")


def run_file(name: str, work: Path, max_children: int, worktree: bool, reuse: bool = False) -> Result:
    target = f"{VERIFY}/{name}.py"
    dest = work / name
    env = dict(os.environ)
    env["PYTHONPATH"] = str(dest / "mutants" / "src")
    if reuse and (dest / "mutants").is_dir():
        seconds = 0.0  # only re-read and re-classify a finished run
    else:
        seconds = _mutate(dest, target, env, max_children, worktree)
    return _collect(name, dest, target, env, seconds)


def _mutate(dest: Path, target: str, env: dict[str, str], max_children: int, worktree: bool) -> float:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    scratch_copy(dest, target, worktree)
    # CLI tests start `python -m credwallet`: make those subprocesses import the mutants too.
    # The directory must exist before Python starts, or the import system caches it as absent
    # and the editable install's original source is imported instead (no mutant ever runs).
    (dest / "mutants" / "src").mkdir(parents=True)
    env.pop("CI", None)  # the local run may skip what is missing; the score says what ran
    mutmut = Path(sys.executable).with_name("mutmut")
    start = time.monotonic()
    log = dest / "mutmut.log"
    with log.open("wb") as out:
        proc = subprocess.run(["nice", "-n", "19", str(mutmut), "run", "--max-children", str(max_children)],
                              cwd=dest, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"mutmut failed on {target} (exit {proc.returncode}); see {log}")
    return seconds


def _collect(name: str, dest: Path, target: str, env: dict[str, str], seconds: float) -> Result:
    dump = subprocess.run([sys.executable, "-c", DUMP.replace("PATH", repr(target))], cwd=dest, env=env,
                          capture_output=True, text=True, check=True)
    data: dict[str, list[str]] = json.loads(dump.stdout)
    source = (dest / target).read_text(encoding="utf-8")
    msg = message_lines(source)
    result = Result(name, seconds)
    for key, (status, diff) in data.items():
        result.statuses[key] = status
        result.diffs[key] = diff
        if is_message_only(diff, source.splitlines(), msg):
            result.message_only.add(key)
    return result


def pct(killed: int, total: int) -> str:
    return f"{100 * killed / total:5.1f}% ({killed}/{total})" if total else "  n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help=f"any of {', '.join(FILES)} (default: all)")
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a temporary one)")
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (default 1)")
    parser.add_argument("--survivors", action="store_true", help="print surviving non-message mutants")
    parser.add_argument("--worktree", action="store_true",
                        help="mutate the work tree as it is (default: the last commit)")
    parser.add_argument("--reuse", action="store_true",
                        help="re-score a finished run in --workdir instead of mutating again")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    names = args.files or list(FILES)
    if set(names) - set(FILES):
        parser.error(f"unknown file(s) {sorted(set(names) - set(FILES))}; choose from {FILES}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="credwallet-mutation-"))
    results: list[Result] = []
    for name in names:
        print(f"mutating {VERIFY}/{name}.py ...", flush=True)
        res = run_file(name, work, args.max_children, args.worktree, args.reuse)
        results.append(res)
        print(f"  {len(res.statuses)} mutants in {res.seconds / 60:.1f} min", flush=True)
        if args.survivors:
            for key, status in sorted(res.statuses.items()):
                if status not in KILLED and key not in res.message_only:
                    print(f"# {key}: {status}\n{res.diffs[key]}\n")
    print(f"\n{'file':16} {'all mutants':>22} {'without message-only':>24} {'minutes':>8}")
    tot = [0, 0, 0, 0]
    for r in results:
        a, b = r.score(False), r.score(True)
        tot = [tot[0] + a[0], tot[1] + a[1], tot[2] + b[0], tot[3] + b[1]]
        print(f"{r.name + '.py':16} {pct(*a):>22} {pct(*b):>24} {r.seconds / 60:8.1f}")
    print(f"{'total':16} {pct(tot[0], tot[1]):>22} {pct(tot[2], tot[3]):>24} "
          f"{sum(r.seconds for r in results) / 60:8.1f}")
    if args.json:
        args.json.write_text(json.dumps({r.name: {
            "seconds": round(r.seconds), "statuses": r.statuses, "message_only": sorted(r.message_only),
        } for r in results}, indent=1), encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
