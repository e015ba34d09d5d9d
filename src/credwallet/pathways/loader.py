"""Read a pathway definition (TOML, YAML, JSON, or CTDL JSON-LD) into the model.

Errors name the file and the field (`electives.yaml: requirements[2].of[0].count: ...`)
so a learner editing by hand can find the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from credwallet.errors import BadInput, PathwayError
from credwallet.ingest.jsonutil import check_tree, loads
from credwallet.pathways.model import KIND_TAGS, Pathway

MAX_PATHWAY_BYTES = 2 * 1024 * 1024
# YAML costs far more per byte than JSON or TOML (about 5 s per MiB with libyaml, 17 s without,
# on a loaded 2-core machine); hand-written pathways are a few KiB.
MAX_YAML_BYTES = 256 * 1024
MAX_DOCUMENT_DEPTH = 48  # JSON/YAML/TOML nesting (a requirement level takes two)
MAX_VALUES = 200_000  # values after YAML alias expansion


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    prev_index = False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            prev_index = True
            continue
        # The discriminated union adds the kind tag after a list index; it is noise.
        if prev_index and part in KIND_TAGS:
            prev_index = False
            continue
        prev_index = False
        out += ("." if out else "") + part
    return out or "(top level)"


def format_validation_error(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        lines.append(f"{source}: {_loc(tuple(err['loc']))}: {msg}")
    return "; ".join(lines[:8]) + (f" (and {len(lines) - 8} more)" if len(lines) > 8 else "")


def check_shape(data: Any, source: str) -> None:
    """Refuse documents nested too deeply or too big once expanded (YAML aliases), before
    anything recursive (validation, CTDL conversion, evaluation) walks them."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise PathwayError(f"{source}: more than {MAX_VALUES} values (aliases expanded); "
                               "refused")
        if depth > MAX_DOCUMENT_DEPTH:
            raise PathwayError(f"{source}: nested more than {MAX_DOCUMENT_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def pathway_from_dict(data: Any, source: str) -> Pathway:
    if not isinstance(data, dict):
        raise PathwayError(f"{source}: a pathway must be a table/object at the top level")
    check_shape(data, source)
    try:
        return Pathway.model_validate(data)
    except ValidationError as exc:
        raise PathwayError(format_validation_error(exc, source),
                           hint="see docs/pathways.md for the format") from None


def _sniff(text: str, suffix: str) -> str:
    suffix = suffix.lower()
    if suffix in (".toml",):
        return "toml"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".jsonld"):
        return "json"
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("---"):
        return "yaml"
    try:
        tomllib.loads(text)
        return "toml"
    except tomllib.TOMLDecodeError:
        return "yaml"


def parse_document(text: str, source: str, suffix: str = "") -> Any:
    """Text -> plain data, by suffix or content."""
    fmt = _sniff(text, suffix)
    if fmt == "yaml" and len(text) > MAX_YAML_BYTES:
        raise PathwayError(f"{source}: a YAML pathway may be at most {MAX_YAML_BYTES // 1024} KiB "
                           "(JSON and TOML: 2 MB)")
    try:
        if fmt == "json":
            return loads(text, what=source)  # the checked parser every JSON input goes through
        data = tomllib.loads(text) if fmt == "toml" else _yaml_load(text, source)
        # The same rules for what YAML/TOML produce: no lone surrogates, finite numbers, depth.
        check_tree(data, source, max_depth=MAX_DOCUMENT_DEPTH)
        return data
    except BadInput as exc:
        raise PathwayError(exc.message) from None
    except tomllib.TOMLDecodeError as exc:
        raise PathwayError(f"{source}: not valid TOML: {' '.join(str(exc).split())}") from None
    except yaml.YAMLError as exc:
        # libyaml's messages span lines (problem, context, marks): the contract is one line.
        raise PathwayError(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise PathwayError(f"{source}: nested too deeply to read") from None


_YAML_QUOTED = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|#[^\n]*""")
_YAML_FLOW = re.compile(r"[\[\]{}]")


def _yaml_load(text: str, source: str) -> Any:
    """yaml.safe_load, after a linear pre-scan of flow nesting: PyYAML's scanner needs seconds
    to reach its RecursionError on `[[[[...` (2 MB of it), whatever the depth beyond ~1000."""
    if text.count("[") + text.count("{") > MAX_DOCUMENT_DEPTH:
        depth = 0
        for m in _YAML_FLOW.finditer(_YAML_QUOTED.sub("", text)):
            depth += 1 if m.group() in "[{" else -1
            if depth > MAX_DOCUMENT_DEPTH:
                raise PathwayError(f"{source}: nested more than {MAX_DOCUMENT_DEPTH} levels deep")
    # libyaml's scanner and parser when PyYAML has them (its wheels do): same safe constructors.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)


def is_ctdl(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if "@graph" in data or "ceterms:ctid" in data:
        return True
    t = data.get("@type") or data.get("type")
    return isinstance(t, str) and t.endswith("Pathway") and ":" in t


def load_pathway_bytes(body: bytes, source: str, suffix: str = "") -> Pathway:
    """Bytes of a pathway file or URL body -> validated Pathway (CTDL is detected and converted)."""
    if len(body) > MAX_PATHWAY_BYTES:
        raise PathwayError(f"{source}: pathway definition is larger than "
                           f"{MAX_PATHWAY_BYTES // 1024 // 1024} MB")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PathwayError(f"{source}: not UTF-8 text") from None
    data = parse_document(text, source, suffix)
    check_shape(data, source)
    if is_ctdl(data):
        from credwallet.pathways.ctdl import pathway_from_ctdl

        return pathway_from_ctdl(data, source)
    return pathway_from_dict(data, source)


def load_pathway_file(path: str | Path) -> Pathway:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PATHWAY_BYTES:
            raise PathwayError(f"{p}: pathway definition is larger than 2 MB")
        body = p.read_bytes()
    except FileNotFoundError:
        raise PathwayError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise PathwayError(f"{p}: is a directory") from None
    except OSError as exc:
        raise PathwayError(f"{p}: cannot read: {exc.strerror}") from None
    return load_pathway_bytes(body, p.name, p.suffix)
