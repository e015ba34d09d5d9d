"""Where a pathway comes from: a file, stdin, an http(s) URL (fetched through `fetch/`, the
only network code) or a stored CLR; and the add use case that stores it in the wallet."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import BinaryIO

from credwallet.models.entry import WalletData
from credwallet.pathways.model import Pathway

MAX_URL_BYTES = 2 * 1024 * 1024

ACCEPT_PATHWAY = ("application/ld+json, application/json;q=0.9, application/toml;q=0.8, "
                  "application/yaml;q=0.8, text/plain;q=0.5, */*;q=0.1")
_SUFFIXES = (".toml", ".yaml", ".yml", ".json", ".jsonld")


def fetch_pathway_url(url: str) -> tuple[bytes, str]:
    """Download a pathway definition under the network rules of `fetch/`.

    Returns the body and a suffix hint from the media type (".json", ".yaml", ".toml" or "")."""
    import asyncio

    from credwallet.fetch.client import Client
    from credwallet.fetch.guard import Origin

    async def get() -> tuple[bytes, str | None]:
        async with Client() as client:
            resp = await client.get(url, origin=Origin.of(url), accept=ACCEPT_PATHWAY,
                                    max_bytes=MAX_URL_BYTES, user_given=True)
        return resp.body, resp.media_type

    body, media = asyncio.run(get())
    media = media or ""
    suffix = (".json" if "json" in media else ".yaml" if "yaml" in media
              else ".toml" if "toml" in media else "")
    return body, suffix


def load_source(source: str, *, stdin: BinaryIO | None = None) -> Pathway:
    """FILE, '-' (`stdin`, else the process's) or an http(s) URL -> validated pathway (CTDL
    detected), with its origin recorded."""
    from credwallet.pathways.loader import load_pathway_bytes, load_pathway_file
    from credwallet.pathways.model import Origin

    if source.startswith(("https://", "http://")):
        body, suffix = fetch_pathway_url(source)
        path_suffix = "." + source.split("?", 1)[0].rsplit(".", 1)[-1]
        if path_suffix in _SUFFIXES:
            suffix = path_suffix
        pathway = load_pathway_bytes(body, source, suffix)
        is_ctdl = pathway.origin is not None and pathway.origin.kind == "ctdl"
        ctid = pathway.origin.ctid if pathway.origin else None
        pathway.origin = Origin(kind="ctdl" if is_ctdl else "url", ref=source, ctid=ctid)
        return pathway
    if source == "-":
        return load_pathway_bytes((stdin or sys.stdin.buffer).read(), "<stdin>")
    pathway = load_pathway_file(source)
    if pathway.origin is None:
        pathway.origin = Origin(kind="file", ref=source)
    return pathway


def renamed(pathway: Pathway, name: str | None) -> Pathway:
    """The pathway under another name (validated again), or itself if `name` changes nothing."""
    if not name or name == pathway.name:
        return pathway
    from credwallet.pathways.loader import pathway_from_dict

    return pathway_from_dict({**pathway.stored(), "name": name}, "--name")


def from_stored_clr(wallet: WalletData, ref: str, name: str | None) -> Pathway:
    """The pathway a stored CLR's association graph describes; PathwayError if `ref` names a
    credential that is not a CLR."""
    from credwallet.errors import PathwayError
    from credwallet.pathways.clr import clr_document, pathway_from_clr

    cred = wallet.find(ref)
    doc = clr_document(cred.raw_bytes())
    types = doc.get("type") or []
    if "ClrCredential" not in (types if isinstance(types, list) else [types]) and \
            not cred.format.startswith("clr"):
        raise PathwayError(f"credential {cred.id} is not a CLR (ClrCredential)",
                           hint="see `credwallet list` for the CLR's id")
    return pathway_from_clr(doc, name=name, source=f"CLR {cred.id}")


@dataclass(frozen=True)
class Added:
    pathway: Pathway
    replaced: bool  # a pathway of the same name was overwritten
    warnings: list[str]


def add_to_wallet(wallet: WalletData, pathway: Pathway, *, replace: bool) -> Added:
    """Store `pathway` (see `pathways.store.add_pathway` for the rules and the warnings)."""
    from credwallet.pathways.store import add_pathway

    replaced = any(p.get("name") == pathway.name for p in wallet.pathways)
    warnings = add_pathway(wallet, pathway, replace=replace)
    return Added(pathway, replaced, warnings)


__all__ = ["ACCEPT_PATHWAY", "MAX_URL_BYTES", "Added", "add_to_wallet", "fetch_pathway_url",
           "from_stored_clr", "load_source", "renamed"]
