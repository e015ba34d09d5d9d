"""Offline material for verification: see `credwallet.material` (shared with trust and fetch)."""

from credwallet.material import (
    MAX_MATERIAL_BYTES,
    DictMaterial,
    EmptyMaterial,
    Held,
    Kind,
    MaterialSource,
    as_of,
    cached_json,
    fetched_from,
    json_of,
    lookup,
)

__all__ = [
    "MAX_MATERIAL_BYTES",
    "DictMaterial",
    "EmptyMaterial",
    "Held",
    "Kind",
    "MaterialSource",
    "as_of",
    "cached_json",
    "fetched_from",
    "json_of",
    "lookup",
]
