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


def example_pathways() -> list[Pathway]:
    """The bundled example pathways, validated, in an order `add_pathway` accepts."""
    root = examples_dir()
    files = sorted(p.name for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    ordered = [f for f in ORDER if f in files] + [f for f in files if f not in ORDER]
    return [load_pathway_file(root / f) for f in ordered]
