"""The example pathways bundled with credwallet (for `credwallet demo` and documentation)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from credwallet.pathways.loader import load_pathway_file
from credwallet.pathways.model import Pathway

# Stacked pathways must come after the ones they stack.
ORDER = ("data-analytics-certificate.toml", "it-support-specialist.ctdl.jsonld",
         "aas-information-technology.yaml")


def examples_dir() -> Path:
    return Path(str(resources.files("credwallet") / "data" / "examples" / "pathways"))


def example_files() -> list[Path]:
    """The bundled example pathway files, stacked ones after those they stack."""
    root = examples_dir()
    files = sorted(p.name for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    ordered = [f for f in ORDER if f in files] + [f for f in files if f not in ORDER]
    return [root / f for f in ordered]


def example_pathways() -> list[Pathway]:
    """The bundled example pathways, validated, in an order `add_pathway` accepts."""
    return [load_pathway_file(path) for path in example_files()]


def find_example(name: str) -> tuple[Path, Pathway]:
    """One bundled example by its pathway name or its file name (with or without extensions),
    read from the installed package (not a checkout). NotFound names the examples."""
    from credwallet.errors import NotFound

    wanted = name.strip().lower()
    for path in example_files():
        pathway = load_pathway_file(path)
        if wanted in (pathway.name.lower(), path.name.lower(), path.name.split(".")[0].lower()):
            return path, pathway
    known = ", ".join(load_pathway_file(p).name for p in example_files())
    raise NotFound(f"no bundled example pathway named {name!r}",
                   hint=f"the examples are: {known} (credwallet pathway examples)")
