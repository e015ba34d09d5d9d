"""Replays tests/fuzz/corpus/ (built by make_corpus.py) through every parser it targets.

Files listed in KNOWN_BUGS still fail the invariant; they are strict xfails so a fix shows
up as an unexpected pass and the entry must then be removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from credwallet.errors import CredwalletError, PathwayError, WalletError
from credwallet.ingest.sniff import Recognised, recognise
from credwallet.models import VerificationResult
from credwallet.pathways import Pathway, load_pathway_bytes
from credwallet.verify import EmptyMaterial, verify_bytes
from credwallet.wallet.fileformat import decrypt_wallet
from tests.fuzz.invariant import outcome
from tests.verify.vutil import NOW

CORPUS = Path(__file__).resolve().parent / "corpus"

# "sub/file" -> reason, for corpus files that still break the invariant (none at the moment;
# every bug the corpus found has been fixed and the file stays as a regression test).
KNOWN_BUGS: dict[str, str] = {}


def corpus(sub: str) -> list[object]:
    params: list[object] = []
    for path in sorted((CORPUS / sub).iterdir()):
        rel = f"{sub}/{path.name}"
        marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason="bug: " + KNOWN_BUGS[rel])] \
            if rel in KNOWN_BUGS else []
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


def test_corpus_is_complete() -> None:
    from tests.fuzz import make_corpus

    for sub, files in (("credential", make_corpus.credential_files()),
                       ("pathway", make_corpus.pathway_files()), ("wallet", make_corpus.wallet_files())):
        on_disk = {p.name for p in (CORPUS / sub).iterdir()}
        assert on_disk == set(files), f"corpus/{sub} differs from make_corpus.py; rerun it"
    for rel in KNOWN_BUGS:
        assert (CORPUS / rel).exists(), rel


@pytest.mark.parametrize("path", corpus("credential"))
def test_credential_corpus(path: Path) -> None:
    data = path.read_bytes()
    rec = outcome(recognise, data, seconds=10)
    if path.name.startswith("svg-in-svg"):
        assert isinstance(rec, CredwalletError), f"{path.name}: an image inside an image was accepted"
    res = outcome(verify_bytes, data, now=NOW, material=EmptyMaterial(), seconds=20)
    assert isinstance(res, VerificationResult | CredwalletError)
    if isinstance(res, VerificationResult):
        assert isinstance(rec, Recognised)
        assert not res.verified, f"{path.name} verified"


@pytest.mark.parametrize("path", corpus("pathway"))
def test_pathway_corpus(path: Path) -> None:
    res = outcome(load_pathway_bytes, path.read_bytes(), path.name, path.suffix, seconds=15)
    assert isinstance(res, Pathway | PathwayError)


@pytest.mark.parametrize("path", corpus("wallet"))
def test_wallet_corpus(path: Path) -> None:
    res = outcome(decrypt_wallet, path.read_bytes(), "any passphrase", seconds=5)
    assert isinstance(res, WalletError), f"{path.name} opened"
