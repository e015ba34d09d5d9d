"""Output into a pipe keeps each line whole, whatever COLUMNS says: a script (grep, cut, a log)
sees one line per item, not prose folded at 80 or 60 columns."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_a_long_failure_line_is_one_line_in_a_pipe(wallet_home: Path, tmp_path: Path) -> None:
    junk = tmp_path / ("a-rather-long-directory-name-for-a-credential-file" * 2) / "junk.json"
    junk.parent.mkdir()
    junk.write_text('{"a": 1}')
    res = run_cli("import", str(junk), env={"COLUMNS": "60"})
    failed = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(failed) == 1, res.stdout
    assert failed[0].startswith("failed") and str(junk) in failed[0]
    assert failed[0].endswith("Assertion type)"), failed[0]
