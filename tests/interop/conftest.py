"""Interop tests need node and the pinned reference stack (tests/interop/setup.sh).

Without them a developer's run skips these tests; under CI=true it fails (tests/conftest.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import missing_dependency

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "reference.mjs"


# One package of each independent implementation the tests call (see setup.sh).
PACKAGES = ("@digitalbazaar/vc", "@digitalbazaar/ed25519-signature-2018",
            "@digitalbazaar/ecdsa-sd-2023-cryptosuite", "@transmute/json-web-signature", "jose",
            "@sd-jwt/sd-jwt-vc")


def node_available() -> bool:
    return shutil.which("node") is not None and all(
        (HERE / "node_modules" / pkg).is_dir() for pkg in PACKAGES)


def reference(*args: str, timeout: float = 120) -> Any:
    """Run the Digital Bazaar reference script; returns its JSON output."""
    proc = subprocess.run(["node", str(SCRIPT), *args], capture_output=True, timeout=timeout,
                          cwd=HERE)
    if proc.returncode != 0:
        raise AssertionError(f"reference.mjs {args[0]} failed: {proc.stderr.decode()[-2000:]}")
    return json.loads(proc.stdout)


@pytest.fixture(autouse=True)
def _need_node() -> None:
    if not node_available():
        missing_dependency("node or tests/interop/node_modules missing (run tests/interop/setup.sh)")
