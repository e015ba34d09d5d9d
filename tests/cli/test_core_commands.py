"""The foundation commands through the real command tree, in-process (`run_inproc`); the entry
point itself (`python -m credwallet`: the --version fast path, exit codes, a real stdin pipe, no
terminal, two processes at once) in a few subprocess tests."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, run_cli, run_inproc

DATA = Path(__file__).resolve().parents[1] / "data"
W3C = DATA / "w3c-signedDataInt.json"
OB3 = DATA / "ob30-simple.json"
JWT = DATA / "ob30-simple.jwt"
CLR = DATA / "clr-simple.json"


def wallet_file(home: Path) -> Path:
    return home / "wallet.cwlt"


def test_version_is_fast_path() -> None:
    res = run_cli("--version")
    assert res.code == 0 and res.stdout.startswith("credwallet ")


def test_init_creates_wallet_and_refuses_overwrite(isolated_home: Path) -> None:
    res = run_inproc("init", "--json")
    assert res.code == 0, res
    doc = res.json()
    assert doc["schema"] == "credwallet.init/1" and doc["ok"] is True
    assert doc["holder"].startswith("did:key:z6Mk")
    assert stat.S_IMODE(wallet_file(isolated_home).stat().st_mode) == 0o600
    before = wallet_file(isolated_home).read_bytes()
    again = run_inproc("init", "--json")
    assert again.code == 4 and again.json()["error"]["kind"] == "wallet_exists"
    assert wallet_file(isolated_home).read_bytes() == before


def test_no_passphrase_and_no_terminal_is_exit_4_not_a_hang(isolated_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CREDWALLET_PASSPHRASE"}
    os.environ.pop("CREDWALLET_PASSPHRASE", None)
    try:
        res = run_cli("init", env=env, timeout=30)
    finally:
        os.environ["CREDWALLET_PASSPHRASE"] = PASSPHRASE
    assert res.code == 4
    assert "no passphrase" in res.stderr
    assert not wallet_file(isolated_home).exists()


def test_passphrase_file_and_stdin(isolated_home: Path, tmp_path: Path) -> None:
    pf = tmp_path / "pass.txt"
    pf.write_text("from a file\nsecond line ignored\n")
    assert run_inproc("init", "--passphrase-file", str(pf), env={"CREDWALLET_PASSPHRASE": "x"}).code == 0
    assert run_inproc("list", "--passphrase-file", "-", input=b"from a file\n").code == 0
    res = run_inproc("list", "--json")  # env passphrase differs: file took priority at init
    assert res.code == 4 and res.json()["error"]["kind"] == "decrypt_failed"


def test_wrong_passphrase_exit_4_file_unchanged(wallet_home: Path) -> None:
    before = wallet_file(wallet_home).read_bytes()
    res = run_inproc("import", str(W3C), env={"CREDWALLET_PASSPHRASE": "not it"})
    assert res.code == 4
    assert res.stderr.count("\n") <= 2 and "Traceback" not in res.stderr
    assert "not it" not in res.stderr + res.stdout
    assert wallet_file(wallet_home).read_bytes() == before


def test_flipped_byte_in_wallet_is_exit_4(wallet_home: Path) -> None:
    data = bytearray(wallet_file(wallet_home).read_bytes())
    data[len(data) // 2] ^= 0x20
    wallet_file(wallet_home).write_bytes(bytes(data))
    res = run_inproc("list", "--json")
    assert res.code == 4 and res.json()["ok"] is False


def test_missing_wallet_is_exit_4_with_hint() -> None:
    res = run_inproc("list")
    assert res.code == 4 and "credwallet init" in res.stderr


def test_import_list_show_remove_roundtrip(wallet_home: Path) -> None:
    res = run_inproc("import", str(W3C), str(JWT), "--keep-invalid", "--json")
    doc = res.json()
    assert doc["schema"] == "credwallet.import/1"
    statuses = {Path(i["source"]).name: i for i in doc["items"]}
    assert statuses["w3c-signedDataInt.json"]["status"] == "imported"
    assert statuses["w3c-signedDataInt.json"]["format"] == "vc-ldp"
    assert statuses["ob30-simple.jwt"]["format"] == "ob3-jwt"
    listed = run_inproc("list", "--json").json()["credentials"]
    ids = {c["id"] for c in listed}
    assert statuses["w3c-signedDataInt.json"]["id"] in ids
    one = statuses["w3c-signedDataInt.json"]["id"]
    shown = run_inproc("show", one[:6], "--json")
    assert shown.code == 0, shown
    cred = shown.json()["credential"]
    assert cred["document"] == json.loads(W3C.read_text())
    assert cred["name"] == "Alumni Credential"
    human = run_inproc("show", one)
    assert "Alumni Credential" in human.stdout
    assert run_inproc("remove", one, "--yes", "--json").code == 0
    assert one not in {c["id"] for c in run_inproc("list", "--json").json()["credentials"]}
    assert run_inproc("show", one).code == 6


def test_original_bytes_are_kept_exactly(wallet_home: Path, tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    # unusual formatting and key order must survive byte for byte
    odd.write_bytes(b'  {"type":["VerifiableCredential"],   "@context":["https://www.w3.org/ns/credentials/v2"],'
                    b'"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"}}\n')
    res = run_inproc("import", str(odd), "--keep-invalid", "--json")
    wid = res.json()["items"][0]["id"]
    assert wid
    from credwallet.wallet.store import WalletStore

    wallet = WalletStore(wallet_file(wallet_home)).load(PASSPHRASE)
    assert wallet.find(wid).raw_bytes() == odd.read_bytes()


def test_duplicates_reported_not_stored(wallet_home: Path) -> None:
    run_inproc("import", str(W3C))
    res = run_inproc("import", str(W3C), "--json")
    assert res.json()["items"][0]["status"] == "duplicate"
    assert len(run_inproc("list", "--json").json()["credentials"]) == 1


def test_import_from_stdin(wallet_home: Path) -> None:
    res = run_cli("import", "-", "--keep-invalid", "--json", input=JWT.read_bytes())
    assert res.json()["items"][0]["format"] == "ob3-jwt", res


def test_clr_stores_record_and_contained_credentials(wallet_home: Path) -> None:
    res = run_inproc("import", str(CLR), "--keep-invalid", "--json")
    item = res.json()["items"][0]
    assert item["format"] == "clr-ldp" and item["status"] == "imported", res
    listed = run_inproc("list", "--json").json()["credentials"]
    children = [c for c in listed if c.get("parent") == item["id"]]
    assert len(children) == len(item["children"]) >= 1
    run_inproc("remove", item["id"], "--yes")
    assert run_inproc("list", "--json").json()["credentials"] == []


def test_bad_inputs_each_reported_good_ones_kept(wallet_home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a credential")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    badge_class = tmp_path / "bc.json"
    badge_class.write_text(json.dumps({"@context": "https://w3id.org/openbadges/v2",
                                       "type": "BadgeClass", "id": "https://x.example/b"}))
    res = run_inproc("import", str(junk), str(deep), str(badge_class), str(tmp_path / "missing.json"),
                  str(W3C), "--json")
    assert res.code == 3, res
    items = res.json()["items"]
    assert [i["status"] for i in items] == ["failed"] * 4 + ["imported"]
    assert "BadgeClass" in items[2]["error"]
    assert "Traceback" not in res.stderr
    assert len(run_inproc("list", "--json").json()["credentials"]) == 1


def test_remove_unknown_is_exit_6_and_removes_nothing(wallet_home: Path) -> None:
    run_inproc("import", str(W3C))
    listed = run_inproc("list", "--json").json()["credentials"]
    res = run_inproc("remove", listed[0]["id"], "ffffffffff", "--json")
    assert res.code == 6
    assert len(run_inproc("list", "--json").json()["credentials"]) == 1


def test_identity_add_list_remove(wallet_home: Path) -> None:
    assert run_inproc("identity", "add", "Learner@Example.ORG").code == 0
    assert run_inproc("identity", "add", "https://learner.example").code == 0
    res = run_inproc("identity", "list", "--json").json()
    assert {(i["kind"], i["value"]) for i in res["identities"]} == {
        ("email", "learner@example.org"), ("url", "https://learner.example")}
    assert run_inproc("identity", "remove", "learner@example.org").code == 0
    assert run_inproc("identity", "remove", "nobody@example.org").code == 6


def test_passwd_changes_passphrase(wallet_home: Path) -> None:
    res = run_inproc("passwd", "--json", env={"CREDWALLET_NEW_PASSPHRASE": "brand new"})
    assert res.code == 0, res
    assert run_inproc("list").code == 4
    assert run_inproc("list", env={"CREDWALLET_PASSPHRASE": "brand new"}).code == 0


def test_passwd_without_new_passphrase_is_clean(wallet_home: Path) -> None:
    before = wallet_file(wallet_home).read_bytes()
    res = run_inproc("passwd")
    assert res.code == 4 and "new passphrase" in res.stderr
    assert wallet_file(wallet_home).read_bytes() == before


def test_backup_and_restore(wallet_home: Path, tmp_path: Path) -> None:
    run_inproc("import", str(W3C))
    out = tmp_path / "backup.cwlt"
    assert run_inproc("backup", "-o", str(out)).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert run_inproc("backup", "-o", str(out)).code == 2  # no silent overwrite
    wid = run_inproc("list", "--json").json()["credentials"][0]["id"]
    run_inproc("remove", wid, "--yes")
    res = run_inproc("restore", str(out), "--yes", "--json")
    assert res.code == 0 and res.json()["credentials"] == 1
    assert len(run_inproc("list", "--json").json()["credentials"]) == 1


def test_restore_of_corrupted_backup_changes_nothing(wallet_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "backup.cwlt"
    run_inproc("backup", "-o", str(out))
    data = bytearray(out.read_bytes())
    data[-5] ^= 1
    out.write_bytes(bytes(data))
    before = wallet_file(wallet_home).read_bytes()
    res = run_inproc("restore", str(out))
    assert res.code == 4
    assert wallet_file(wallet_home).read_bytes() == before


@pytest.mark.parametrize("args", [["list"], ["show", "x"], ["identity", "list"], ["import", "-"],
                                  ["remove", "x"], ["passwd"], ["backup", "-o", "x"]])
def test_every_command_speaks_json_on_failure(args: list[str]) -> None:
    res = run_inproc(*args, "--json", input=b"")
    assert res.code != 0
    doc = res.json()
    assert doc["ok"] is False and {"code", "kind", "message"} <= set(doc["error"])
    assert doc["schema"].startswith("credwallet.")


def test_usage_error_is_exit_2() -> None:
    assert run_cli("list", "--no-such-flag").code == 2
    res = run_cli("frobnicate", "--json")
    assert res.code == 2 and res.json()["ok"] is False


def test_home_option_overrides_env(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    assert run_inproc("init", "--home", str(other)).code == 0
    assert wallet_file(other).exists()


def test_concurrent_imports_both_survive(wallet_home: Path) -> None:
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "credwallet", "import", str(f), "--keep-invalid"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for f in (W3C, JWT)]
    for p in procs:
        assert p.wait(timeout=120) in (0, 1)
    formats = {c["format"] for c in run_inproc("list", "--json").json()["credentials"]}
    assert {"vc-ldp", "ob3-jwt"} <= formats


def test_no_secret_in_any_output(wallet_home: Path, tmp_path: Path) -> None:
    from credwallet.wallet.store import WalletStore

    seed = WalletStore(wallet_file(wallet_home)).load(PASSPHRASE).holder.private_seed_b64
    outputs = []
    for args in (["list", "--json"], ["identity", "list", "--json"], ["show", "nope"],
                 ["import", str(W3C), "--json"], ["list"]):
        res = run_inproc(*args)
        outputs.append(res.stdout + res.stderr)
    blob = "\n".join(outputs)
    assert PASSPHRASE not in blob and seed not in blob
    leftovers = [p for p in wallet_home.iterdir() if p.name not in
                 {"wallet.cwlt", "wallet.cwlt.bak", "wallet.cwlt.lock"}]
    assert leftovers == []
