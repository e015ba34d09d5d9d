"""`credwallet doctor`: one read-only report on the wallet (see credwallet/doctor.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import say

if TYPE_CHECKING:
    from credwallet.doctor import Report


def _open_and_check(ctx: Ctx, report: Report) -> None:
    """Open the wallet as `list` does (no lock, no save) and check what is inside."""
    from credwallet import doctor
    from credwallet.errors import CredwalletError, Interrupted, PassphraseUnavailable

    try:
        wallet = ctx.open_wallet()
    except Interrupted:
        raise
    except PassphraseUnavailable:
        report.add(doctor.Check("unlock", "skipped", "no passphrase given and no terminal to "
                                "ask on: the wallet's contents were not checked",
                                "--passphrase-file PATH or CREDWALLET_PASSPHRASE"))
        doctor.skip_rest(report, "the wallet was not opened", unlock=False)
        return
    except CredwalletError as exc:
        report.add(doctor.Check("unlock", "failed", exc.message, exc.hint, exc))
        doctor.skip_rest(report, "the wallet did not open", unlock=False)
        return
    report.add(doctor.Check("unlock", "ok", "the passphrase opens the wallet"))
    doctor.check_contents(report, wallet, ctx.now())


def build_report(ctx: Ctx) -> Report:
    from credwallet import doctor

    path = ctx.wallet_path
    report = doctor.Report(path.parent)
    doctor.check_home(report)
    blob = doctor.check_wallet_file(report, path)
    if blob is None:
        report.add(doctor.Check("kdf", "skipped", "no wallet file to read"))
    readable = blob is not None and doctor.check_kdf(report, blob)
    del blob
    doctor.check_lock(report, path.with_name(path.name + ".lock"))
    if not readable or any(c.status == "failed" for c in report.checks):
        # An unsafe home is not where a passphrase should be typed; a damaged file cannot open.
        doctor.skip_rest(report, "the wallet cannot be opened safely (see above)")
    else:
        _open_and_check(ctx, report)
    return report


def _human(report: Report) -> None:
    for check in report.checks:
        say(f"{check.status:<8} {check.check:<11} {check.detail}")
        if check.hint and check.status != "ok":
            say(f"{'':<8} {'':<11} hint: {check.hint}")
    counts = {s: sum(1 for c in report.checks if c.status == s)
              for s in ("ok", "warning", "failed", "skipped")}
    say(", ".join(f"{n} {s}" for s, n in counts.items()))


def register(app: typer.Typer) -> None:
    @app.command("doctor")
    def doctor_(json_out: JsonOpt = False, home: HomeOpt = None,
                passphrase_file: PassFileOpt = None) -> None:
        """Check the wallet and say what needs attention, without changing anything: the home
        and wallet file (permissions), the lock, key-derivation parameters, how old the cached
        status lists and keys are (refresh recommended), identities, trust, pathways.

        \b
        Examples:
          credwallet doctor
          credwallet doctor --json --passphrase-file pass.txt
        """
        ctx = Ctx("doctor", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet import doctor

            report = build_report(ctx)
            failure = report.failure()
            emit(ctx, doctor.document(report), lambda: _human(report), ok=failure is None,
                 error=failure)
            return failure.exit_code if failure else 0

        run_command(ctx, body)
