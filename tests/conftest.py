"""Test isolation: every test gets its own wallet home, a cheap (test-only) KDF and no real HOME.

Also: under CI (CI=true) hypothesis runs the fixed "ci" profile, and tests that need an external
tool (marked `interop`: node + the reference stack; `browser`: chromium) fail instead of skipping
when it is missing: those are the only checks against an independent implementation.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"
IN_CI = os.environ.get("CI") == "true"

# CI: the same examples on every run (a red run can be replayed), no flaky per-example deadline
# on a shared box, and the failing example's blob printed for `@reproduce_failure`.
settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None, print_blob=True,
                          database=None)
if IN_CI:
    settings.load_profile("ci")

INTEROP_STACK = REPO / "tests" / "interop" / "node_modules" / "@digitalbazaar" / "vc"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_dependency(reason: str) -> NoReturn:
    """Skip on a developer machine without the tool; under CI=true the same gap fails the test."""
    if IN_CI:
        pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    """A shell starts a background job with SIGINT ignored, and an ignored signal stays ignored
    in every child: the tests that press Ctrl-C in a real process would then see it do nothing.
    Python's own handler here (and in each xdist worker) gives children the default again."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is not None and chromium_path() is None:
        missing_dependency("chromium is not installed (.ci/run installs the Debian package)")
    if item.get_closest_marker("interop") is not None and (
            shutil.which("node") is None or not INTEROP_STACK.is_dir()):
        missing_dependency("node or tests/interop/node_modules missing (run tests/interop/setup.sh)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Under CI, an interop or browser test that skips for any reason at all is a failure."""
    outcome = yield
    report = outcome.get_result()
    marked = item.get_closest_marker("interop") or item.get_closest_marker("browser")
    if IN_CI and marked and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which hides a regression: {report.longrepr}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cw-home"
    monkeypatch.setenv("CREDWALLET_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-home" / ".local" / "share"))
    monkeypatch.setenv("CREDWALLET_INSECURE_TEST_KDF", "1")
    monkeypatch.setenv("CREDWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("CREDWALLET_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # Imports fetch linked documents: outside loopback, refuse without even a DNS lookup.
    monkeypatch.setenv("CREDWALLET_OFFLINE", "1")
    yield home


class CliResult:
    """What one CLI call printed: exit code, stdout and stderr as text (`cw` and `run_cli`)."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}>"


InProcOut = CliResult  # the older name of the same thing


def run_cli(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> CliResult:
    """Run the real entry point (`python -m credwallet`) in a subprocess. Only for what needs a
    process of its own: the entry point itself, signals, a kill, a terminal, the umask,
    concurrent processes. Everything else goes through `run_inproc` (the `cw` fixture)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "credwallet", *args], input=input,
                          capture_output=True, env=full_env, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                     proc.stderr.decode("utf-8", "replace"))


def run_inproc(*args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> CliResult:
    """The real command tree in this process: `credwallet.cli.app.run`, the same app and error
    boundary as the entry point, without a Python start-up per call (about 0.5 s of CPU).

    As `run_cli` sees it: stdin is `input` (else empty, never a terminal), stdout and stderr are
    pipes with a binary buffer underneath (`export -o -` writes bytes), `env` is laid over the
    environment for this call only, and `sys.exit` inside becomes the exit code. An exception
    that escapes `run` is raised here (a subprocess would print a traceback and exit 1)."""
    from credwallet.cli.app import run

    saved_env = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})
    streams = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    ours = (io.TextIOWrapper(io.BytesIO(input or b""), encoding="utf-8"),
            io.TextIOWrapper(out, encoding="utf-8", write_through=True),
            io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True))
    sys.stdin, sys.stdout, sys.stderr = ours
    try:
        code = run(list(args))
    except SystemExit as exc:  # as the interpreter ends: a message goes to stderr, exit 1
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
        for wrapper in ours:
            wrapper.flush()
            wrapper.detach()  # else its collection would close the buffer it wraps
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return CliResult(code, out.getvalue().decode("utf-8", "replace"),
                     err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def cli() -> Any:
    return run_cli


Cli = Callable[..., CliResult]  # the type of the `cw` fixture


@pytest.fixture
def cw() -> Cli:
    """The real command tree in-process (see `run_inproc`); `run_cli` covers the entry point."""
    return run_inproc


@pytest.fixture
def wallet_home(isolated_home: Path) -> Path:
    """A home with an initialised wallet."""
    res = run_inproc("init", "--json")
    assert res.code == 0, res
    return isolated_home
