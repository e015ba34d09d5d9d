"""`credwallet verify`: offline verification of stored credentials or of files (no wallet needed)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli.clip import clip
from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.cli.textsafe import plain, say
from credwallet.errors import (
    BadInput,
    CredwalletError,
    UsageError,
    VerificationFailed,
    WalletError,
    WalletLocked,
    WalletWriteError,
    most_serious,
)
from credwallet.models import CachedDocument, Check, CheckName, VerificationResult
from credwallet.models.entry import DamagedEntry
from credwallet.models.results import VERDICT

MAX_FILE_BYTES = 16 * 1024 * 1024
POOL_THRESHOLD = 8  # below this, process start-up costs more than it saves

_worker_state: dict[str, Any] = {}


def _init_worker(
    cache: dict[str, CachedDocument], identities: list[str], holder: str | None, trust: Any = None
) -> None:
    from credwallet.verify import DictMaterial

    _worker_state.update(material=DictMaterial(cache), identities=identities, holder=holder, trust=trust)


def _verify_task(raw: bytes, fmt: str, wallet_id: str, source: str, now: datetime) -> str:
    from credwallet.verify import verify_bytes

    try:
        result = verify_bytes(
            raw,
            now=now,
            material=_worker_state["material"],
            identities=_worker_state["identities"],
            holder_did=_worker_state["holder"],
            format=fmt,
            wallet_id=wallet_id,
            source=source,
            trust=_worker_state.get("trust"),
        )
    except BadInput as exc:
        result = _unreadable(exc, now, wallet_id=wallet_id, source=source)
    except DamagedEntry as exc:  # a cached document it needs is damaged
        result = _damaged(exc, now, wallet_id=wallet_id, source=source)
    return result.model_dump_json()


DAMAGED_CHECK = CheckName.STORED_ENTRY


def _damaged(exc: DamagedEntry, now: datetime, *, wallet_id: str | None,
             source: str | None) -> VerificationResult:
    """The result for an entry the wallet holds but cannot decode (exit 4 for that item)."""
    return VerificationResult.from_checks(
        [Check(check=DAMAGED_CHECK, status="failed", detail=exc.message)],
        id=wallet_id, source=source, checked_at=now)


def _is_damaged(r: VerificationResult) -> bool:
    return any(c.check == DAMAGED_CHECK and c.status == "failed" for c in r.checks)


def _unreadable(
    exc: CredwalletError, now: datetime, *, wallet_id: str | None = None, source: str | None = None
) -> VerificationResult:
    return VerificationResult.from_checks(
        [Check(check=CheckName.FORMAT, status="failed", detail=exc.message)],
        id=wallet_id,
        source=source,
        checked_at=now,
    )


def _parse_at(value: str | None, ctx: Ctx) -> datetime:
    if value is None:
        return ctx.now()
    from credwallet.verify.dates import parse_at

    try:
        return parse_at(value)
    except ValueError as exc:
        raise UsageError(f"--at {plain(value, oneline=True)[:64]!r}: {exc}") from None


def _verify_files(
    paths: list[str],
    now: datetime,
    require_trusted: bool = False,
    *,
    offline: bool = True,
    challenge: str | None = None,
    domain: str | None = None,
    allow_hosts: list[Any] | None = None,
) -> tuple[list[VerificationResult], list[int]]:
    """Files checked without a wallet: a credential, a presentation, a bundle zip or a page.

    Online (the default for files), what verification needs is fetched now under the network
    rules, and each fetched item is reported with its time; offline, nothing is fetched and the
    checks say what could not be established.
    """
    from credwallet.artifact import gather_online, open_artifact
    from credwallet.verify import DictMaterial, EmptyMaterial, verify_bytes
    from credwallet.verify.engine import walletless_trust

    trust = walletless_trust(require_trusted=require_trusted)
    results: list[VerificationResult] = []
    codes: list[int] = []
    for path in paths:
        try:
            p = Path(path)
            if p.stat().st_size > MAX_FILE_BYTES:
                raise BadInput(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            raw = p.read_bytes()
        except OSError as exc:
            err = BadInput(f"cannot read {path}: {exc.strerror}")
            results.append(_unreadable(err, now, source=path))
            codes.append(err.exit_code)
            continue
        try:
            opened = open_artifact(raw, path)
            gathered = None if offline else gather_online(opened.data, path, allow_hosts=allow_hosts or [])
            material = DictMaterial(gathered.material) if gathered else EmptyMaterial()
            result = verify_bytes(opened.data, now=now, material=material, source=path, trust=trust,
                                  challenge=challenge, domain=domain)
        except BadInput as exc:
            results.append(_unreadable(exc, now, source=path))
            codes.append(exc.exit_code)
            continue
        if opened.checks:
            checks = [*opened.checks, *result.checks]
            result = result.model_copy(update={"checks": checks, "verified": VERDICT.verified(checks)})
        result.extra["opened_as"] = opened.kind
        if gathered is not None:
            result.extra["fetched"] = gathered.fetched
            result.extra["fetch_problems"] = gathered.problems
        else:
            result.extra["fetched"] = None  # offline: nothing was fetched
        results.append(result)
        codes.append(0 if result.verified else 1)
    return results, codes


def wallet_trust(wallet: Any, require_trusted: bool) -> Any:
    from credwallet.verify.engine import wallet_trust as policy_of

    return policy_of(wallet, require_trusted=require_trusted)


def _verify_stored(
    ctx: Ctx,
    refs: list[str],
    all_: bool,
    now: datetime,
    store_results: bool,
    require_trusted: bool = False,
) -> tuple[list[VerificationResult], list[int]]:
    results: list[VerificationResult] | None = None
    if not store_results:
        results = _verify_wallet(ctx, ctx.open_wallet(), refs, all_, now, require_trusted)
    else:
        try:
            with ctx.transaction() as wallet:
                results = _verify_wallet(ctx, wallet, refs, all_, now, require_trusted)
                by_id = {r.id: r for r in results}
                for cred in wallet.credentials:
                    if cred.id in by_id:
                        cred.verification = by_id[cred.id]
        except WalletError as exc:
            # A read-only or locked wallet can still be verified; only the record is lost.
            if type(exc) not in (WalletLocked, WalletWriteError, WalletError):
                raise
            if results is None:
                results = _verify_wallet(ctx, ctx.open_wallet(), refs, all_, now, require_trusted)
            say(f"warning: verification results not stored in the wallet: {exc.message}", err=True)
    codes = [0 if r.verified else 4 if _is_damaged(r) else 3 if _is_unreadable(r) else 1
             for r in results]
    return results, codes


def _verify_wallet(
    ctx: Ctx, wallet: Any, refs: list[str], all_: bool, now: datetime, require_trusted: bool
) -> list[VerificationResult]:
    creds = list(wallet.credentials) if all_ else []
    for ref in refs:  # NotFound (exit 6) for an unknown id, before any work
        cred = wallet.find(ref)
        if cred not in creds:
            creds.append(cred)
    identities = [i.value for i in wallet.identities]
    trust = wallet_trust(wallet, require_trusted)
    # A damaged entry is reported as such; the others are still verified.
    damaged: dict[str, VerificationResult] = {}
    jobs = []
    for c in creds:
        try:
            jobs.append((c.raw_bytes(), c.format, c.id, c.source, now))
        except DamagedEntry as exc:
            damaged[c.id] = _damaged(exc, now, wallet_id=c.id, source=c.source)
    if not jobs:
        return [damaged[c.id] for c in creds]
    _init_worker(wallet.cache, identities, wallet.holder.did, trust)
    if len(jobs) > POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        # Verify the first one here: forked workers then inherit the imported modules and
        # the processed bundled contexts instead of each warming up from cold.
        first = _verify_task(*jobs[0])
        rest = jobs[1:]
        from concurrent.futures import ProcessPoolExecutor  # lazy: startup time

        with ProcessPoolExecutor(
            max_workers=os.cpu_count(),
            initializer=_init_worker,
            initargs=(wallet.cache, identities, wallet.holder.did, trust),
        ) as pool:
            stream = pool.map(
                _verify_task,
                *zip(*rest, strict=True),
                chunksize=max(1, min(32, len(rest) // (4 * (os.cpu_count() or 1)))),
            )
            dumped = [first, *_with_progress(stream, len(rest), quiet=ctx.json)]
    else:
        dumped = [_verify_task(*job) for job in jobs]
    done = iter(VerificationResult.model_validate_json(d) for d in dumped)
    return [damaged[c.id] if c.id in damaged else next(done) for c in creds]


def _with_progress(stream: Iterator[str], total: int, *, quiet: bool) -> list[str]:
    """Collect results, with a progress bar on stderr when a person is watching."""
    if quiet or not sys.stderr.isatty():
        return list(stream)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from credwallet.cli.common import stderr_console

    out: list[str] = []
    # markup=False: a task description is never parsed for markup or emoji codes.
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  MofNCompleteColumn(), console=stderr_console(), transient=True) as progress:
        task = progress.add_task("verifying", total=total)
        for item in stream:
            out.append(item)
            progress.advance(task)
    return out


def _summary_error(results: list[VerificationResult], codes: list[int], code: int) -> CredwalletError | None:
    """The contract's `error` object for a run that did not end in exit 0."""
    if code == 0:
        return None
    bad = sum(1 for c in codes if c != 0)
    unreadable = sum(1 for c in codes if c == 3)
    message = f"{bad} of {len(results)} did not verify" + (
        f" ({unreadable} unreadable)" if unreadable else ""
    )
    damaged = sum(1 for c in codes if c == 4)
    if damaged:
        message += f" ({damaged} damaged)"
    if code == 4:
        return DamagedEntry(message)
    error = BadInput(message) if code == 3 else VerificationFailed(message)
    return error


