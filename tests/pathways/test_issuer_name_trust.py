"""A pathway rule that names an issuer counts only credentials from an issuer the user trusts:
an issuer's name is what its key says about itself, and any key can say any name."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.export.helpers import Issuer, ob3


@pytest.fixture
def cw(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, Any]]:
    from credwallet.cli.app import run

    def call(*args: str) -> tuple[int, Any]:
        capsys.readouterr()
        code = run([*args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    return call


def test_issuer_name_needs_a_trusted_issuer(isolated_home: Path, tmp_path: Path,
                                            cw: Callable[..., tuple[int, Any]]) -> None:
    holder = cw("init")[1]["holder"]
    impostor = Issuer("Northbridge Skills Institute")  # a fresh did:key using the famous name
    cred = tmp_path / "ml.json"
    cred.write_text(json.dumps(ob3(impostor, name="Introduction to Machine Learning", subject_id=holder)))
    assert cw("import", str(cred))[0] == 0
    pathway = tmp_path / "p.toml"
    pathway.write_text('name = "ml"\ntitle = "ML"\n[[requirements]]\nname_pattern = "*machine learning*"\n'
                       'issuer_name = "Northbridge Skills Institute"\n')
    assert cw("pathway", "add", str(pathway))[0] == 0
    before = cw("progress", "ml")[1]["pathways"][0]
    assert before["complete"] is False  # the name alone proves nothing

    assert cw("trust", "add", impostor.did, "--label", "Northbridge (checked)")[0] == 0
    assert cw("verify", "--all")[0] == 0
    after = cw("progress", "ml")[1]["pathways"][0]
    assert after["complete"] is True  # the user vouched for this very key
