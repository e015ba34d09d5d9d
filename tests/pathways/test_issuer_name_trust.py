"""Pathways match issuers by identifier, never by display name (#14): a name is what the
issuer's key says about itself, and any key can say any name, trusted or not."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli
from tests.export.helpers import Issuer, ob3

from credwallet.paths import wallet_path
from credwallet.pathways.issuers import NAME_ONLY_PROBLEM
from credwallet.wallet.store import WalletStore

NAME = "Northbridge Skills Institute"
BY_NAME = ('name = "ml"\ntitle = "ML"\n[[requirements]]\nid = "ml-course"\n'
           'name_pattern = "*machine learning*"\n'
           f'issuer_name = "{NAME}"\n')


def _import(cw: Cli, tmp_path: Path, issuer: Issuer, holder: str, file: str) -> None:
    cred = tmp_path / file
    cred.write_text(json.dumps(ob3(issuer, name="Introduction to Machine Learning",
                                   cred_id=f"urn:uuid:{file}", subject_id=holder)))
    assert cw("import", str(cred), "--json").code == 0


def test_name_only_requirement_is_refused_with_the_ids_to_check(
        isolated_home: Path, tmp_path: Path, cw: Cli) -> None:
    holder = cw("init", "--json").json()["holder"]
    impostor = Issuer(NAME)  # a fresh did:key using the famous name
    _import(cw, tmp_path, impostor, holder, "ml.json")
    assert cw("trust", "add", impostor.did, "--json").code == 0  # trusting it changes nothing
    pathway = tmp_path / "p.toml"
    pathway.write_text(BY_NAME)

    for command in (("pathway", "add", str(pathway)), ("pathway", "check", str(pathway))):
        out = cw(*command, "--json")
        assert out.code == 3, out.stdout
        error = out.json()["error"]
        assert error["kind"] == "bad_pathway"
        assert "'ml-course'" in error["message"] and "by name only" in error["message"]
        assert "\n" not in error["message"]
        assert "issuer_id" in error["message"] + error.get("hint", "")
    # `add` knows the wallet: the hint names the one id held under that name, to be checked.
    hint = cw("pathway", "add", str(pathway), "--json").json()["error"]["hint"]
    assert f'issuer_id = "{impostor.did}"' in hint
    human = cw("pathway", "add", str(pathway))
    assert human.code == 3 and "by name only" in human.stderr
    assert cw("pathway", "list", "--json").json()["pathways"] == []  # nothing stored

    # With the id, the name is a label: the right key counts, a second key with the name does not.
    real = Issuer(NAME)
    pathway.write_text(BY_NAME + f'issuer_id = "{real.did}"\n')
    assert cw("pathway", "add", str(pathway), "--json").code == 0
    assert cw("progress", "ml", "--json").json()["pathways"][0]["complete"] is False
    _import(cw, tmp_path, real, holder, "ml-real.json")
    done = cw("progress", "ml", "--json").json()["pathways"][0]
    assert done["complete"] is True and done["problems"] == []


def test_stored_name_only_requirement_matches_nothing_and_says_why(
        isolated_home: Path, tmp_path: Path, cw: Cli) -> None:
    """A pathway stored by an older version (before the refusal) still loads, but its
    name-only requirement can never be met, and progress says how to fix it."""
    holder = cw("init", "--json").json()["holder"]
    impostor = Issuer(NAME)
    _import(cw, tmp_path, impostor, holder, "ml.json")
    assert cw("trust", "add", impostor.did, "--json").code == 0
    from credwallet.pathways.loader import load_pathway_bytes

    old = load_pathway_bytes(BY_NAME.encode(), "old.toml", ".toml")
    store = WalletStore(wallet_path(isolated_home))
    with store.transaction("correct horse battery staple") as w:
        w.pathways.append(old.stored())  # as an older version stored it, unchecked

    prog = cw("progress", "ml", "--json")
    assert prog.code == 0
    p = prog.json()["pathways"][0]
    leaf = p["requirements"][0]
    assert p["complete"] is False and leaf["matched_by"] == [] and leaf["problem"] == NAME_ONLY_PROBLEM
    assert p["problems"] == [f"ml-course: {NAME_ONLY_PROBLEM}"]
    assert p["next_steps"][0]["text"].startswith("fix the pathway:")
    human = cw("progress", "ml")
    assert "issuer_id" in " ".join(human.stdout.split())
