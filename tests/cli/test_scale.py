"""Everyday commands at any wallet size, and output that survives pipes and narrow terminals
(issue 15): `list` streams long lists, `verify --all` and `import` verify each credential once,
and no URL or command is broken across lines at 60 columns or in a pipe.

Speed itself is measured in benchmarks/scale_bench.py, never here.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credwallet.models.entry import StoredCredential
from credwallet.wallet.holder import new_wallet
from credwallet.wallet.store import WalletStore
from tests.conftest import PASSPHRASE, REPO, Cli

DATA = REPO / "tests" / "data"
EXAMPLE = REPO / "examples" / "pathways" / "data-analytics-certificate.toml"
NARROW = {"COLUMNS": "60"}


def _count_verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every document the verifier checks (a container's contents included), by format."""
    from credwallet.verify import engine

    seen: list[str] = []
    real = engine._verify

    def counting(rec: Any, env: Any, format_hint: str | None = None) -> Any:
        seen.append(rec.format)
        return real(rec, env, format_hint)

    monkeypatch.setattr(engine, "_verify", counting)
    return seen


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "checked_at"}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_verify_all_verifies_a_clrs_contents_once(wallet_home: Path, cw: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    imported = cw("import", str(DATA / "clr-simple.json"), "--keep-invalid", "--json")
    children = imported.json()["items"][0]["children"]
    assert children, imported
    seen = _count_verifications(monkeypatch)
    res = cw("verify", "--all", "--json")
    assert res.code == 1, res
    # The CLR and each course inside it, once each (it was 1 + 2n: the courses twice).
    assert len(seen) == 1 + len(children), seen
    by_id = {r["id"]: r for r in res.json()["results"]}
    clr = next(r for r in res.json()["results"] if r["id"] not in children)
    assert {n["extra"]["wallet_id"] for n in clr["nested"]} == set(children)
    # Each course's own result is what verifying it alone gives.
    for child in children:
        alone = cw("verify", child, "--json").json()["results"][0]
        assert _without_times(by_id[child]) == _without_times(alone)


def test_import_verifies_each_file_once(wallet_home: Path, cw: Cli, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials that need nothing fetched: the fetch probe's verification is the one kept.
    (One that needs material the network did not give is verified again against the wallet's
    cache, which may hold it.)"""
    sample = DATA / "w3c-signedDataInt.json"
    other = tmp_path / "other.json"
    other.write_text(sample.read_text().replace("Alumni Credential", "Other Credential"))
    files = [sample, other]
    seen = _count_verifications(monkeypatch)
    res = cw("import", *map(str, files), "--keep-invalid", "--json")
    assert res.code in (0, 1), res
    assert len(seen) == len(files), seen
    stored = {r["id"]: r for r in cw("verify", "--all", "--json").json()["results"]}
    for item in res.json()["items"]:  # what import kept is what a fresh verification says
        assert _without_times(item["verification"]) == _without_times(stored[item["id"]])


def _big_wallet(home: Path, n: int) -> None:
    sample = (DATA / "w3c-signedDataInt.json").read_text()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wallet = new_wallet(now)
    for i in range(n):
        wallet.credentials.append(StoredCredential(
            id=f"{i:04x}{i:012x}", format="vc-ldp", raw=sample.replace("Alumni", f"Alumni {i}"),
            source=f"c{i}.json", imported_at=now,
            name=f"Alumni Credential {i}" + (" " + "x" * 80 if i == 0 else ""),
            issuer_id="https://vc.example/issuers/5678", issued="2023-01-01T00:00:00Z",
            tags=["t"] if i % 2 else []))
    WalletStore(home / "wallet.cwlt").create(PASSPHRASE, wallet)


@pytest.mark.parametrize("columns", ["120", "60"])
def test_a_long_list_is_streamed_one_line_per_credential(isolated_home: Path, cw: Cli,
                                                         columns: str) -> None:
    _big_wallet(isolated_home, 250)
    res = cw("list", env={"COLUMNS": columns})
    assert res.code == 0, res
    lines = res.stdout.splitlines()
    assert lines[0] == "250 credential(s)"
    assert len(lines) == 2 + 250, "a title, a header, then one line per credential"
    assert all(len(line) <= int(columns) for line in lines[1:]), "data is cut, not wrapped"
    assert not re.search("[┏┃━│─]", res.stdout), "no table for hundreds of rows"
    ids = [line.split()[0] for line in lines[2:]]
    width = 12 if columns == "120" else 8
    assert ids == [f"{i:04x}{i:012x}"[:width] for i in range(250)]
    assert "…" in lines[2] and "[tags: t]" in lines[3]
    # The words of the verdict (never checked) reach the line whole.
    assert ("never checked" if columns == "120" else "unverified") in lines[2]
    # Filters still say how many the wallet holds.
    assert cw("list", "--tag", "t", env={"COLUMNS": columns}).stdout.startswith(
        "125 credential(s) of 250")


def test_a_short_list_is_still_a_table(isolated_home: Path, cw: Cli) -> None:
    _big_wallet(isolated_home, 3)
    assert "credential(s)" in cw("list", env={"COLUMNS": "120"}).stdout
    assert re.search("[┏┃━│─]", cw("list", env={"COLUMNS": "120"}).stdout)


def test_urls_and_commands_are_not_broken_when_piped_at_60_columns(wallet_home: Path,
                                                                   cw: Cli) -> None:
    hint = cw("progress", env=NARROW).stdout
    assert "Add one with `credwallet pathway add FILE` (examples in examples/pathways/)." in hint
    assert "`credwallet import SOURCE`" in cw("list", env=NARROW).stdout
    assert cw("pathway", "add", str(EXAMPLE), "--json").code == 0
    out = cw("progress", env=NARROW).stdout
    urls = re.findall(r'criteria_url = "([^"]+)"', EXAMPLE.read_text())
    assert urls and all(len(u) > 60 for u in urls[:1])
    lines = out.splitlines()
    for url in urls:
        assert any(url in line for line in lines), f"{url} broken across lines:\n{out}"
    cw("import", str(DATA / "w3c-signedDataInt.json"), "--keep-invalid")
    ident = "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"
    shown = cw("show", "0867", env=NARROW).stdout
    assert any(ident in line for line in shown.splitlines()), shown
    listed = json.loads(cw("list", "--json").stdout)["credentials"]
    assert listed[0]["id"].startswith("0867")


def test_list_json_rows_are_already_in_output_form(isolated_home: Path, cw: Cli) -> None:
    """`list --json` skips the emitter's json_ready pass: its rows must need none."""
    from credwallet.cli.common import json_ready
    from credwallet.cli.list_cmd import row

    _big_wallet(isolated_home, 3)
    cw("verify", "--all", "--json")
    wallet = WalletStore(isolated_home / "wallet.cwlt").load(PASSPHRASE)
    rows = [row(r) for r in wallet.rows()]
    assert all(r["last_verified_at"] for r in rows)
    assert json_ready(rows) == rows
    printed = cw("list", "--json").json()
    assert printed["credentials"] == json_ready(rows)
    assert list(printed) == ["schema", "ok", "credentials"]


@pytest.mark.parametrize("columns", ["60", "120"])
def test_a_long_issuer_url_in_the_list_table_is_cut_not_broken(isolated_home: Path, cw: Cli,
                                                               columns: str) -> None:
    url = "https://issuer.example.org/a/very/long/issuer/identifier/that/keeps/going/on"
    sample = (DATA / "w3c-signedDataInt.json").read_text()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wallet = new_wallet(now)
    wallet.credentials.append(StoredCredential(
        id="00aa00aa00aa00aa", format="vc-ldp", raw=sample, source="a.json", imported_at=now,
        name="A credential", issuer_id=url))
    WalletStore(isolated_home / "wallet.cwlt").create(PASSPHRASE, wallet)
    out = cw("list", env={"COLUMNS": columns}).stdout
    parts = [line for line in out.splitlines() if "issuer.example" in line or "going" in line]
    assert len(parts) == 1 and "https://issuer.example.org/" in parts[0], out
    assert url in parts[0] or "…" in parts[0]  # whole when there is room, else cut
    if columns == "60":
        assert "…" in parts[0]
    assert cw("list", "--json").json()["credentials"][0]["issuer"] == url  # all of it there


def test_a_long_list_on_a_terminal_goes_through_the_pager(isolated_home: Path) -> None:
    from tests.cli.test_friction_passphrase import on_pty
    from tests.wallet.test_passphrase_strength import tty_env

    _big_wallet(isolated_home, 250)
    env = tty_env(CREDWALLET_HOME=str(isolated_home), CREDWALLET_PASSPHRASE=PASSPHRASE,
                  PAGER="sed s/^/PAGED:/", COLUMNS="120")
    code, shown = on_pty(["list"], [], env)
    assert code == 0, shown
    paged = [line for line in shown.splitlines() if line.startswith("PAGED:")]
    assert paged[0] == "PAGED:250 credential(s)" and len(paged) == 2 + 250, shown[-500:]
