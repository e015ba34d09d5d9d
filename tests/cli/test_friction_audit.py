"""Issue #15, friction items whose earlier tests left a gap: `list --status` for each verdict
word the issue names (verified, failed, expired, revoked) on real credentials from the loopback
issuer site, and `remove` of a CLR asking at a terminal, naming what it takes along."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_friction_passphrase import on_pty
from tests.conftest import PASSPHRASE, Cli
from tests.issuer_site import running_sites
from tests.wallet.test_passphrase_strength import tty_env

DATA = Path(__file__).resolve().parents[1] / "data"


def _ids(cw: Cli, *args: str) -> set[str]:
    res = cw("list", *args, "--json")
    assert res.code == 0, res
    return {row["id"] for row in res.json()["credentials"]}


def test_list_status_selects_each_verdict(cw: Cli, wallet_home: Path, tmp_path: Path) -> None:
    with running_sites(n_ob2=1, extras=False) as sites:
        expired = json.loads(sites.site.routes["/ob3/cred/1.json"].body)
        for key in ("proof", "credentialStatus"):
            expired.pop(key, None)
        expired.update(id="urn:uuid:0b3b3b3b-0000-4000-8000-0000000000e1", name="Expired badge",
                       validUntil="2025-06-01T00:00:00Z")
        expired_file = tmp_path / "expired.json"
        expired_file.write_text(json.dumps(sites.sign_ob3(expired)))
        res = cw("import", sites.ob3_good, sites.ob3_revoked, str(expired_file),
                 str(DATA / "w3c-signedDataInt.json"), "--keep-invalid", "--json")
    items = res.json()["items"]
    assert [i["status"] for i in items] == ["imported"] * 4, res
    good, revoked, old, unbound = (i["id"] for i in items)
    assert _ids(cw, "--status", "verified") == {good}
    assert _ids(cw, "--status", "revoked") == {revoked}
    assert _ids(cw, "--status", "expired") == {old}
    assert unbound in _ids(cw, "--status", "failed") and good not in _ids(cw, "--status", "failed")
    plain = cw("list", "--status", "revoked", "--plain").stdout.splitlines()
    assert len(plain) == 2 and plain[1].split("\t")[0] == revoked


def test_remove_of_a_clr_names_what_it_takes_along(cw: Cli, wallet_home: Path) -> None:
    res = cw("import", str(DATA / "clr-simple.json"), "--keep-invalid", "--json")
    item = res.json()["items"][0]
    clr, children = item["id"], item["children"]
    assert children, res
    env = tty_env(CREDWALLET_PASSPHRASE=PASSPHRASE, CREDWALLET_HOME=str(wallet_home))
    code, shown = on_pty(["remove", clr[:8]], [("[y/N]: ", "n")], env)
    assert code == 130, shown
    question = shown.split("[y/N]")[0]
    assert f"Remove {1 + len(children)} credential(s)" in question, shown
    assert _ids(cw) == {clr, *children}  # declined: nothing removed
    code, shown = on_pty(["remove", clr[:8]], [("[y/N]: ", "y")], env)
    assert code == 0, shown
    assert _ids(cw) == set()  # the courses went with their record
