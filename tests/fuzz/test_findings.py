"""Crashes the fuzzing harness found (tests/fuzz/harness.py), each a strict xfail until fixed.

Each entry is a reproducer under tests/fuzz/corpus/<target>/ and a one-line description. When a
fix lands the test passes unexpectedly: remove the entry (the corpus file stays and is replayed
by test_harness.py as a regression test).
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.fuzz.harness import CORPUS, TARGETS, check

# "target/file" under tests/fuzz/corpus/ -> what goes wrong.
KNOWN: dict[str, str] = {
    "artifact/zip-version-not-implemented.zip":
        "verify --file: a zip entry needing an unsupported zip version raises NotImplementedError "
        "from ZipFile() (artifact._bundle catches it only around archive.read)",
    "artifact/zip-deflate-corrupt.zip":
        "verify --file: corrupt deflate data in a bundle entry raises zlib.error from archive.read",
    "artifact/zip-truncated-deflate.zip":
        "verify --file: a truncated deflate stream in a bundle entry raises EOFError from archive.read",
}


@pytest.mark.parametrize("rel", [pytest.param(r, id=r, marks=pytest.mark.xfail(strict=True, reason=why))
                                 for r, why in KNOWN.items()])
def test_finding(rel: str) -> None:
    name = rel.split("/", 1)[0]
    target = TARGETS[name]
    finding = check(target, target.replay(CORPUS / rel))
    assert finding is None, finding.summary


def test_findings_have_reproducers() -> None:
    for rel in KNOWN:
        assert (CORPUS / rel).is_file(), rel
        assert rel.split("/", 1)[0] in TARGETS, rel


@cache
def known_signatures() -> frozenset[str]:
    """Crash signatures of the KNOWN reproducers: the short fuzz run in test_harness.py passes over
    them (they are reported here) and fails on anything else."""
    out = set()
    for rel in KNOWN:
        target = TARGETS[rel.split("/", 1)[0]]
        finding = check(target, target.replay(CORPUS / rel))
        if finding is not None:
            out.add(finding.signature)
    return frozenset(out)
