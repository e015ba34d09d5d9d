"""Shared CLI plumbing: common options, passphrase sources, the error boundary, output."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from credwallet.cli.textsafe import json_text, plain, say
from credwallet.errors import (
    BadInput,
    CredwalletError,
    DecryptionFailed,
    Interrupted,
    PassphraseUnavailable,
    UsageError,
)
from credwallet.paths import check_home, wallet_path

if TYPE_CHECKING:
    from rich.console import Console

    from credwallet.models.entry import WalletData
    from credwallet.wallet.store import WalletStore

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
HomeOpt = Annotated[
    str | None,
    typer.Option("--home", metavar="DIR", help="Wallet directory (overrides CREDWALLET_HOME)."),
]
PassFileOpt = Annotated[
    str | None,
    typer.Option("--passphrase-file", metavar="PATH",
                 help="Read the passphrase from the first line of PATH ('-' = stdin)."),
]

AllowWeakOpt = Annotated[
    bool,
    typer.Option("--allow-weak-passphrase",
                 help="Accept a passphrase the strength estimate calls weak (for scripts)."),
]

MAX_PASSPHRASE_FILE = 64 * 1024
# A passphrase typed at the terminal may be mistyped: this many tries in all. One from a file or
# the environment gets one (it would be wrong the same way again).
PASSPHRASE_TRIES = 3

T = TypeVar("T")

# `credwallet --home DIR <command>`: the root option, set by the app's callback for this run.
# A command's own --home wins over it; it wins over CREDWALLET_HOME.
_root_home: str | None = None


def set_root_home(value: str | None) -> None:
    global _root_home
    _root_home = value


def help_pointer(command: str) -> str:
    """`see `credwallet trust add --help``: where a usage error's reader finds the fix."""
    words = " ".join(["credwallet", *command.split(".")]) if command else "credwallet"
    return f"see `{words} --help`"


def stdout_console() -> Console:
    from credwallet.cli.console import make_console

    return make_console()


def stderr_console() -> Console:
    from credwallet.cli.console import make_console

    return make_console(stderr=True)


def read_secret_file(path: str, what: str) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.readline(MAX_PASSPHRASE_FILE)
        else:
            with open(path, "rb") as fh:
                data = fh.readline(MAX_PASSPHRASE_FILE)
    except OSError as exc:
        # A missing or unreadable file is bad input (exit 3) for every command (docs/cli.md).
        raise BadInput(f"cannot read {what} file {path!r}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{what} file {path!r} is not UTF-8") from None
    return text.rstrip("\r\n")


def _prompt(label: str, *, confirm: bool) -> str | None:
    """A hidden prompt on the terminal; None when there is no terminal to ask on. Ctrl-D at the
    prompt is the person cancelling (exit 130), not a missing terminal."""
    if not sys.stdin.isatty():
        return None
    try:
        first = getpass.getpass(f"{label}: ")
        if confirm:
            second = getpass.getpass(f"{label} (again): ")
            if first != second:
                raise UsageError("the two passphrases differ")
    except EOFError:
        sys.stderr.write("\n")  # getpass leaves the cursor after the prompt
        raise Interrupted("cancelled at the passphrase prompt; nothing was changed") from None
    return first


YesOpt = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Do not ask for confirmation (needed without a terminal)."),
]


def can_ask() -> bool:
    """A confirmation can be asked: someone is at a terminal to answer it."""
    return sys.stdin.isatty()


def refuse_unconfirmed(command: str, what: str) -> None:
    """No terminal and no --yes: refuse before touching anything, never hang on a prompt."""
    raise UsageError(f"{command} {what} and asks for confirmation, but there is no terminal "
                     "to ask on", hint=f"add --yes to {command} without a question")


