"""Atomic, locked storage of the encrypted wallet file.

Save = write a temp file in the same directory, fsync, keep the current file as
`wallet.cwlt.bak` (itself written via temp + rename), rename the temp over the wallet, fsync
the directory. A crash at any point leaves the wallet with either the old or the new content.
Writers hold a cross-process lock for the whole read-modify-write, so concurrent imports
cannot lose each other's updates.

A passphrase change (`rekey_locked`) re-encrypts the previous generation too, so no file in
the home stays readable with the old passphrase once the change is committed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from credwallet.errors import (
    UnsupportedVersion,
    WalletCorrupted,
    WalletError,
    WalletExists,
    WalletLocked,
    WalletMissing,
    WalletWriteError,
)
from credwallet.models.entry import WalletData
from credwallet.wallet import fileformat, layout

LOCK_TIMEOUT_S = 30.0


def _stderr_notice(pid: int | None) -> None:
    import sys

    who = f", pid {pid}" if pid else ""
    sys.stderr.write(f"waiting for another credwallet{who} (it holds the wallet lock)...\n")
    sys.stderr.flush()


# What a process that has to wait for the wallet lock says, at once (stderr: stdout stays one
# JSON document with --json).
wait_notice = _stderr_notice
MAX_WALLET_BYTES = 2 * 1024 * 1024 * 1024


class WalletStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.backup_path = path.with_name(path.name + ".bak")
        self.lock_path = path.with_name(path.name + ".lock")
        self.timings: dict[str, float] = {}
        self.loaded = b""  # the plaintext of the last load

    def exists(self) -> bool:
        return self.path.exists()

    # -- locking ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        import filelock

        self._ensure_dir()
        lock = filelock.FileLock(str(self.lock_path), timeout=timeout, mode=0o600)
        try:
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                # Say so at once: a silent wait of up to LOCK_TIMEOUT_S looks like a hang.
                holder = self._holder_pid()
                wait_notice(holder)
                try:
                    lock.acquire(timeout=timeout)
                except filelock.Timeout:
                    who = f"pid {holder}" if holder else "another process"
                    raise WalletLocked(f"wallet is locked by {who} ({self.lock_path})") from None
        except OSError as exc:
            raise WalletError(f"cannot lock the wallet: {exc.strerror}") from None
        self._write_holder(str(os.getpid()))
        try:
            yield
        finally:
            self._write_holder("")
            lock.release()

    def _write_holder(self, text: str) -> None:
        """The lock file names its holder's pid while held (read by a waiting process)."""
        # Bytes, no codec: this also runs where the interpreter's own files are unreadable.
        with contextlib.suppress(OSError), open(self.lock_path, "r+b") as fh:
            fh.write(text.encode())
            fh.truncate()

    def _holder_pid(self) -> int | None:
        try:
            text = self.lock_path.read_bytes().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() and len(text) < 12 else None

    # -- reading ---------------------------------------------------------------------------
    def read_bytes(self, path: Path | None = None) -> bytes:
        path = path or self.path
        try:
            size = path.stat().st_size
            if size > MAX_WALLET_BYTES:
                raise WalletCorrupted("wallet file is implausibly large")
            return path.read_bytes()
        except FileNotFoundError:
            raise WalletMissing(f"no wallet at {path}") from None
        except IsADirectoryError:
            raise WalletCorrupted(f"{path} is a directory, not a wallet file") from None
        except PermissionError:
            raise WalletError(f"no permission to read {path}") from None
        except NotADirectoryError:
            raise WalletError(f"{path.parent} is not a directory",
                              hint="point CREDWALLET_HOME or --home at a directory") from None
        except OSError as exc:
            raise WalletError(f"cannot read {path}: {exc.strerror}") from None

    def load(self, passphrase: str, path: Path | None = None) -> WalletData:
        from pydantic import ValidationError

        data = self.read_bytes(path)
        t0 = time.perf_counter()
        params, salt, nonce, aad, ciphertext = fileformat.parse_header(data)
        del data  # the ciphertext is a copy: at 10,000 credentials each is tens of MB
        key = fileformat.derive_key(passphrase, salt, params)
        t1 = time.perf_counter()
        plaintext = fileformat.decrypt_parts(ciphertext, aad, nonce, key)
        del ciphertext
        t2 = time.perf_counter()
        try:
            wallet = layout.decode(plaintext)
        except ValidationError:
            newer = _newer_payload(plaintext)
            if newer is not None:
                raise newer from None
            raise WalletCorrupted("wallet payload does not match the expected structure") from None
        if wallet.payload_version > PAYLOAD_VERSION:
            # Opening it would drop what this version does not know at the next save.
            raise _newer_error(wallet.payload_version)
        t3 = time.perf_counter()
        self.timings = {"kdf_s": t1 - t0, "decrypt_s": t2 - t1, "parse_s": t3 - t2}
        self.loaded = plaintext
        return wallet

    # -- writing ---------------------------------------------------------------------------
    def _ensure_dir(self) -> None:
        from credwallet.paths import ensure_private_dir

        try:
            ensure_private_dir(self.path.parent)
        except OSError as exc:
            raise WalletWriteError(f"cannot create {self.path.parent}: {exc.strerror}") from None

    def create(self, passphrase: str, wallet: WalletData) -> None:
        with self.locked():
            if self.path.exists():
                raise WalletExists(f"a wallet already exists at {self.path}")
            self.save_locked(passphrase, wallet)

    def save_locked(self, passphrase: str, wallet: WalletData) -> None:
        """Encrypt and write atomically. Caller must hold `locked()`."""
        self.save_plaintext_locked(passphrase, layout.encode(wallet))

    def save_plaintext_locked(self, passphrase: str, plaintext: bytes) -> None:
        self.write_atomic(fileformat.encrypt_wallet(plaintext, passphrase))

    def write_atomic(self, blob: bytes) -> None:
        self._ensure_dir()
        self._clean_stale_temps()
        tmp = self._write_temp(blob)
        try:
            if self.path.exists():
                self._refresh_backup()
            os.replace(tmp, self.path)
        except (OSError, WalletWriteError) as exc:
            # Never leave a full encrypted copy behind (e.g. the disk filled while writing .bak).
            with contextlib.suppress(OSError):
                tmp.unlink()
            if isinstance(exc, WalletWriteError):
                raise
            raise WalletWriteError(f"cannot save the wallet: {exc.strerror}; "
                                   "the previous wallet is unchanged") from None
        self._fsync_dir()

    def rekey_locked(self, old: str, new: str, wallet: WalletData) -> bool:
        """Re-encrypt the wallet and its previous generation under `new`. Caller holds `locked()`
        and has just loaded `wallet` with `old`. The previous generation is kept, re-encrypted;
        if there is none, or it does not open with `old` (damaged, or left by a restore under
        another passphrase), it becomes a copy of the current wallet. -> True in that last case
        (an existing .bak was discarded), so the caller can say so.

        Crash safety: both new files are complete and fsynced before anything is renamed; the
        .bak is renamed first and the wallet last, so a kill at any point leaves a wallet that
        opens with the old passphrase (before the last rename) or the new one (after it), and
        once the wallet is under `new` the .bak is too. Temp files only ever hold `new`.
        """
        self._ensure_dir()
        self._clean_stale_temps(scrub=True)
        current = layout.encode(wallet)
        previous: bytes | None = None
        discarded = False
        try:
            previous = fileformat.decrypt_wallet(self.read_bytes(self.backup_path), old)
        except WalletMissing:
            pass
        except WalletError:
            discarded = True
        tmp_wallet = self._write_temp(fileformat.encrypt_wallet(current, new))
        tmp_backup: Path | None = None
        # Opened before the renames so the old ciphertext can be overwritten once unlinked.
        old_files = [fd for fd in (_open_for_scrub(self.path), _open_for_scrub(self.backup_path))
                     if fd is not None]
        try:
            tmp_backup = self._write_temp(
                fileformat.encrypt_wallet(previous if previous is not None else current, new),
                stem=self.backup_path.name)
            os.replace(tmp_backup, self.backup_path)
            tmp_backup = None
            self._fsync_dir()  # the .bak rename must reach the disk before the wallet's
            os.replace(tmp_wallet, self.path)
        except (OSError, WalletWriteError) as exc:
            for tmp in (tmp_wallet, tmp_backup):
                if tmp is not None:
                    with contextlib.suppress(OSError):
                        tmp.unlink()
            for fd in old_files:
                _scrub_unlinked(fd)  # only touches files no name refers to any more
            if isinstance(exc, WalletWriteError):
                raise
            raise WalletWriteError(f"cannot save the wallet: {exc.strerror}; "
                                   "the passphrase is unchanged") from None
        self._fsync_dir()
        for fd in old_files:
            _scrub_unlinked(fd)
        return discarded

    def _write_temp(self, blob: bytes, stem: str | None = None) -> Path:
        tmp = self.path.with_name(f".{stem or self.path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise WalletWriteError(f"cannot write in {self.path.parent}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise WalletWriteError(f"cannot save the wallet: {exc.strerror}; "
                                   "the previous wallet is unchanged") from None
        return tmp

    def _refresh_backup(self) -> None:
        # Copy (not move) the current generation: the wallet path must exist at every instant.
        tmp = self._write_temp(self.path.read_bytes(), stem=self.backup_path.name)
        try:
            os.replace(tmp, self.backup_path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def _fsync_dir(self) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _clean_stale_temps(self, *, scrub: bool = False) -> None:
        # Temp files of a killed writer: we hold the lock, so none of them is in use.
        for stale in self.path.parent.glob(f".{self.path.name}*.tmp"):
            fd = _open_for_scrub(stale) if scrub else None
            with contextlib.suppress(OSError):
                stale.unlink()
            if fd is not None:
                _scrub_unlinked(fd)

    @contextlib.contextmanager
    def transaction(self, passphrase: str) -> Iterator[WalletData]:
        """Read-modify-write under the lock; saved only if the block finishes without error."""
        with self.locked():
            wallet = self.load(passphrase)
            # A version 1 payload is compared in the new layout: a run that changes nothing
            # leaves the file as it is (it is migrated on the next real change).
            before = self.loaded if wallet.lazy("credentials") else layout.encode(wallet)
            yield wallet
            after = layout.encode(wallet, layout.views_of(before))
            if after != before:
                self.save_plaintext_locked(passphrase, after)


def _open_for_scrub(path: Path) -> int | None:
    try:
        return os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None


def _scrub_unlinked(fd: int) -> None:
    """Best effort: zero a file we hold open once no name refers to it any more (a hard link
    the user made elsewhere keeps its content). Copy-on-write file systems, SSD wear levelling
    and snapshots can keep the old blocks anyway; only full-disk encryption covers those."""
    try:
        st = os.fstat(fd)
        if st.st_nlink == 0 and st.st_size > 0:
            zeros = b"\0" * 65536
            left = st.st_size
            while left > 0:
                written = os.write(fd, zeros[:min(left, len(zeros))])
                if written <= 0:
                    break
                left -= written
            os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def now_utc() -> datetime:
    return datetime.now(UTC)


# The newest payload layout this version reads and writes (docs/wallet-format.md); version 1
# is still read, and written as version 2 on the next save.
PAYLOAD_VERSION = layout.LAYOUT_VERSION


def _newer_error(version: int) -> UnsupportedVersion:
    return UnsupportedVersion(
        f"this wallet's contents (payload version {version}) were made by a newer credwallet; "
        "upgrade credwallet to open it",
        hint="nothing was changed",
    )


def _newer_payload(plaintext: bytes) -> UnsupportedVersion | None:
    """A payload that fails validation may simply be newer: say so rather than "corrupted"."""
    import json

    try:
        version = json.loads(plaintext).get("payload_version")
    except (ValueError, AttributeError, RecursionError):
        return None
    if isinstance(version, int) and not isinstance(version, bool) and version > PAYLOAD_VERSION:
        return _newer_error(version)
    return None
