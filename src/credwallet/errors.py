"""One error tree. Each error knows its exit code (see docs/cli.md) and a hint.

The core raises these; only the CLI boundary turns them into exit codes and messages.
Messages must never contain secrets (passphrases, keys, decrypted payload).
"""

from __future__ import annotations


class CredwalletError(Exception):
    """Base of every expected failure. Unexpected ones are bugs (exit 70)."""

    exit_code: int = 70
    kind: str = "internal"
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint


class VerificationFailed(CredwalletError):
    exit_code = 1
    kind = "not_verified"


class UsageError(CredwalletError):
    exit_code = 2
    kind = "usage"


class BadInput(CredwalletError):
    """Unreadable or unsupported file, URL content, pathway definition."""

    exit_code = 3
    kind = "bad_input"


class UnsupportedFormat(BadInput):
    kind = "unsupported_format"


class InputTooLarge(BadInput):
    kind = "too_large"


class PathwayError(BadInput):
    kind = "bad_pathway"


class WalletError(CredwalletError):
    exit_code = 4
    kind = "wallet"


class WalletMissing(WalletError):
    kind = "wallet_missing"
    hint = "create one with `credwallet init`"


class WalletExists(WalletError):
    kind = "wallet_exists"
    hint = "use --home to create another wallet elsewhere"


class WalletLocked(WalletError):
    kind = "wallet_locked"
    hint = "another credwallet process is writing; try again"


class DecryptionFailed(WalletError):
    """Wrong passphrase or tampering: deliberately one opaque error."""

    kind = "decrypt_failed"

    def __init__(self, message: str = "cannot open the wallet: wrong passphrase or damaged file",
                 *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)


class WalletCorrupted(WalletError):
    kind = "wallet_corrupted"
    hint = "restore the previous generation (wallet.cwlt.bak) or a backup with `credwallet restore`"


class UnsupportedVersion(WalletError):
    kind = "unsupported_version"
    hint = "this wallet was written by a newer credwallet; upgrade to open it"


class PassphraseUnavailable(WalletError):
    kind = "no_passphrase"
    hint = "use --passphrase-file PATH (or - for stdin) or set CREDWALLET_PASSPHRASE"


class WalletWriteError(WalletError):
    kind = "write_failed"


class NetworkError(CredwalletError):
    exit_code = 5
    kind = "network"


class NotFound(CredwalletError):
    exit_code = 6
    kind = "not_found"


class Interrupted(CredwalletError):
    exit_code = 130
    kind = "interrupted"


# Severity order for commands that handle many items: the most serious code wins.
_SEVERITY = {70: 100, 130: 90, 4: 80, 5: 70, 3: 60, 6: 50, 2: 40, 1: 30, 0: 0}


def most_serious(codes: list[int]) -> int:
    """Exit code to use when several items ended with different codes."""
    return max(codes, key=lambda c: _SEVERITY.get(c, 100), default=0)


_KIND_OF_CODE = {1: "not_verified", 2: "usage", 3: "bad_input", 4: "wallet", 5: "network",
                 6: "not_found", 70: "internal", 130: "interrupted"}


def items_failed(code: int, failed: int, total: int, noun: str) -> CredwalletError:
    """The contract's error object for a command where some of several items failed."""
    err = CredwalletError(f"{failed} of {total} {noun} failed; see each item")
    err.exit_code = code
    err.kind = _KIND_OF_CODE.get(code, "internal")
    return err