def confirm(question: str) -> None:
    """Ask `question [y/N]` on the terminal (stderr, so stdout stays clean); anything but yes
    is a refusal: Interrupted (exit 130), nothing changed."""
    sys.stderr.write(plain(question) + " [y/N]: ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise Interrupted("not confirmed; nothing was changed")


def vet_new_passphrase(value: str, *, typed: bool, allow_weak: bool,
                       what: str = "passphrase") -> None:
    """Judge a passphrase being set (init, passwd). Typed at a terminal, a weak one is refused
    (the person can pick another right away); from a file or the environment it is only warned
    about, since a script cannot answer and refusing would break unattended set-ups."""
    if allow_weak:
        return
    from credwallet.wallet.strength import MIN_SCORE, estimate

    strength = estimate(value)
    if not strength.weak:
        return
    summary = (f"the {what} is too weak: {strength.reason()} "
               f"(strength {strength.score} of 4, {MIN_SCORE} needed)")
    if typed:
        raise UsageError(summary, hint=f"{strength.advice()} For a script that must use it: "
                                       "--allow-weak-passphrase.")
    say(f"warning: {summary}; continuing because it was not typed at a terminal "
        "(--allow-weak-passphrase silences this)", err=True)


@dataclass
class Ctx:
    command: str
    json: bool = False
    home: str | None = None
    passphrase_file: str | None = None
    _passphrase: str | None = field(default=None, repr=False)
    passphrase_typed: bool = field(default=False, repr=False)  # came from the terminal prompt
    prompt_label: str = "Wallet passphrase"  # `restore` asks for the backup's

    def __post_init__(self) -> None:
        if self.home is None:
            self.home = _root_home

    @property
    def schema(self) -> str:
        return f"credwallet.{self.command}/1"

    @property
    def wallet_path(self) -> Path:
        return wallet_path(self.home)

    @property
    def store(self) -> WalletStore:
        from credwallet.wallet.store import WalletStore

        path = self.wallet_path
        check_home(path.parent)  # every wallet access goes through here
        return WalletStore(path)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def passphrase(self, *, confirm: bool = False) -> str:
        """--passphrase-file, then CREDWALLET_PASSPHRASE, then a hidden prompt on a terminal."""
        if self._passphrase is not None:
            return self._passphrase
        value: str | None
        if self.passphrase_file:
            value = read_secret_file(self.passphrase_file, "passphrase")
        elif "CREDWALLET_PASSPHRASE" in os.environ:
            value = os.environ["CREDWALLET_PASSPHRASE"]
        else:
            value = _prompt(self.prompt_label, confirm=confirm)
            self.passphrase_typed = value is not None
        if value is None:
            raise PassphraseUnavailable("no passphrase given and no terminal to ask on")
        if not value:
            raise UsageError("the passphrase is empty")
        self._passphrase = value
        return value

    def unlock(self, attempt: Callable[[str], T]) -> T:
        """`attempt(passphrase)`, asked again after a wrong passphrase typed at the terminal
        (PASSPHRASE_TRIES in all); a passphrase from a file or the environment gets one try."""
        for tries_left in range(PASSPHRASE_TRIES - 1, -1, -1):
            try:
                return attempt(self.passphrase())
            except DecryptionFailed:
                if not self.passphrase_typed or tries_left == 0:
                    raise
                self._passphrase = None
                say(f"wrong passphrase, try again ({tries_left} "
                    f"{'try' if tries_left == 1 else 'tries'} left)", err=True)
        raise AssertionError("unreachable")  # the last try returns or raises

    def open_wallet(self) -> WalletData:
        """Read-only snapshot of the wallet."""
        store = self.store
        store.read_bytes()  # WalletMissing before asking for a passphrase
        return self.unlock(store.load)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[WalletData]:
        store = self.store
        store.read_bytes()
        with contextlib.ExitStack() as stack:
            # A wrong passphrase fails on entering (the lock is released again): retry that.
            yield self.unlock(lambda p: stack.enter_context(store.transaction(p)))


def emit(ctx: Ctx, payload: dict[str, Any], human: Callable[[], None] | None = None,
         *, ok: bool = True, error: CredwalletError | None = None) -> None:
    """Print the command's result: one JSON document, or human output via `human`."""
    if ctx.json:
        doc: dict[str, Any] = {"schema": ctx.schema, "ok": ok}
        if error is not None:
            doc["error"] = error_dict(error)
        doc.update(payload)
        doc = json_ready(doc)
        # json_text: no raw ESC/C1/bidi character even inside strings (stdout may be a terminal).
        sys.stdout.write(json_text(doc) + "\n")
        sys.stdout.flush()
    elif human is not None:
        human()


# Keys whose values are credwallet's own timestamps (not dates copied from a credential).
_STAMP_SUFFIX = "_at"
_STAMP_KEYS = frozenset({"as_of"})
# Subtrees copied verbatim from a credential or an export file: never rewritten.
_VERBATIM_KEYS = frozenset({"document"})


def utc_z(value: datetime) -> str:
    """RFC 3339 in UTC with `Z`: the one timestamp form of `--json` output."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _stamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_z(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is None or "T" not in value:
            return value  # a bare date or a local time: not a timestamp credwallet made
        return utc_z(parsed)
    return value


def json_ready(value: Any, key: str | None = None) -> Any:
    """The JSON emitter's last step: every timestamp credwallet writes (a datetime, or a string
    under a `*_at` / `as_of` key) becomes RFC 3339 UTC with `Z`. Stored data is not touched,
    and neither are documents quoted verbatim (`document`)."""
    if key in _VERBATIM_KEYS:
        return value
    if isinstance(value, dict):
        return {k: json_ready(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v, key) for v in value]
    if isinstance(value, datetime):
        return utc_z(value)
    if key is not None and (key.endswith(_STAMP_SUFFIX) or key in _STAMP_KEYS):
        return _stamp(value)
    return value


def error_dict(exc: CredwalletError) -> dict[str, Any]:
    out: dict[str, Any] = {"code": exc.exit_code, "kind": exc.kind, "message": exc.message}
    if exc.hint:
        out["hint"] = exc.hint
    return out


def report_error(ctx: Ctx, exc: CredwalletError) -> None:
    if ctx.json:
        emit(ctx, {}, ok=False, error=exc)
        return
    # Messages quote server replies, file names and credential fields: never print them raw.
    line = exc.message.splitlines()[0] if exc.message else exc.kind
    say(f"error: {line}", err=True)
    if exc.hint:
        say(f"hint: {exc.hint}", err=True)
    if exc.kind == "usage":
        say(help_pointer(ctx.command), err=True)


def run_command(ctx: Ctx, body: Callable[[], int | None]) -> None:
    """The single error boundary: library errors become exit codes and one-line messages."""
    try:
        code = body() or 0
    except CredwalletError as exc:
        report_error(ctx, exc)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = interrupted(ctx)
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the one boundary that catches bugs
        # A bug. Name the exception type and place, never its message (it could hold data).
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
        err = CredwalletError(
            f"internal error ({type(exc).__name__} at {where}); this is a bug, please report it",
            hint="set CREDWALLET_DEBUG=1 for a traceback",
        )
        if os.environ.get("CREDWALLET_DEBUG") == "1":
            traceback.print_exc()
        report_error(ctx, err)
        code = 70
    raise typer.Exit(code)


def interrupted(ctx: Ctx) -> int:
    """Ctrl-C: with --json still exactly one document (a script reads stdout whatever
    happened), else one line on stderr. -> 130."""
    if ctx.json:
        emit(ctx, {}, ok=False, error=Interrupted("interrupted"))
    else:
        sys.stderr.write("interrupted\n")
    return 130


def iso(value: datetime | None) -> str | None:
    return utc_z(value) if value else None
