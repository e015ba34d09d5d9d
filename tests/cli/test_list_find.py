"""list filters, --sort, --limit, --plain and tags; tag add/remove; re-import with --tag;
verify --all summary (#15). Through the real CLI, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.invariant import run_inproc

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def wallet(isolated_home: Path) -> dict[str, str]:
    assert run_inproc("init", "--allow-weak-passphrase").code == 0
    res = run_inproc("import", str(DATA / "clr-simple.json"), str(DATA / "ob30-simple.json"),
                     str(DATA / "w3c-signedDataInt.json"), "--keep-invalid", "--json")
    items = json.loads(res.stdout)["items"]
    return {"clr": items[0]["id"], "child": items[0]["children"][0], "ob3": items[1]["id"],
            "vc": items[2]["id"]}


def _rows(*args: str) -> list[dict[str, object]]:
    res = run_inproc("list", *args, "--json")
    assert res.code == 0, res
    rows: list[dict[str, object]] = json.loads(res.stdout)["credentials"]
    return rows


def test_filters_sort_limit(wallet: dict[str, str]) -> None:
    assert {r["id"] for r in _rows("--issuer", "example corp")} == {wallet["child"], wallet["ob3"]}
    assert [r["id"] for r in _rows("--search", "ALUMNI")] == [wallet["vc"]]
    assert _rows("--status", "verified") == []
    assert len(_rows("--status", "failed")) == 4
    names = [r["name"] for r in _rows("--sort", "name")]
    assert names == sorted(names, key=lambda n: str(n).casefold())
    assert len(_rows("--limit", "2")) == 2
    assert run_inproc("list", "--status", "bogus").code == 2
    assert run_inproc("list", "--plain", "--json").code == 2


def test_tags_add_remove_reimport(wallet: dict[str, str]) -> None:
    res = run_inproc("tag", wallet["ob3"][:6], "add", "Job", "job", "python", "--json")
    doc = json.loads(res.stdout)
    assert res.code == 0 and doc["added"] == ["Job", "python"] and doc["tags"] == ["Job", "python"]
    assert [r["id"] for r in _rows("--tag", "JOB")] == [wallet["ob3"]]
    res = run_inproc("tag", wallet["ob3"], "remove", "PYTHON", "absent", "--json")
    doc = json.loads(res.stdout)
    assert doc["removed"] == ["python"] and doc["absent"] == ["absent"] and doc["tags"] == ["Job"]
    assert run_inproc("tag", "ffffffffffff", "add", "x").code == 6
    assert run_inproc("tag", wallet["ob3"], "add", "bad\x1b[2J").code == 2
    assert run_inproc("tag", wallet["ob3"], "add").code == 2
    # Re-importing a held credential with --tag tags it.
    res = run_inproc("import", str(DATA / "w3c-signedDataInt.json"), "--keep-invalid",
                     "--tag", "alumni", "--json")
    assert json.loads(res.stdout)["items"][0]["status"] == "duplicate"
    assert [r["tags"] for r in _rows("--tag", "alumni")] == [["alumni"]]


def test_plain_output_is_tab_separated(wallet: dict[str, str]) -> None:
    run_inproc("tag", wallet["vc"], "add", "a\tb", "c")
    res = run_inproc("list", "--plain", env={"COLUMNS": "60"})
    lines = res.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "name", "issuer", "format", "issued", "expires",
                                    "status", "tags"]
    assert len(lines) == 5 and all(len(line.split("\t")) == 8 for line in lines)
    assert "\x1b" not in res.stdout and "┃" not in res.stdout


def test_list_narrow_terminal_shows_tags(wallet: dict[str, str]) -> None:
    run_inproc("tag", wallet["vc"], "add", "alumni")
    res = run_inproc("list", env={"COLUMNS": "60"})
    assert res.code == 0
    assert all(len(line) <= 60 for line in res.stdout.splitlines())
    assert "tags: alumni" in res.stdout and "Alumni Credential" in res.stdout


@pytest.mark.parametrize("columns", ["60", "200"])
def test_verify_all_one_line_each(wallet: dict[str, str], columns: str) -> None:
    res = run_inproc("verify", "--all", env={"COLUMNS": columns})
    assert res.code == 1
    lines = res.stdout.splitlines()
    heads = [ln for ln in lines if "VERIFIED" in ln]
    assert len(heads) == 4  # the CLR's course once, inside it
    child = [ln for ln in heads if wallet["child"][:12] in ln]
    assert len(child) == 1 and child[0].startswith("  └ ") and "Teamwork Badge" in child[0]
    assert lines[-1] == "4 credential(s): 0 verified, 4 not verified"
    assert any("key_binding failed:" in ln for ln in lines)
    assert not any(" passed:" in ln for ln in lines)  # details only for failures
    verbose = run_inproc("verify", "--all", "--verbose").stdout
    assert " passed:" in verbose
    doc = json.loads(run_inproc("verify", "--all", "--json").stdout)
    assert [r["id"] for r in doc["results"]] == [wallet["clr"], wallet["child"], wallet["ob3"],
                                                 wallet["vc"]]
    assert doc["results"][0]["nested"][0]["extra"]["wallet_id"] == wallet["child"]
