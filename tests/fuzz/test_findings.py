"""Crashes the fuzzing harness found (tests/fuzz/harness.py), each a strict xfail until fixed.

Each entry is a reproducer under tests/fuzz/corpus/<target>/ and a one-line description. When a
fix lands the test passes unexpectedly: remove the entry (the corpus file stays and is replayed
by test_harness.py as a regression test).
"""

from __future__ import annotations

from functools import cache

from tests.fuzz.harness import CORPUS, TARGETS, check

# "target/file" under tests/fuzz/corpus/ -> what goes wrong. Fixed and removed from here (their
# corpus files stay): artifact/zip-version-not-implemented.zip, zip-deflate-corrupt.zip and
# zip-truncated-deflate.zip (zipfile errors escaping artifact._bundle, fixed in 0033d46).
# Also fixed: fetch/source-url-lone-surrogate.json (a URL with an undecodable byte crashed httpx;
# fetch/guard.split now refuses it).
KNOWN: dict[str, str] = {}


def test_known_findings_still_reproduce() -> None:
    """Each listed finding still fails its invariant (else: fixed, remove it from KNOWN)."""
    for rel, why in KNOWN.items():
        target = TARGETS[rel.split("/", 1)[0]]
        assert check(target, target.replay(CORPUS / rel)) is not None, f"fixed? {rel}: {why}"


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
