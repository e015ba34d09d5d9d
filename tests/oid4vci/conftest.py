from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, CliResult, run_inproc
from tests.oid4vci import issuer as issuer_module
from tests.oid4vci.issuer import Issuer


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    iss = Issuer()
    yield iss
    iss.stop()


@pytest.fixture
def wallet(cw: Any, isolated_home: Path) -> Path:
    res = cw("init", "--json")
    assert res.code == 0, res.stderr
    return isolated_home


OUTPUTS: list[CliResult] = []


@pytest.fixture
def cw() -> Any:
    """The in-process CLI, every result kept for the secrets check below."""

    def run(*args: str, **kw: Any) -> CliResult:
        res = run_inproc(*args, **kw)
        OUTPUTS.append(res)
        return res

    return run


@pytest.fixture(autouse=True)
def no_secret_in_any_output(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every code, transaction code and access token any test issuer handed out is absent from
    everything every command of the test printed (stdout and stderr) and logged."""
    OUTPUTS.clear()
    issuer_module.LIVE.clear()
    with caplog.at_level("DEBUG"):
        yield
    logged = caplog.text
    for iss in issuer_module.LIVE:
        for secret in iss.secrets_seen:
            assert secret not in logged, f"{secret} in the log"
            for res in OUTPUTS:
                assert secret not in res.stdout and secret not in res.stderr, (secret, res)
    OUTPUTS.clear()


def payload_text(home: Path) -> str:
    """The decrypted wallet payload, as stored."""
    from credwallet.wallet.store import WalletStore

    return WalletStore(home / "wallet.cwlt").load(PASSPHRASE).model_dump_json()


def file_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.iterdir()) if p.is_file())
