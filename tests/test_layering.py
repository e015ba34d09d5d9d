"""The architecture's rules, held by a test (docs/architecture.md).

- Only `cli/` talks to the terminal (typer, rich); only `fetch/` talks to the network (httpx).
- `verify/` never imports `fetch/`: verification is offline by construction.
- No import cycle between packages (top-level modules and subpackages of credwallet), counting
  imports inside functions too, and no `importlib` indirection to credwallet modules outside
  the CLI's lazy command loader.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "credwallet"
UI = {"typer", "rich", "click"}
NET = {"httpx", "httpcore", "h11", "requests", "urllib3"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module `path` imports (absolute names), with line numbers; relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, node.lineno))
            out += [(f"{name}.{a.name}", node.lineno) for a in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
            arg = node.args[0]
            text = arg.value if isinstance(arg, ast.Constant) else "credwallet.<dynamic>"
            out.append((f"importlib:{text}", node.lineno))
    return out


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "credwallet" and len(parts) > 1 else None


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_only_cli_uses_the_terminal_and_only_fetch_the_network() -> None:
    bad: list[str] = []
    for path in _sources():
        unit = _unit(_module_name(path))
        for name, line in _imports(path):
            top = name.split(".")[0]
            if top in UI and unit != "cli":
                bad.append(f"{path.relative_to(SRC)}:{line} imports {name} (terminal outside cli/)")
            if top in NET and unit != "fetch":
                bad.append(f"{path.relative_to(SRC)}:{line} imports {name} (network outside fetch/)")
    assert not bad, "\n".join(bad)


def test_verification_never_imports_the_network_layer() -> None:
    bad = [f"{p.relative_to(SRC)}:{line} imports {name}"
           for p in _sources() if _unit(_module_name(p)) == "verify"
           for name, line in _imports(p) if _unit(name) == "fetch"]
    assert not bad, "\n".join(bad)


def test_no_importlib_indirection_to_our_own_modules() -> None:
    allowed = {"cli/app.py"}  # lazy loading of subcommands keeps `--version` fast
    bad = [f"{p.relative_to(SRC)}:{line} {name}" for p in _sources()
           for name, line in _imports(p)
           if name.startswith("importlib:credwallet") and str(p.relative_to(SRC)) not in allowed]
    assert not bad, "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _sources():
        src = _unit(_module_name(path))
        if src is None:
            continue
        for name, _line in _imports(path):
            dst = _unit(name)
            if dst is not None and dst != src:
                edges[src].add(dst)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: list[str] = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for node in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_packages() -> None:
    cycles = _cycles(_graph())
    assert not cycles, f"import cycles between packages: {cycles}"


def test_the_cycle_detector_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
