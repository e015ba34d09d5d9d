"""The suite's own rules hold however it is run: under CI=true a skipped `interop` or `browser`
test is a failure, in one process and across pytest-xdist workers (the suite runs with `-n auto`,
and the report a worker sends back is the one the hook in tests/conftest.py rewrote)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import INTEROP_STACK, REPO, chromium_path

PROBES = '''
import pytest


@pytest.mark.interop
def test_skips_in_its_body():
    pytest.skip("the reference stack said no")


@pytest.fixture
def tool():
    pytest.skip("no tool here")


@pytest.mark.browser
def test_skips_in_a_fixture(tool):
    pass


def test_unmarked_skip_stays_a_skip():
    pytest.skip("environmental")
'''


def _run(tmp_path: Path, *, ci: bool, workers: str) -> dict[str, str]:
    """Run the probes with a copy of tests/conftest.py -> {test name: passed|failed|skipped}."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    interop: x\n    browser: x\n")
    tests = tmp_path / "tests"
    (tests / "interop").mkdir(parents=True)
    (tests / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text("utf-8"))
    if INTEROP_STACK.is_dir():  # so the conftest's own "is the tool there?" check passes
        (tests / "interop" / "node_modules").symlink_to(REPO / "tests" / "interop" / "node_modules")
    (tests / "test_probes.py").write_text(PROBES)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci:
        env["CI"] = "true"
    report = tmp_path / "report.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", workers,
                           f"--junitxml={report}", "tests"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    outcomes: dict[str, str] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if kinds else "passed"
        # A phase that failed after a passing call adds a second entry: the worst one counts.
        if outcomes.get(case.get("name", "")) != "failed":
            outcomes[case.get("name", "")] = outcome
        text = " ".join(child.get("message", "") + (child.text or "") for child in case)
        if outcome == "failed" and "hides a regression" in text:
            outcomes[case.get("name", "") + ":hook"] = "yes"
    return outcomes


# "-n 1" is enough for the xdist path: the report crosses from a worker process either way.
@pytest.mark.parametrize("workers", ["0", "1"])
def test_a_skipped_interop_or_browser_test_fails_under_ci(tmp_path: Path, workers: str) -> None:
    outcomes = _run(tmp_path, ci=True, workers=workers)
    assert outcomes["test_skips_in_its_body"] == "failed", outcomes
    assert outcomes["test_skips_in_a_fixture"] == "failed", outcomes
    assert outcomes["test_unmarked_skip_stays_a_skip"] == "skipped", outcomes
    if INTEROP_STACK.is_dir() and shutil.which("node") and chromium_path():
        # The tools are there, so it is the report hook, not the setup check, that failed them.
        assert outcomes.get("test_skips_in_its_body:hook") == "yes", outcomes
        assert outcomes.get("test_skips_in_a_fixture:hook") == "yes", outcomes


def test_the_same_skips_are_skips_elsewhere(tmp_path: Path) -> None:
    outcomes = _run(tmp_path, ci=False, workers="0")
    assert set(outcomes.values()) == {"skipped"} and len(outcomes) == 3, outcomes
