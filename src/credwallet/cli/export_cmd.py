"""`credwallet export --format FMT [ID...]`: hand verified credentials to someone else."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli.common import Ctx, HomeOpt, JsonOpt, PassFileOpt, emit, run_command
from credwallet.errors import BadInput, UsageError

MAX_MERGE_BYTES = 5 * 1024 * 1024
DURATION_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_EXPIRES_IN_DAYS = 3660  # ten years: a longer-lived presentation proof is not a bound

# The names of export.model.FORMATS, spelled out: importing the export package when the
# commands are registered would slow every command's start-up (tests/export keep them equal).
FORMAT_LIST = (
    ("vp", "a signed presentation for a verifier"),
    ("bundle", "a zip of presentation, originals, report and web page"),
    ("html", "a portfolio web page anyone can verify"),
    ("linkedin", "add-to-profile links"),
    ("markdown", "a resume section"),
    ("jsonresume", "JSON Resume certificates"),
    ("json", "the credentials and their verification as data"),
)


def _need_format(ctx: Any, _param: Any, value: str | None) -> str | None:
    """No --format: a usage error (as a missing option always was) that lists the formats."""
    if value is None and not ctx.resilient_parsing:
        listing = "; ".join(f"{name}: {what}" for name, what in FORMAT_LIST)
        ctx.fail(f"missing --format FMT, one of {listing}")
    return value


FormatOpt = Annotated[str | None, typer.Option("--format", "-f", metavar="FMT",
                                               callback=_need_format,
                                               help="vp, bundle, html, linkedin, markdown, "
                                                    "jsonresume or json (required).")]


def _parse_org_ids(values: list[str]) -> dict[str, str]:
    from credwallet.export.linkedin import ORG_ID_RE

    out: dict[str, str] = {}
    for value in values:
        issuer, sep, org = value.rpartition("=")
        if not sep or not issuer.strip() or not ORG_ID_RE.match(org.strip()):
            raise UsageError(f"--org-id expects ISSUER=ID with a numeric LinkedIn id, got {value!r}")
        out[issuer.strip()] = org.strip()
    return out


def _parse_duration(value: str) -> timedelta:
    """`--expires-in`: a whole number and a unit, m(inutes), h(ours), d(ays) or w(eeks)."""
    text = value.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in DURATION_UNITS or not number.isascii() or not number.isdigit():
        raise UsageError(f"--expires-in expects a duration such as 30d, 12h, 2w or 90m, "
                         f"got {value!r}")
    seconds = int(number) * DURATION_UNITS[unit]
    if seconds <= 0:
        raise UsageError("--expires-in must be longer than zero")
    if seconds > MAX_EXPIRES_IN_DAYS * 86400:
        raise UsageError(f"--expires-in is at most {MAX_EXPIRES_IN_DAYS}d (ten years)")
    return timedelta(seconds=seconds)


def _read_merge(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MERGE_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_MERGE_BYTES:
        raise BadInput(f"{path} is too large for a resume")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BadInput(f"{path} is not a JSON file") from None
    if not isinstance(doc, dict):
        raise BadInput(f"{path} is not a JSON Resume (expected an object)")
    return doc


def _write(path: str, data: bytes, *, force: bool) -> str:
    """Write `data` to `path` via a temp file in the same directory and a rename; an existing
    file is replaced only with --force (as `backup` does)."""
    target = Path(path).expanduser()
    try:
        is_dir, exists = target.is_dir(), target.exists()
    except (OSError, ValueError) as exc:  # e.g. a name too long for the file system
        raise UsageError(f"cannot use {str(path)[:200]!r} as the output file: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    if is_dir:
        raise UsageError(f"{path} is a directory; give a file name")
    if exists and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".credwallet-export-", dir=parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; honour umask like any new file
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    return str(target)


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        fmt: FormatOpt = None,
        ids: Annotated[list[str] | None, typer.Argument(metavar="ID",
                                                        help="Wallet ids or unique prefixes "
                                                             "(default: all).")] = None,
        pathway: Annotated[str | None, typer.Option("--pathway", metavar="NAME",
                                                    help="Export the credentials that satisfy "
                                                         "this pathway, with its progress.")] = None,
        tag: Annotated[list[str] | None, typer.Option("--tag", metavar="TAG",
                                                      help="Only credentials with this tag "
                                                           "(repeatable).")] = None,
        output: Annotated[str | None, typer.Option("--output", "-o", metavar="PATH",
                                                   help="Write here instead of stdout.")] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
        include_unverified: Annotated[bool, typer.Option(
            "--include-unverified", help="Also export credentials that did not verify "
                                         "(marked as such).")] = False,
        include_identity: Annotated[bool, typer.Option(
            "--include-identity", help="Allow your e-mail/phone identifiers in the output.")] = False,
        include_unmatched: Annotated[bool, typer.Option(
            "--include-unmatched", help="Also export credentials not issued to you (marked "
                                        "'not issued to the holder'; never in a presentation).")
        ] = False,
        challenge: Annotated[str | None, typer.Option("--challenge", metavar="C",
                                                      help="vp: the verifier's challenge.")] = None,
        domain: Annotated[str | None, typer.Option("--domain", metavar="D",
                                                   help="vp: the verifier's domain.")] = None,
        expires_in: Annotated[str | None, typer.Option(
            "--expires-in", metavar="DURATION",
            help="vp, bundle, html: the holder's proof on the presentation expires after "
                 "DURATION (30d, 12h, 2w, 90m).")] = None,
        merge: Annotated[str | None, typer.Option("--merge", metavar="FILE",
                                                  help="jsonresume: merge into this resume.")] = None,
        org_id: Annotated[list[str] | None, typer.Option(
            "--org-id", metavar="ISSUER=ID",
            help="linkedin: LinkedIn organization id for an issuer (id or name).")] = None,
        remember_org_ids: Annotated[bool, typer.Option(
            "--remember-org-ids", help="Save the --org-id mappings in the wallet.")] = False,
        json_out: JsonOpt = False, home: HomeOpt = None, passphrase_file: PassFileOpt = None,
    ) -> None:
        """Export verified credentials: signed presentation, zip bundle, web page, resume,
        LinkedIn links or JSON.

        \b
        Examples:
          credwallet export --format html -o portfolio.html
          credwallet export --format vp --challenge 8f3e --domain jobs.example -o vp.json
          credwallet export --format bundle --pathway data-analytics -o bundle.zip
        """
        ctx = Ctx("export", json_out, home, passphrase_file)

        def body() -> int:
            from credwallet.export import ExportOptions, run_export
            from credwallet.export.linkedin import SETTING
            from credwallet.export.model import export_format
            from credwallet.importer import default_verifier

            assert fmt is not None  # _need_format
            spec = export_format(fmt, ids=bool(ids), pathway=bool(pathway), merge=bool(merge),
                                 challenge=bool(challenge or domain),
                                 expires=expires_in is not None)
            to_stdout = output in (None, "-")
            if spec.binary and to_stdout and (ctx.json or sys.stdout.isatty()):
                raise UsageError(f"a {fmt} is a zip file; write it with -o PATH")
            org_ids = _parse_org_ids(org_id or [])
            if remember_org_ids and not org_ids:
                raise UsageError("--remember-org-ids needs at least one --org-id ISSUER=ID")
            opts = ExportOptions(
                fmt=fmt, now=ctx.now(), ids=list(ids or []), pathway=pathway, tags=list(tag or []),
                include_unverified=include_unverified, include_identity=include_identity,
                include_unmatched=include_unmatched, challenge=challenge, domain=domain,
                merge=_read_merge(merge) if merge else None, org_ids=org_ids,
                expires_in=_parse_duration(expires_in) if expires_in is not None else None)
            if remember_org_ids:
                with ctx.transaction() as wallet:
                    saved = wallet.settings.get(SETTING)
                    wallet.settings[SETTING] = {**(saved if isinstance(saved, dict) else {}),
                                                **org_ids}
            wallet = ctx.open_wallet()
            result = run_export(wallet, opts, verifier=default_verifier())
            written = None if to_stdout else _write(str(output), result.content, force=force)
            payload = result.contract_dict(written)
            if ctx.json:
                if written is None:
                    text = result.content.decode("utf-8")
                    payload["document"] = json.loads(text) if spec.json_document else text
                emit(ctx, payload)
                return 0
            if written is None:
                sys.stdout.buffer.write(result.content)
                sys.stdout.flush()
                _notes(_others(result), sys.stderr)
            else:
                _human(result, written)
            _unmatched_line(result, sys.stderr)
            return 0

        run_command(ctx, body)


def _others(result: Any) -> list[Any]:
    """Skipped entries except those not issued to the holder (summed up in one line)."""
    unmatched = {u["id"] for u in result.unmatched}
    return [s for s in result.skipped if s.id not in unmatched]


def _unmatched_line(result: Any, stream: Any) -> None:
    """One line on how many credentials not issued to the holder were left out or included."""
    from credwallet.cli.textsafe import plain

    summary = result.unmatched_summary()
    left, included = summary["left_out"], summary["included"]
    if not left and not included:
        return
    whys = sorted({str(u["why"]) for u in summary["credentials"]})
    ids = ", ".join(str(u["id"]) for u in summary["credentials"])
    if left:
        tail = ("a presentation never holds them" if result.fmt == "vp"
                else "--include-unmatched exports them marked 'not issued to the holder'")
        text = (f"left out {left} credential(s) not issued to you ({'; '.join(whys)}): {ids}; "
                f"{tail}")
        if included:
            text += f"; {included} included, marked 'not issued to the holder'"
    else:
        text = (f"included {included} credential(s) not issued to you, marked 'not issued to "
                f"the holder' ({'; '.join(whys)}): {ids}")
    stream.write(plain(text) + "\n")


def _notes(skipped: list[Any], stream: Any) -> None:
    from credwallet.cli.textsafe import plain

    for s in skipped:
        stream.write(plain(f"skipped {s.id}: {s.reason}", oneline=True) + "\n")


def _human(result: Any, written: str) -> None:
    from credwallet.cli.common import stdout_console
    from credwallet.cli.textsafe import clean as escape

    console = stdout_console()
    console.print(f"Wrote {escape(result.fmt)} with {len(result.credentials)} credential(s) "
                  f"to {escape(written)}")
    for s in _others(result):
        console.print(f"[yellow]skipped[/yellow] {escape(s.id)}: {escape(s.reason)}")
