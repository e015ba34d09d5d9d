"""CLI tests through the real entry point.

`cli` runs `python -m credwallet` in a subprocess; `cw` calls the same entry function
(`credwallet.cli.app.run`) in-process, which is much faster for multi-step scenarios.
CREDWALLET_HOME points to a per-test temp dir (tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from catalog_creds import REPO, catalog, ob3_document

from credwallet.models import Check, StoredCredential, VerificationResult
from credwallet.paths import wallet_path
from credwallet.wallet.store import WalletStore

EXAMPLES = REPO / "examples" / "pathways"
DATA = Path(__file__).parent / "data"
PASSPHRASE = "correct horse battery staple"  # tests/conftest.py sets it in the environment
AT = "2026-11-28T00:00:00Z"


def _stored(raw: str, fmt: str, verification: VerificationResult | None) -> StoredCredential:
    return StoredCredential(
        id=hashlib.sha256(raw.encode()).hexdigest()[:16], format=fmt, raw=raw, source="test",
        imported_at=datetime(2026, 11, 1, tzinfo=UTC), verification=verification)


def _verification(status: str) -> VerificationResult:
    checked = datetime(2026, 11, 1, tzinfo=UTC)
    # The seeded wallet trusts the catalog's issuers (shown by the checks; pathways match by id).
    checks = [Check(check="proof", status="passed"),
              Check(check="issuer_trust", status="passed", detail="on your trust list (test seed)")]
    if status == "revoked":
        checks.append(Check(check="revocation", status="failed",
                            detail="revoked: bit 5 is set in the status list"))
    return VerificationResult.from_checks(checks, checked_at=checked)


def seed(home: Path, extra: list[StoredCredential] | None = None) -> dict[str, str]:
    """Put the catalog learner's credentials (unsigned, with stored verification results)."""
    cat = catalog()
    creds = []
    names = {}
    for h in cat["learners"][0]["holds"]:
        raw = json.dumps(ob3_document(cat, h))
        c = _stored(raw, "ob3-ldp", _verification(h["status"]))
        creds.append(c)
        names[h["achievement"]] = c.id
    with WalletStore(wallet_path(home)).transaction(PASSPHRASE) as w:
        w.credentials.extend(creds + (extra or []))
    return names


class _InProc:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.stdout, self.stderr = code, out, err

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}>"


@pytest.fixture
def cw() -> Any:
    import contextlib
    import io

    from credwallet.cli.app import run

    def call(*args: str) -> _InProc:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
        return _InProc(code, out.getvalue(), err.getvalue())

    return call


@pytest.fixture
def seeded(wallet_home: Path) -> dict[str, str]:
    return seed(wallet_home)


def add_examples(cli: Any) -> None:
    for f in ("data-analytics-certificate.toml", "it-support-specialist.ctdl.jsonld",
              "aas-information-technology.yaml"):
        res = cli("pathway", "add", str(EXAMPLES / f), "--json")
        assert res.code == 0, res
        assert res.json()["schema"] == "credwallet.pathway.add/1" and res.json()["ok"] is True


def test_check_reports_file_and_field(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[requirements]]\ntype = "at_least"\ncount = -1\n'
                   'of = [{tag = "a", colour = "red"}]\n')
    res = cli("pathway", "check", str(bad), "--json")
    assert res.code == 3, res
    err = res.json()["error"]
    assert err["kind"] == "bad_pathway"
    assert "bad.toml" in err["message"]
    assert "requirements[0].count" in err["message"]
    assert "requirements[0].of[0].colour: unknown field" in err["message"]
    human = cli("pathway", "check", str(bad))
    assert human.code == 3 and "bad.toml" in human.stderr


def test_check_needs_no_wallet(cw: Any) -> None:
    res = cw("pathway", "check", str(EXAMPLES / "data-analytics-certificate.toml"), "--json")
    assert res.code == 0, res
    assert res.json()["pathway"]["name"] == "data-analytics-certificate"


def test_add_list_show_progress_remove(cw: Any, cli: Any, seeded: dict[str, str]) -> None:
    add_examples(cw)
    listed = cw("pathway", "list", "--json").json()["pathways"]
    assert [p["name"] for p in listed] == ["data-analytics-certificate",
                                           "it-support-specialist-pathway",
                                           "aas-information-technology"]
    assert listed[2]["stacks"] == ["data-analytics-certificate"]
    shown = cw("pathway", "show", "aas-information-technology", "--json")
    assert shown.code == 0 and shown.json()["pathway"]["requirements"][1]["type"] == "credits"

    res = cw("progress", "--at", AT, "--json")
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.progress/1" and doc["ok"] is True
    got = {p["name"]: p for p in doc["pathways"]}
    for expected in catalog()["pathways"]:
        p = got[expected["name"]]
        exp = expected["expected"]
        assert (p["complete"], p["satisfied"], p["required"]) == (
            exp["complete"], exp["satisfied"], exp["required"]), p["name"]
        if "credits" in exp:
            assert p["credits"] == exp["credits"]
    cert = got["data-analytics-certificate"]
    electives = cert["requirements"][1]
    spreadsheet = next(n for n in electives["requirements"] if n["id"] == "spreadsheets")
    assert spreadsheet["satisfied"] is False and spreadsheet["matched_by"] == []
    assert spreadsheet["not_counted"][0]["status"] == "revoked"
    ml = next(n for n in electives["requirements"] if n["id"] == "machine-learning")
    assert ml["not_counted"][0]["status"] == "expired"
    assert cert["requirements"][0]["requirements"][0]["matched_by"] == [
        seeded["python-foundations"]]

    one = cw("progress", "data-analytics-certificate", "--at", AT, "--json").json()
    assert [p["name"] for p in one["pathways"]] == ["data-analytics-certificate"]

    human = cli("progress", "--at", AT)  # the real `python -m credwallet` once
    assert human.code == 0, human
    assert "Next steps" in human.stdout and "does not count" in human.stdout
    assert "https://lakeshore.example.edu/achievements/it-290/criteria" in human.stdout

    rm = cw("pathway", "remove", "data-analytics-certificate", "--json")
    assert rm.code == 0 and rm.json()["stacked_by"] == ["aas-information-technology"]
    after = cw("progress", "aas-information-technology", "--at", AT, "--json").json()
    assert "unknown pathway" in after["pathways"][0]["problems"][0]


