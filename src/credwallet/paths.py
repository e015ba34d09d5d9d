"""Where files live. CREDWALLET_HOME (or --home) replaces the platform data dir."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from credwallet.errors import WalletError

WALLET_FILENAME = "wallet.cwlt"


class UnsafeHome(WalletError):
    """The wallet home is controlled by someone else (owner or group/other write access)."""

    kind = "unsafe_home"


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


def check_home(home: Path) -> None:
    """Refuse a home another user could write to: whoever can write there can swap the wallet
    or its previous generation for a file of their own, or plant a symlink the next save follows.

    A missing home is fine (the store creates it 0700). Anything that is not a directory is
    left to the store, which reports it with its own message.
    """
    if not hasattr(os, "geteuid"):  # no POSIX ownership to check (Windows)
        return
    try:
        link = os.lstat(home)
        st = os.stat(home)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        return
    euid = os.geteuid()
    # A symlinked home: its owner could re-point it at any time, so it must be us (or root).
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in (euid, 0):
        raise UnsafeHome(f"wallet home {home} is a symlink owned by another user (uid {link.st_uid})",
                         hint="point --home or CREDWALLET_HOME at a directory you own")
    if st.st_uid != euid:
        raise UnsafeHome(
            f"wallet home {home} is owned by another user (uid {st.st_uid}, you are uid {euid})",
            hint=f"use a directory you own (or, as root: chown {euid} {home} && chmod 700 {home})")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeHome(
            f"wallet home {home} is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})",
            hint=f"make it private: chmod 700 {home}")


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) with the new directory itself 0700, whatever the umask."""
    if path.is_dir():
        return  # not ours to change: check_home judges an existing home
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except OSError:  # EEXIST, or EROFS/EACCES taking priority over it
        if path.is_dir():
            return
        raise
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
