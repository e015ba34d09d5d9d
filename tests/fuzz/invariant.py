"""The one invariant every parser must keep, checked the same way everywhere.

Any input gives a result or a clean CredwalletError whose exit code is in the contract,
never another exception, never a hang (a wall-clock alarm), never unbounded memory
(tracemalloc peak, for the tests that feed bombs).
"""

from __future__ import annotations

import os
import signal
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from credwallet.errors import CredwalletError
from tests.conftest import CliResult
from tests.conftest import run_inproc as run_inproc

# Exit codes docs/cli.md defines, minus 70 (internal error = a bug) and 0.
CLEAN_CODES = frozenset({1, 2, 3, 4, 5, 6, 130})

T = TypeVar("T")


class Hang(AssertionError):
    """A parser ran past its time budget."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the main thread after `seconds` (SIGALRM; pytest runs tests there)."""

    def _alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(fn: Callable[..., T], *args: Any, seconds: float = 10.0, **kwargs: Any) -> T | CredwalletError:
    """fn(*args) or the CredwalletError it raised; any other exception fails the test."""
    try:
        with time_limit(seconds):
            return fn(*args, **kwargs)
    except CredwalletError as exc:
        assert exc.exit_code in CLEAN_CODES, f"{type(exc).__name__} has exit code {exc.exit_code}"
        assert isinstance(exc.message, str) and exc.message, "error without a message"
        return exc
    except Hang as exc:
        # Re-raised bare: the interrupted stack may be thousands of frames deep.
        raise Hang(f"{fn.__qualname__}: {exc}") from None
    except BaseException as exc:  # the point of the invariant: nothing else may escape
        # Not chained: pytest cannot render a RecursionError's thousand-frame traceback.
        frames = traceback.extract_tb(exc.__traceback__)
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames[-1:-4:-1])
        raise AssertionError(f"{fn.__qualname__} raised {type(exc).__name__} at {where}: "
                             f"{str(exc)[:300]}") from None


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes Python allocated while running fn (allocations by C libraries that bypass
    the Python allocator are not counted; zlib and expat output buffers are Python objects)."""
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def finishes_in_subprocess(code: str, seconds: float) -> int | None:
    """Run `code` in a fresh interpreter: its exit code, or None when it is still running after
    `seconds` (then it is killed).

    For work that a signal cannot interrupt (a regular expression backtracking inside C).
    """
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for these tests: no per-example deadline (a loaded CI box is slow; the
    time_limit above catches real hangs), and CREDWALLET_FUZZ_SCALE=10 for a longer run."""
    scale = float(os.environ.get("CREDWALLET_FUZZ_SCALE", "1"))
    return settings(max_examples=max(1, int(examples * scale)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# The in-process runner of the real command tree lives in tests/conftest.py (the `cw` fixture);
# re-exported here for the fuzz tests that import it from this module.
InProcResult = CliResult
