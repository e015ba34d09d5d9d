"""Where files live. CREDWALLET_HOME (or --home) replaces the platform data dir."""

from __future__ import annotations

import os
from pathlib import Path

WALLET_FILENAME = "wallet.cwlt"


def home_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get("CREDWALLET_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # lazy: keeps `--version` fast

    return Path(platformdirs.user_data_dir("credwallet"))


def wallet_path(override: str | os.PathLike[str] | None = None) -> Path:
    return home_dir(override) / WALLET_FILENAME