def _is_unreadable(r: VerificationResult) -> bool:
    return len(r.checks) == 1 and r.checks[0].check == "format" and r.checks[0].status == "failed"


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        ids: Annotated[
            list[str] | None, typer.Argument(metavar="ID", help="Wallet ids (or unique prefixes).")
        ] = None,
        all_: Annotated[bool, typer.Option("--all", help="Verify every stored credential.")] = False,
        files: Annotated[
            list[str] | None,
            typer.Option("--file", metavar="PATH", help="Verify a file; needs no wallet (repeatable)."),
        ] = None,
        at: Annotated[
            str | None, typer.Option("--at", metavar="ISO-DATETIME", help="Check validity as of this time.")
        ] = None,
        require_trusted: Annotated[
            bool,
            typer.Option(
                "--require-trusted",
                help="Also fail credentials whose issuer is on no trust list or followed registry.",
            ),
        ] = False,
        offline: Annotated[
            bool,
            typer.Option(
                "--offline",
                help="For --file: fetch nothing (also CREDWALLET_OFFLINE=1); say what could not be checked.",
            ),
        ] = False,
        challenge: Annotated[
            str | None,
            typer.Option("--challenge", metavar="TEXT", help="For --file: the challenge (JWT nonce) the "
                         "presentation must carry."),
        ] = None,
        domain: Annotated[
            str | None,
            typer.Option("--domain", metavar="TEXT", help="For --file: the domain (JWT aud) the "
                         "presentation must carry."),
        ] = None,
        allow_host: Annotated[
            list[str] | None,
            typer.Option("--allow-host", metavar="HOST[:PORT]",
                         help="For --file: allow fetching from this exact host even when it resolves "
                              "to a private or loopback address (an intranet issuer). Repeatable."),
        ] = None,
        json_out: JsonOpt = False,
        home: HomeOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Verify credentials: the wallet's own offline, from what was cached at import; a file
        (credential, presentation, bundle zip or portfolio page) needs no wallet and fetches what
        it lacks unless --offline.

        Examples:
          credwallet verify --all
          credwallet verify --file presentation.json --challenge 8f3e --domain jobs.example
          credwallet verify --file credwallet-bundle.zip --offline
        """
        ctx = Ctx("verify", json_out, home, passphrase_file)

        def body() -> int:
            refs = list(ids or [])
            paths = list(files or [])
            if not refs and not all_ and not paths:
                raise UsageError("nothing to verify: give credential ids, --all, or --file PATH")
            now = _parse_at(at, ctx)
            results: list[VerificationResult] = []
            codes: list[int] = []
            if refs or all_:
                # A verdict at a hypothetical --at time, or under a stricter policy than the
                # wallet's, is not stored as the credential's "last verification".
                r, c = _verify_stored(
                    ctx,
                    refs,
                    all_,
                    now,
                    store_results=at is None and not require_trusted,
                    require_trusted=require_trusted,
                )
                results += r
                codes += c
            if paths:
                no_network = offline or os.environ.get("CREDWALLET_OFFLINE") == "1"
                from credwallet.cli.import_cmd import parse_allow_hosts

                r, c = _verify_files(paths, now, require_trusted, offline=no_network,
                                     challenge=challenge, domain=domain,
                                     allow_hosts=parse_allow_hosts(allow_host))
                results += r
                codes += c
            code = most_serious(codes) if codes else 0
            emit(
                ctx,
                {"results": [r.contract_dict() for r in results]},
                lambda: render_results(results),
                ok=code == 0,
                error=_summary_error(results, codes, code),
            )
            return code

        run_command(ctx, body)


def render_results(results: list[VerificationResult]) -> None:
    from credwallet.cli.common import stdout_console

    console = stdout_console()
    if not results:
        console.print("Nothing to verify: the wallet is empty.")
    for result in results:
        _render_one(console, result, indent="")


_STYLE = {"passed": "green", "failed": "red", "warning": "yellow", "skipped": "dim"}


def _render_one(console: Any, result: VerificationResult, indent: str) -> None:
    from rich.table import Table
    from rich.text import Text

    who = result.id[:12] if result.id else (result.source or "credential")
    line = Text(indent)
    if result.verified:
        line.append("VERIFIED", style="bold green")
        warnings = [c.check for c in result.checks if c.status == "warning"]
        if warnings:
            line.append(f" (warnings: {', '.join(warnings)})", style="yellow")
    else:
        line.append("NOT VERIFIED", style="bold red")
        failed = [c.check for c in result.checks if c.status == "failed"]
        line.append(f" (failed: {', '.join(failed)})")
    # Text() parses neither markup nor emoji; the strings (file names, signer ids, check
    # details quoting the credential) only need their control characters replaced.
    line.append(f"  {plain(clip(who), oneline=True)}")
    if result.format:
        line.append(f"  [{plain(clip(result.format, 80), oneline=True)}]", style="dim")
    console.print(line, soft_wrap=True)
    details = []
    if result.signer:
        details.append(f"signed by {plain(clip(result.signer), oneline=True)}")
    if result.suite:
        details.append(f"suite {plain(clip(result.suite, 200))}")
    details.append(f"checked at {result.checked_at.isoformat().replace('+00:00', 'Z')}")
    console.print(Text(f"{indent}  " + "; ".join(details), style="dim"), soft_wrap=True)
    table = Table(show_header=True, header_style="bold", pad_edge=False, box=None)
    table.add_column(indent + "check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for c in result.checks:
        table.add_row(Text(indent + plain(clip(c.check, 80))),
                      Text(plain(clip(c.status, 20)), style=_STYLE.get(c.status, "")),
                      Text(plain(clip(c.detail))))
    console.print(table)
    for child in result.nested:
        _render_one(console, child, indent=indent + "    ")
    if not indent:
        console.print()
