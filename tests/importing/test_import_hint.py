"""A failed import source carries its error's hint (JSON `items[].hint`, and under the error in
human output): the one place that tells the user how to get past a refusal."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli

# TEST-NET-1 (RFC 5737) over plain http: refused before any connection is attempted.
PLAIN_HTTP = "http://192.0.2.1/badge.json"


def test_refusal_hint_in_json_and_human_output(wallet_home: Path, cw: Cli) -> None:
    res = cw("import", PLAIN_HTTP, "--json")
    assert res.code != 0
    [item] = res.json()["items"]
    assert item["status"] == "failed"
    assert "plain http" in item["error"]
    assert item["hint"] and "--insecure-http" in item["hint"]

    human = cw("import", PLAIN_HTTP)
    assert "hint: " in human.stdout and "--insecure-http" in human.stdout


def test_no_hint_is_null(wallet_home: Path, cw: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"a": 1}')
    [item] = cw("import", str(junk), "--json").json()["items"]
    assert item["status"] == "failed" and item["hint"] is None
