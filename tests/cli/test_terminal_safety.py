"""Terminal injection (issue #11 item 8): credential, server and argument text reaches the
terminal inert on every path. No ESC/CSI/OSC/C1/BEL/bidi character is printed, rich emoji
codes and markup in data print literally, and --json carries such characters escaped."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_inproc
from tests.export.helpers import Issuer, ob3
from tests.issuer_site import IssuerSite

CSI = "\x1b[31m"
OSC52 = "\x1b]52;c;aGFja2Vk\x07"  # would write "hacked" to the clipboard
OSC8 = "\x1b]8;;https://evil.test/\x1b\\link\x1b]8;;\x1b\\"  # hidden hyperlink
C1_CSI = "\x9b2J"  # one-byte CSI: clear screen
EMOJI = ":white_heavy_check_mark:"
MARKUP = "[bold red]x[/]"
NASTY = f"Badge{CSI}{OSC52}{OSC8}{C1_CSI}\u202eRTL {EMOJI} {MARKUP}"
SUBJECT = f"did:example:learner{CSI}{C1_CSI}{EMOJI}"  # quoted by verify's recipient check
# Anything a terminal could act on (tab and newline are layout, not control).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WIDE = {"COLUMNS": "400"}  # no wrapping, so literal checks see whole strings


def assert_inert(text: str, what: str = "output") -> None:
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not found, f"{what} printed control characters {found}:\n{text!r}"
    for emoji in ("\u2705", "\U0001f511"):  # what :white_heavy_check_mark: and :key: become
        assert emoji not in text, f"{what} turned an emoji code into {emoji!r}:\n{text}"


def assert_literal(text: str, *needles: str) -> None:
    for needle in needles:
        assert needle in text, f"{needle!r} not printed literally:\n{text}"


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", WIDE["COLUMNS"])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Signed credential files: one named, described and issued by NASTY; one whose issuer has
    only its did:key (so lists show the DID); and that DID."""
    nasty_issuer = Issuer(NASTY)
    plain_issuer = Issuer(None)
    docs = {
        "nasty": ob3(nasty_issuer, name=NASTY, description=NASTY, criteria=NASTY, tags=[NASTY],
                     subject_id=SUBJECT, cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e5c1"),
        "didkey": ob3(plain_issuer, name="Keyed badge",
                      cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e5c2"),
    }
    out = {"did": plain_issuer.did}
    for key, doc in docs.items():
        path = tmp_path / f"{key}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        out[key] = str(path)
    return out


@pytest.fixture
def loaded(isolated_home: Path, files: dict[str, str]) -> dict[str, str]:
    """A wallet holding both credentials -> {"nasty": id, "didkey": id, "did": issuer DID}."""
    assert run_inproc("init", "--json").code == 0
    res = run_inproc("import", files["nasty"], files["didkey"], "--json")
    assert res.code == 0, res
    items = json.loads(res.stdout)["items"]
    return {"nasty": items[0]["id"], "didkey": items[1]["id"], "did": files["did"]}


def strings(doc: Any) -> Iterator[str]:
    if isinstance(doc, str):
        yield doc
    elif isinstance(doc, dict):
        for v in doc.values():
            yield from strings(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from strings(v)


def test_import_list_show_through_the_real_entry_point(isolated_home: Path,
                                                        files: dict[str, str]) -> None:
    assert run_inproc("init", "--json").code == 0
    res = run_inproc("import", files["nasty"], files["didkey"], env=WIDE)
    assert res.code == 0, res
    assert_inert(res.stdout + res.stderr, "import")
    assert_literal(res.stdout, EMOJI, MARKUP)
    listed = run_inproc("list", env=WIDE)
    assert listed.code == 0, listed
    assert_inert(listed.stdout + listed.stderr, "list")
    assert_literal(listed.stdout, EMOJI, MARKUP, files["did"])
    nasty_id = run_inproc("list", "--json").json()["credentials"][0]["id"]
    shown = run_inproc("show", nasty_id, env=WIDE)
    assert shown.code == 0, shown
    assert_inert(shown.stdout + shown.stderr, "show")
    assert_literal(shown.stdout, EMOJI, MARKUP, "did:key:z6Mk")


def test_show_of_the_did_key_issuer_keeps_the_did(loaded: dict[str, str]) -> None:
    res = run_inproc("show", loaded["didkey"])
    assert res.code == 0, res
    assert_inert(res.stdout + res.stderr, "show")
    assert_literal(res.stdout, loaded["did"])


@pytest.mark.parametrize("args", [("verify", "--all", "--verbose"), ("verify", "NASTY"), ("list",),
                                  ("show", "NASTY")], ids=" ".join)
def test_wallet_commands(loaded: dict[str, str], args: tuple[str, ...]) -> None:
    argv = [loaded["nasty"] if a == "NASTY" else a for a in args]
    res = run_inproc(*argv)
    assert res.code in (0, 1), res
    assert_inert(res.stdout + res.stderr, " ".join(args))
    if args[0] == "verify":
        assert_literal(res.stdout, "signed by did:key:z6Mk", EMOJI)


@pytest.mark.parametrize("args", [("list",), ("show", "NASTY"), ("verify", "--all")],
                         ids=" ".join)
def test_json_output_escapes_and_keeps_the_data(loaded: dict[str, str],
                                                args: tuple[str, ...]) -> None:
    argv = [loaded["nasty"] if a == "NASTY" else a for a in args]
    res = run_inproc(*argv, "--json")
    assert res.code in (0, 1), res
    assert_inert(res.stdout, "--json")
    wanted = SUBJECT if args[0] == "verify" else NASTY  # the data itself is unchanged
    assert any(wanted in s for s in strings(json.loads(res.stdout))), res.stdout


def test_verify_file_whose_name_and_content_are_hostile(isolated_home: Path,
                                                        files: dict[str, str]) -> None:
    source = Path(files["nasty"])
    hostile = source.with_name(f"cred{CSI}{OSC52}.json")
    hostile.write_bytes(source.read_bytes())
    missing = source.with_name(f"gone{C1_CSI}{CSI}.json")
    res = run_inproc("verify", "--file", str(hostile), "--file", str(missing))
    assert res.code == 3, res
    assert_inert(res.stdout + res.stderr, "verify --file")
    assert_literal(res.stdout, "signed by did:key:z6Mk", "cannot read")


def test_errors_from_the_single_boundary(loaded: dict[str, str]) -> None:
    for args in (("show", f"zz{CSI}{OSC52}"), (f"no-such{CSI}{C1_CSI}",),
                 ("list", f"--bogus{OSC52}"), ("pathway", "add", f"/nope/{CSI}{EMOJI}.toml")):
        res = run_inproc(*args)
        assert res.code in (2, 3, 4, 6), (args, res)
        assert_inert(res.stdout + res.stderr, f"error of {args}")
        doc = run_inproc(*args, "--json")
        assert_inert(doc.stdout + doc.stderr, f"--json error of {args}")
        assert json.loads(doc.stdout)["ok"] is False


def test_trust_labels_and_ids(loaded: dict[str, str]) -> None:
    added = run_inproc("trust", "add", loaded["did"], "--label", NASTY)
    assert added.code == 0, added
    listed = run_inproc("trust", "list")
    assert listed.code == 0, listed
    for res in (added, listed):
        assert_inert(res.stdout + res.stderr, "trust")
        assert_literal(res.stdout, loaded["did"], EMOJI, MARKUP)


def _pathway(name: str) -> dict[str, Any]:
    return {"name": name, "title": NASTY, "description": NASTY, "provider": {"name": NASTY},
            "requirements": [{"title": NASTY, "tag": NASTY},
                             {"title": NASTY, "description": NASTY, "name": f"missing {NASTY}"}]}


def test_pathway_show_list_and_progress(loaded: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "nasty.json"
    path.write_text(json.dumps(_pathway("nasty-path")), encoding="utf-8")
    for args in (("pathway", "check", str(path)), ("pathway", "add", str(path)),
                 ("pathway", "list"), ("pathway", "show", "nasty-path"), ("progress",)):
        res = run_inproc(*args)
        assert res.code == 0, (args, res)
        assert_inert(res.stdout + res.stderr, " ".join(args[:2]))
        assert_literal(res.stdout, EMOJI, MARKUP)


@pytest.fixture
def site() -> Iterator[IssuerSite]:
    s = IssuerSite().start()
    try:
        yield s
    finally:
        s.stop()


def test_server_text_during_import_and_pathway_add(loaded: dict[str, str],
                                                   site: IssuerSite) -> None:
    # A content type (reflected in the error) and an image URL and type (reflected in the
    # warnings) chosen by the server; headers can carry the C1 byte 0x9b, not ESC.
    site.raw("/weird", b"\x1b[31mnot a credential\x9b", "text/plain\x9b2J")
    site.raw("/img.png", b"<html>", "text/html\x9b2J")
    issuer = Issuer(NASTY)
    site.json("/c1.json", ob3(issuer, name=NASTY, image=site.url("/img.png"),
                              cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e5c3"))
    site.json("/c2.json", ob3(issuer, name="two", image=site.url(f"/img{C1_CSI}\u202e.png"),
                              cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e5c4"))
    site.json("/pathway.json", _pathway("served-path"), ctype="application/json")
    urls = [site.url(p) for p in ("/weird", "/c1.json", "/c2.json")]
    res = run_inproc("import", *urls)
    assert res.code == 3, res
    assert_inert(res.stdout + res.stderr, "import from the server")
    assert_literal(res.stderr, "warning: ", "is not an image", "not cached")
    assert_literal(res.stdout, "served as", EMOJI, MARKUP)
    doc = run_inproc("import", *urls, "--json")
    assert_inert(doc.stdout + doc.stderr, "import --json from the server")
    warnings = [w for i in json.loads(doc.stdout)["items"] for w in i["warnings"]]
    assert any("\x9b2J" in w for w in warnings), warnings  # the data itself is kept
    added = run_inproc("pathway", "add", site.url("/pathway.json"))
    assert added.code == 0, added
    assert_inert(added.stdout + added.stderr, "pathway add URL")


def test_import_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from credwallet.cli import common
    from credwallet.cli.console import make_console
    from credwallet.cli.import_cmd import RichProgress

    buf = io.StringIO()
    monkeypatch.setattr(common, "stderr_console", lambda: make_console(
        stderr=True, file=buf, force_terminal=True, width=120, color_system="standard"))
    bar = RichProgress(NASTY)
    bar.start(3)
    bar.advance("x")
    bar.finish()
    out = buf.getvalue()
    # rich's own cursor moves and styles are ESC sequences here; none of the label's are.
    for seq in (CSI, "\x1b]", "\x07", "\x9b", "\u202e"):
        assert seq not in out, f"{seq!r} from the label reached the terminal: {out!r}"
    assert_literal(out, EMOJI, MARKUP)


def test_colour_terminal_output_has_only_rich_styles(loaded: dict[str, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (("list",), ("show", loaded["nasty"]), ("verify", loaded["nasty"])):
        res = run_inproc(*args, env={"FORCE_COLOR": "1"})
        assert res.code == 0, res
        assert "\x1b[" in res.stdout, "not styled: the test would prove nothing"
        # Remove rich's SGR styling; whatever control character is left came from data.
        unstyled = re.sub(r"\x1b\[[0-9;]*m", "", res.stdout)
        assert_inert(unstyled, args[0])
        # The data's own CSI was neutralised, not passed on.
        assert_literal(unstyled, "\ufffd[31m", EMOJI)


def test_demo_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    from credwallet.cli.demo_cmd import _human
    from credwallet.demo.journey import DemoReport
    from credwallet.importer import ImportItem
    from credwallet.models import Check, VerificationResult

    now = datetime(2026, 1, 1, tzinfo=UTC)
    result = VerificationResult.from_checks(
        [Check(check="proof", status="failed", detail=f"by {NASTY}")], id="abc123",
        source=NASTY, checked_at=now)
    report = DemoReport(
        wallet_home="/tmp/x", holder="did:key:z6MkDemoHolder", site_url=f"http://127.0.0.1/{CSI}",
        sources=[], expectations={},
        imported=[ImportItem(source=NASTY, status="imported", id="abc123", format=NASTY,
                             name=NASTY, verification=result, warnings=[NASTY]),
                  ImportItem(source=NASTY, status="failed", error=NASTY)],
        results=[result], names={"abc123": NASTY}, exports={"html": f"/tmp/{NASTY}.html"},
        surprises=[NASTY])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _human(report)
    assert_inert(out.getvalue(), "demo")
    assert_literal(out.getvalue(), "did:key:z6MkDemoHolder", EMOJI, MARKUP)


SRC = Path(__file__).resolve().parents[2] / "src" / "credwallet"
# Plain print() of text that is not data; init prints the wallet path, which the user chose.
PRINT_OK = {"passwd_cmd.py", "init_cmd.py"}


def test_one_console_factory_and_no_raw_print() -> None:
    """Every rich console comes from credwallet.cli.console (emoji off, output filtered), every
    progress bar is given one, and CLI modules print data through textsafe.say, not print()."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        if rel != "cli/console.py" and re.search(r"\bConsole\(|get_console\(|from rich import print", text):
            offenders.append(f"{rel}: makes its own rich console")
        for call in re.finditer(r"\bProgress\((.*?)\)\s*(?:as|$)", text, re.S | re.M):
            if "console=" not in call.group(1):
                offenders.append(f"{rel}: Progress without console= (rich's global console)")
        if rel.startswith("cli/") and path.name not in PRINT_OK and re.search(r"(?<![.\w])print\(", text):
            offenders.append(f"{rel}: print() instead of textsafe.say")
    assert not offenders, offenders


def test_line_breaks_in_data_cannot_forge_result_lines(isolated_home: Path, tmp_path: Path) -> None:
    forged = "\nimported   0000000000000000  Forged degree  [ob3-ldp]\nVERIFIED  0000"
    doc = ob3(Issuer("Someone"), name=f"Real{forged}",
              cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e5c5")
    path = tmp_path / f"cred{forged}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert run_inproc("init", "--json").code == 0
    imported = run_inproc("import", str(path), "--keep-invalid")
    verified = run_inproc("verify", "--file", str(path), "--file", str(tmp_path / f"x{forged}"))
    for res in (imported, verified):
        lines = (res.stdout + res.stderr).splitlines()
        assert not [ln for ln in lines if ln.startswith(("imported   0000", "VERIFIED  0000"))], res