def test_unknown_names_exit_6(cw: Any, seeded: dict[str, str]) -> None:
    for args in (("progress", "nope"), ("pathway", "show", "nope"),
                 ("pathway", "remove", "nope")):
        res = cw(*args, "--json")
        assert res.code == 6, res
        assert res.json()["error"]["kind"] == "not_found"


def test_duplicate_replace_and_cycles(cw: Any, seeded: dict[str, str], tmp_path: Path) -> None:
    f = EXAMPLES / "data-analytics-certificate.toml"
    assert cw("pathway", "add", str(f), "--json").code == 0
    assert cw("pathway", "add", str(f), "--json").code == 2
    assert cw("pathway", "add", str(f), "--replace", "--json").json()["replaced"] is True
    a = tmp_path / "a.yaml"
    a.write_text("name: a\nrequirements:\n  - pathway: b\n")
    b = tmp_path / "b.yaml"
    b.write_text("name: b\nrequirements:\n  - pathway: a\n")
    first = cw("pathway", "add", str(a), "--json")
    assert first.code == 0 and "not in the wallet yet" in first.json()["warnings"][0]
    res = cw("pathway", "add", str(b), "--json")
    assert res.code == 3, res
    assert "cycle" in res.json()["error"]["message"]
    assert "b -> a -> b" in res.json()["error"]["message"]


def test_from_clr(cw: Any, wallet_home: Path) -> None:
    raw = (DATA / "clr-spec-example.json").read_text("utf-8")
    clr = _stored(raw, "clr-ldp", _verification("valid"))
    seed(wallet_home, [clr])
    res = cw("pathway", "add", "--from-clr", clr.id[:10], "--json")
    assert res.code == 0, res
    name = res.json()["pathway"]["name"]
    assert res.json()["pathway"]["origin"]["kind"] == "clr"
    shown = cw("pathway", "show", name, "--json").json()["pathway"]
    leaf = shown["requirements"][0]["of"][0]
    assert leaf["achievement_id"] == "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002"
    not_clr = cw("pathway", "add", "--from-clr", "zzzz", "--json")
    assert not_clr.code == 6


def test_add_needs_exactly_one_source(cw: Any, seeded: dict[str, str]) -> None:
    assert cw("pathway", "add", "--json").code == 2


@pytest.fixture
def served() -> Any:
    """A loopback HTTP server serving the example pathways (and a 404)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(EXAMPLES))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_add_from_url(cli: Any, seeded: dict[str, str], served: str) -> None:
    res = cli("pathway", "add", f"{served}/it-support-specialist.ctdl.jsonld", "--json")
    assert res.code == 0, res
    origin = res.json()["pathway"]["origin"]
    assert origin["kind"] == "ctdl" and origin["ref"].startswith(served)
    assert origin["ctid"] == "ce-5f0c2a9e-7b1d-4c3a-9e2f-1a2b3c4d5e01"
    missing = cli("pathway", "check", f"{served}/nope.toml", "--json")
    assert missing.code == 5, missing


def test_human_list_show_and_empty_progress(cw: Any, seeded: dict[str, str]) -> None:
    empty = cw("progress")
    assert empty.code == 0 and "No pathways yet" in empty.stdout
    assert cw("progress", "--json").json()["pathways"] == []
    add_examples(cw)
    listed = cw("pathway", "list")
    assert listed.code == 0 and "Northbridge" in listed.stdout
    shown = cw("pathway", "show", "data-analytics-certificate")
    assert shown.code == 0
    assert "Two electives (at least 2 of 4)" in shown.stdout
    assert "credentials issued within 5 years" in shown.stdout
    bad_at = cw("progress", "--at", "yesterday", "--json")
    assert bad_at.code == 2


def test_from_clr_on_a_badge_is_refused(cw: Any, seeded: dict[str, str]) -> None:
    res = cw("pathway", "add", "--from-clr", seeded["python-foundations"], "--json")
    assert res.code == 3, res
    assert "not a CLR" in res.json()["error"]["message"]
