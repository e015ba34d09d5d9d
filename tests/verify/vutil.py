"""Helpers for the verification tests: the copied vector corpus and material built from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.models import CachedDocument
from credwallet.verify import DictMaterial

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # inside the 2025..2040 window the manifest assumes
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


class NetworkUsed(AssertionError):
    pass


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    return data


def material_for(entry: dict[str, Any], kind: str = "asset") -> DictMaterial:
    docs = {url: CachedDocument.make(url, kind, (VECTORS / rel).read_bytes(), FETCHED)
            for url, rel in entry.get("assets", {}).items()}
    return DictMaterial(docs)


def vector(rel: str) -> bytes:
    return (VECTORS / rel).read_bytes()


def vector_json(rel: str) -> Any:
    return json.loads(vector(rel))
