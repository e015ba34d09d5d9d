"""The command-line contract (docs/cli.md) against real output.

Every command runs through the real entry point (in process, `credwallet.cli.app.run`; a few
through `python -m credwallet`) in success and failure modes with `--json`; each document must
validate against the JSON Schema its `schema` field names (docs/schemas/), every schema file
must be used, and every timestamp credwallet writes must be RFC 3339 UTC with `Z`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, REPO, run_cli
from tests.fuzz.invariant import run_inproc
from tests.issuer_site import running_sites

SCHEMA_DIR = REPO / "docs" / "schemas"
BASE_URI = "https://credwallet.example/schemas/"
PATHWAY_FORMAT = REPO / "docs" / "pathway.schema.json"
EXAMPLES = REPO / "examples" / "pathways"
DATA = REPO / "tests" / "data"
# RFC 3339 date-time in UTC, written with Z (fractional seconds allowed).
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
LOOKS_LIKE_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# Values copied from a credential or an export file: reported as written there.
VERBATIM = frozenset({"document", "view", "assessment", "issued", "expires", "original",
                      "updated"})  # a registry's own "updated", as the registry writes it


@dataclass
class Run:
    label: str
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def doc(self) -> Any:
        return json.loads(self.stdout)


class Scenario:
    def __init__(self, home: Path, work: Path) -> None:
        self.home, self.work = home, work
        self.runs: list[Run] = []

    def __call__(self, label: str, *args: str, expect: int | None = 0,
                 env: dict[str, str] | None = None, subprocess: bool = False) -> Run:
        argv = (*args, "--json")
        if subprocess:
            res: Any = run_cli(*argv, env=env)
            run = Run(label, argv, res.code, res.stdout, res.stderr)
        else:
            res = run_inproc(*argv, env=env)
            run = Run(label, argv, res.code, res.stdout, res.stderr)
        if expect is not None:
            assert run.code == expect, f"{label}: {run.code} != {expect}\n{res!r}"
        self.runs.append(run)
        return run


def _scenario(s: Scenario) -> None:
    work = s.work
    # Failures before a wallet exists.
    s("list without a wallet", "list", expect=4)
    s("doctor without a wallet", "doctor", expect=4)
    s("verify nothing", "verify", expect=2)
    s("usage: unknown command", "bogus", expect=2)
    s("usage: unknown option", "list", "--bogus", expect=2)
    s("init", "init")
    s("init again", "init", expect=4)
    s("list, empty", "list")
    s("list, wrong passphrase", "list", expect=4, env={"CREDWALLET_PASSPHRASE": "wrong one!"})

    # Identities.
    s("identity add", "identity", "add", "learner@example.com")
    s("identity add, present", "identity", "add", "LEARNER@example.com")
    s("identity add did", "identity", "add", "did:example:learner")
    s("identity add, then removed", "identity", "add", "+1 555 123 4567")
    s("identity list", "identity", "list")
    s("identity remove", "identity", "remove", "+1 555 123 4567")
    s("identity remove, absent", "identity", "remove", "nobody@example.com", expect=6)
    s("identity name, none yet", "identity", "name")
    s("identity name", "identity", "name", "Alex  Rivera")
    s("identity name, same", "identity", "name", "Alex Rivera")
    s("identity name, with a control character", "identity", "name", "Alex\x1b[2J", expect=2)
    s("identity name and --clear", "identity", "name", "Alex", "--clear", expect=2)
    s("identity name --clear", "identity", "name", "--clear")
    s("identity name, set for the exports", "identity", "name", "Alex Rivera")
    s("identity list, with a name", "identity", "list")

    with running_sites(n_ob2=1, extras=True) as sites:
        site = sites.site
        registry = site.json("/registry.json", {"meta": {"updated": "2026-01-01"},
                                                "registry": {sites.ob3_did: {"name": "Loopback"}}})
        # Trust.
        s("trust add", "trust", "add", sites.ob3_did, "--label", "Loopback DID issuer")
        s("trust add, second", "trust", "add", "https://issuer.example/profile")
        s("trust remove", "trust", "remove", "https://issuer.example/profile")
        s("trust remove, absent", "trust", "remove", "https://nobody.example", expect=6)
        s("trust registry add", "trust", "registry", "add", registry, "--label", "Local")
        s("trust registry list, pending", "trust", "registry", "list")

        # Imports: several sources, one of which fails.
        missing = str(work / "missing.json")
        imp = s("import", "import", sites.ob2_assertions[0], sites.ob3_good, sites.baked_png,
                site.url("/vc/clr.json"), str(DATA / "ob30-simple.json"))
        ids = [i["id"] for i in imp.doc["items"]]
        s("import, duplicate and missing", "import", sites.ob3_good, missing, expect=3)
        s("import, revoked", "import", sites.ob3_revoked)
        tampered = work / "tampered.json"
        doc = json.loads(site.routes["/ob3/cred/1.json"].body)
        doc["credentialSubject"]["achievement"]["name"] = "Tampered"
        doc["id"] = "urn:uuid:7a7a7a7a-0000-4000-8000-000000000001"
        tampered.write_text(json.dumps(doc))
        s("import, tampered", "import", str(tampered), expect=1)
        s("import, unreadable", "import", str(REPO / "README.md"), expect=3)
        # OpenID4VCI: a credential offer, a deferred one (status pending), --resume.
        from tests.oid4vci.issuer import Issuer

        vci = Issuer()
        try:
            s("import, credential offer", "import", vci.link(vci.offer("OB3_JWT")))
            vci.deferred = True
            s("import, deferred offer", "import", vci.link(vci.offer("OB3_LDP")))
            s("import --resume, still pending", "import", "--resume")
            s("import, offer refused", "import", vci.link(vci.offer("MDL")), expect=3)
        finally:
            vci.stop()
        s("refresh (one credential cannot be fetched)", "refresh", expect=5)
        s("refresh one", "refresh", ids[1])
        s("trust list", "trust", "list")
        s("trust registry show", "trust", "registry", "show", registry)
        s("trust registry list", "trust", "registry", "list")
        s("trust registry show, absent", "trust", "registry", "show", "https://x.example/r",
          expect=6)
        s("trust registry remove", "trust", "registry", "remove", registry)
        s("trust registry remove, absent", "trust", "registry", "remove", registry, expect=6)
        s("pathway add, url", "pathway", "add", site.json("/pathway.json", {
            "name": "loopback", "title": "Loopback goal",
            "requirements": [{"type": "credential", "name": "Loopback Achievement 1"}],
        }), "--name", "loopback-url")

    # Reading the wallet.
    s("list", "list")
    s("tag add", "tag", ids[1], "add", "job-2026", "Python")
    s("tag add, present", "tag", ids[1], "add", "PYTHON")
    s("tag remove", "tag", ids[1], "remove", "python", "absent-tag")
    s("tag add, unknown id", "tag", "ffffffffffff", "add", "x", expect=6)
    s("tag remove, control character", "tag", ids[1], "remove", "a\x1b[2J", expect=2)
    s("import, duplicate with --tag", "import", str(DATA / "ob30-simple.json"), "--tag", "again",
      expect=None)
    s("list, filtered and sorted", "list", "--tag", "job-2026", "--status", "verified",
      "--sort", "name", "--limit", "5")
    s("list --search", "list", "--search", "loopback", "--issuer", "x", "--sort", "issued")
    s("show", "show", ids[0])
    s("show, CLR", "show", ids[3])
    s("show, unknown", "show", "ffffffffffff", expect=6)
    s("verify --all", "verify", "--all", expect=None)
    s("verify one", "verify", ids[1])
    s("verify --at with an offset", "verify", ids[1], "--at", "2030-01-01T02:00:00+02:00",
      expect=None)
    s("verify --file", "verify", "--file", str(DATA / "ob30-simple.json"), expect=None)
    s("verify --file, missing", "verify", "--file", missing, expect=3)
    s("verify, unknown id", "verify", "ffffffffffff", expect=6)

    # Pathways and progress.
    s("pathway check", "pathway", "check", str(EXAMPLES / "data-analytics-certificate.toml"))
    bad = work / "bad.toml"
    bad.write_text('name = "x"\n[[requirements]]\ntype = "at_least"\ncount = -1\n')
    s("pathway check, bad", "pathway", "check", str(bad), expect=3)
    for f in ("data-analytics-certificate.toml", "it-support-specialist.ctdl.jsonld",
              "aas-information-technology.yaml"):
        s(f"pathway add {f}", "pathway", "add", str(EXAMPLES / f))
    s("pathway add, exists", "pathway", "add", str(EXAMPLES / "data-analytics-certificate.toml"),
      expect=None)
    s("pathway add --from-clr", "pathway", "add", "--from-clr", ids[3], "--name", "from-clr")
    s("pathway examples", "pathway", "examples")
    s("doctor", "doctor")
    s("pathway add --example", "pathway", "add", "--example", "data-analytics-certificate",
      "--name", "from-example")
    s("pathway add --example, unknown", "pathway", "add", "--example", "nope", expect=6)
    s("pathway list", "pathway", "list")
    s("pathway show", "pathway", "show", "loopback-url")
    s("pathway show, absent", "pathway", "show", "nope", expect=6)
    s("progress", "progress")
    s("progress one, --at", "progress", "loopback-url", "--at", "2031-05-01T00:00:00-05:00")
    s("progress, absent", "progress", "nope", expect=6)
    s("pathway remove", "pathway", "remove", "from-clr")
    s("pathway remove, absent", "pathway", "remove", "from-clr", expect=6)

    # Exports.
    s("export json", "export", "--format", "json")
    s("export vp", "export", "--format", "vp", expect=1)
    s("export markdown", "export", "--format", "markdown")
    s("export html -o", "export", "--format", "html", "-o", str(work / "p.html"))
    s("export bundle -o", "export", "--format", "bundle", "-o", str(work / "b.zip"),
      "--include-unmatched")
    s("export, empty selection", "export", "--format", "json", "--tag", "no-such-tag", expect=2)
    s("export, bad format", "export", "--format", "pdf", expect=2)

    # Backup, passwd, restore, remove.
    backup = work / "backup.cwlt"
    s("backup", "backup", "-o", str(backup))
    s("backup, exists", "backup", "-o", str(backup), expect=2)
    new_pass = work / "new-pass"
    new_pass.write_text("a different passphrase, also long enough 7\n")
    s("passwd", "passwd", "--new-passphrase-file", str(new_pass))
    s("passwd, no new passphrase", "passwd", expect=4,
      env={"CREDWALLET_PASSPHRASE": "a different passphrase, also long enough 7"})
    s("restore", "restore", str(backup), "--yes")
    s("restore, missing", "restore", missing, expect=3)
    s("remove", "remove", ids[0], "--yes")
    s("remove, unknown", "remove", "ffffffffffff", expect=6)
    s("demo", "demo", "-o", str(work / "demo"))
    # The real entry point in a subprocess, for a success and a usage error.
    s("subprocess: list", "list", subprocess=True)
    s("subprocess: usage", "identity", "frobnicate", subprocess=True, expect=2)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Run]]:
    base = tmp_path_factory.mktemp("contract")
    home, work = base / "cw-home", base / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDWALLET_HOME", str(home))
        mp.setenv("HOME", str(base / "user-home"))
        mp.setenv("XDG_DATA_HOME", str(base / "user-home" / ".local" / "share"))
        mp.setenv("CREDWALLET_INSECURE_TEST_KDF", "1")
        mp.setenv("CREDWALLET_PASSPHRASE", PASSPHRASE)
        mp.delenv("CREDWALLET_NEW_PASSPHRASE", raising=False)
        mp.setenv("NO_COLOR", "1")
        mp.setenv("CREDWALLET_OFFLINE", "1")
        mp.chdir(work)
        scenario = Scenario(home, work)
        _scenario(scenario)
        yield scenario.runs


# ------------------------------------------------------------------ schemas


def schema_file(name: str) -> Path:
    """credwallet.identity.add/1 -> docs/schemas/credwallet.identity.add.v1.schema.json"""
    return SCHEMA_DIR / (name.replace("/", ".v") + ".schema.json")


def _all_schemas() -> dict[Path, dict[str, Any]]:
    return {p: json.loads(p.read_text("utf-8")) for p in sorted(SCHEMA_DIR.rglob("*.json"))}


def _registry() -> Any:
    from referencing import Registry, Resource

    resources = [(doc["$id"], Resource.from_contents(doc)) for doc in _all_schemas().values()]
    pathway = json.loads(PATHWAY_FORMAT.read_text("utf-8"))
    resources.append((pathway["$id"], Resource.from_contents(pathway)))
    return Registry().with_resources(resources)


def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_file(name).read_text("utf-8"))
    return Draft202012Validator(schema, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schema_files_are_valid_draft_2020_12() -> None:
    from jsonschema import Draft202012Validator

    schemas = _all_schemas()
    assert len(schemas) > 20
    for path, doc in schemas.items():
        Draft202012Validator.check_schema(doc)
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
        assert doc["$id"] == BASE_URI + path.relative_to(SCHEMA_DIR).as_posix(), path
        assert doc.get("title") and doc.get("description"), f"{path}: title and description"


def test_exactly_one_json_document_on_stdout(runs: list[Run]) -> None:
    for run in runs:
        assert run.stdout.endswith("\n") and run.stdout.count("\n") == 1, run.label
        doc = run.doc  # raises when stdout is not exactly one JSON document
        assert isinstance(doc, dict), run.label
        assert doc["ok"] is (run.code == 0), run.label
        if run.code:
            assert doc["error"]["code"] == run.code, run.label


def test_every_document_matches_its_schema(runs: list[Run]) -> None:
    validators: dict[str, Any] = {}
    for run in runs:
        name = run.doc["schema"]
        assert schema_file(name).is_file(), f"{run.label}: no schema file for {name}"
        validator = validators.setdefault(name, _validator(name))
        errors = sorted(validator.iter_errors(run.doc), key=lambda e: list(e.absolute_path))
        assert not errors, (f"{run.label} ({' '.join(run.args)}): "
                            + "; ".join(f"{list(e.absolute_path)}: {e.message[:300]}"
                                        for e in errors[:5]))


def test_schemas_reject_what_the_contract_rules_out() -> None:
    """The schemas are not vacuous: the envelope, the error object and <result> are enforced."""
    from jsonschema import ValidationError

    ok_list = {"schema": "credwallet.list/1", "ok": True, "credentials": []}
    _validator("credwallet.list/1").validate(ok_list)
    bad_docs = [
        {**ok_list, "schema": "credwallet.show/1"},
        {**ok_list, "ok": False},
        {**ok_list, "surprise": 1},
        {"schema": "credwallet.list/1", "ok": False, "error": {"code": 4, "kind": "wallet"}},
        {"schema": "credwallet.list/1", "ok": False,
         "error": {"code": 0, "kind": "wallet", "message": "m"}},
    ]
    for bad in bad_docs:
        with pytest.raises(ValidationError):
            _validator("credwallet.list/1").validate(bad)
    result: dict[str, Any] = {"id": None, "source": "x.json", "verified": True,
              "checked_at": "2026-01-01T00:00:00+00:00",
              "checks": [{"check": "proof", "status": "failed", "detail": "bad"}],
              "format": None, "signer": None, "suite": None, "nested": [], "extra": {}}
    doc = {"schema": "credwallet.verify/1", "ok": True, "results": [result]}
    errors = list(_validator("credwallet.verify/1").iter_errors(doc))
    assert errors  # verified with a failed check, and a timestamp not written with Z


def test_every_schema_is_emitted_and_every_definition_used(runs: list[Run]) -> None:
    emitted = {run.doc["schema"] for run in runs}
    documents = {p for p in SCHEMA_DIR.glob("*.schema.json")}
    assert {schema_file(n) for n in emitted} == documents, (
        "schema files without a command emitting them, or names without a schema file")
    text = "\n".join(p.read_text("utf-8") for p in SCHEMA_DIR.rglob("*.json"))
    for definition in (SCHEMA_DIR / "defs").glob("*.schema.json"):
        assert f'"{definition.name}' in text or f'"defs/{definition.name}' in text, definition
    # One name per shape: a name always comes with the same top-level fields when ok.
    shapes: dict[str, set[frozenset[str]]] = {}
    for run in runs:
        if run.doc["ok"]:
            shapes.setdefault(run.doc["schema"], set()).add(
                frozenset(run.doc) - {"document"})
    assert {n: s for n, s in shapes.items() if len(s) > 1} == {}


def test_every_command_runs_in_the_scenario(runs: list[Run]) -> None:
    import typer

    from credwallet.cli.app import build_app

    def leaves(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            for name, sub in cmd.commands.items():
                yield from leaves(sub, (*path, name))
        else:
            yield path

    commands = set(leaves(typer.main.get_command(build_app()), ()))
    def words(args: tuple[str, ...]) -> tuple[str, ...]:
        # `tag ID add|remove`: the group takes the credential id before the subcommand.
        return (args[0], *args[2:]) if args[:1] == ("tag",) else args

    succeeded = {words(run.args)[:len(c)] for run in runs if run.code == 0 for c in commands
                 if words(run.args)[:len(c)] == c}
    assert commands - succeeded == set(), "commands never run successfully here"
    names = {run.doc["schema"] for run in runs if run.code == 0}
    for c in commands:
        assert f"credwallet.{'.'.join(c)}/1" in names, c


# ------------------------------------------------------------------ timestamps


def _timestamps(value: Any, key: str | None = None) -> Iterator[tuple[str, str]]:
    """(key, value) of every timestamp credwallet wrote: under a *_at / as_of key, or any
    date-time-looking string outside what is quoted from a credential or an export."""
    if key in VERBATIM:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _timestamps(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _timestamps(v, key)
    elif isinstance(value, str) and key is not None and (
            key.endswith("_at") or key == "as_of" or LOOKS_LIKE_TIMESTAMP.match(value)):
        yield key, value


def test_every_timestamp_is_rfc3339_utc_z(runs: list[Run]) -> None:
    seen = 0
    for run in runs:
        for key, value in _timestamps(run.doc):
            seen += 1
            assert RFC3339_Z.match(value), f"{run.label}: {key} = {value!r}"
    assert seen > 100
    by_label = {run.label: run.doc for run in runs}
    # Times given with an offset are reported in UTC.
    at = by_label["verify --at with an offset"]["results"][0]["checked_at"]
    assert at == "2030-01-01T00:00:00Z"
    assert by_label["progress one, --at"]["checked_at"] == "2031-05-01T05:00:00Z"


def test_json_ready_normalises_only_credwallet_timestamps() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from credwallet.cli.common import json_ready

    plus2 = timezone(timedelta(hours=2))
    doc = {
        "checked_at": "2026-01-01T10:00:00+00:00",
        "added_at": datetime(2026, 1, 1, 12, 0, tzinfo=plus2),
        "as_of": "2026-01-01T12:00:00.5+02:00",
        "when": datetime(2026, 1, 1, tzinfo=UTC),
        "issued": "2026-01-01T10:00:00+02:00",
        "cached": [{"fetched_at": "2026-01-01T10:00:00+00:00"}],
        "document": {"issued_at": "2026-01-01T10:00:00+00:00"},
        "expires_at": "2026-01-01",
        "other_at": None,
        "detail": "as of 2026-01-01T10:00:00+00:00",
    }
    assert json_ready(doc) == {
        "checked_at": "2026-01-01T10:00:00Z",
        "added_at": "2026-01-01T10:00:00Z",
        "as_of": "2026-01-01T10:00:00.500000Z",
        "when": "2026-01-01T00:00:00Z",
        "issued": "2026-01-01T10:00:00+02:00",  # as the credential writes it
        "cached": [{"fetched_at": "2026-01-01T10:00:00Z"}],
        "document": {"issued_at": "2026-01-01T10:00:00+00:00"},  # quoted verbatim
        "expires_at": "2026-01-01",  # a date, not a timestamp
        "other_at": None,
        "detail": "as of 2026-01-01T10:00:00+00:00",  # prose is not rewritten
    }


# ------------------------------------------------------------------ the contract document


def test_contract_document_names_every_schema_and_command(runs: list[Run]) -> None:
    cli_md = (REPO / "docs" / "cli.md").read_text("utf-8")
    json_md = (REPO / "docs" / "json-output.md").read_text("utf-8")
    for name in {run.doc["schema"] for run in runs}:
        assert f"`{name}`" in cli_md, f"docs/cli.md does not name {name}"
        assert name in json_md, f"docs/json-output.md does not name {name}"
        assert schema_file(name).relative_to(REPO / "docs").as_posix() in cli_md, name
    for run in runs:
        words = [a for a in run.args if not a.startswith("-")]
        command = " ".join(words[:3] if words[:2] == ["trust", "registry"] else
                           words[:2] if words[0] in ("identity", "pathway", "trust") else
                           words[:1])
        if run.code == 0:
            assert f"credwallet {command}" in cli_md, command


def test_no_citation_of_a_contract_file_outside_the_tree() -> None:
    for path in [REPO / "README.md", REPO / "SECURITY.md", *sorted((REPO / "docs").rglob("*.md")),
                 *sorted((REPO / "src").rglob("*.py")), *sorted((REPO / "tests").rglob("*.py"))]:
        if path == Path(__file__):
            continue
        assert "CONTRACT.md" not in path.read_text("utf-8"), f"{path} cites CONTRACT.md"
