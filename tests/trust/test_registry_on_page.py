"""The reader's page names the known-issuer registries that list a credential's issuer, from
the trust check's structured finding (not its wording), even when the holder also trusts the
issuer directly; an unproven issuer gets no listing. Real registry over HTTP on 127.0.0.1."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.conftest import Cli
from tests.issuer_site import IssuerSite
from tests.trust.helpers import ISSUER_SEED, credential, did_of, sign


def _page(cw: Cli, tmp_path: Path, name: str, *ids: str) -> str:
    out = tmp_path / name
    res = cw("export", *ids, "--format", "html", "-o", str(out), "--include-unmatched",
             "--include-unverified", "--json")
    assert res.code == 0, res.stderr + res.stdout
    return out.read_text()


def _import(cw: Cli, path: Path, doc: dict[str, Any]) -> str:
    path.write_text(json.dumps(doc))
    res = cw("import", str(path), "--keep-invalid", "--json")
    assert res.code in (0, 1), res.stdout
    wallet_id: str = res.json()["items"][0]["id"]
    return wallet_id


def test_page_names_the_registry_listing_the_proven_issuer(
        wallet_home: Path, tmp_path: Path, site: IssuerSite, cw: Cli) -> None:
    did = did_of(ISSUER_SEED)[0]
    reg = site.json("/registry.json", {"meta": {"updated": "2026-01-01", "name": "State Board"},
                                       "registry": {did: {"name": "Test Issuer Inc."}}},
                    ctype="application/json")
    good = sign(credential(), ISSUER_SEED)
    forged = copy.deepcopy(good)
    forged["id"] = "urn:uuid:7d6f1c3e-1111-4a51-9c1c-5a1b1e4c0002"  # signature no longer holds
    good_id = _import(cw, tmp_path / "good.json", good)
    forged_id = _import(cw, tmp_path / "forged.json", forged)
    assert cw("trust", "registry", "add", reg, "--label", "Board list", "--json").code == 0
    assert cw("refresh", "--json").code in (0, 1)

    page = _page(cw, tmp_path, "a.html", good_id)
    assert "Listed as \u201cTest Issuer Inc.\u201d in the registry" in page
    assert reg in page

    # Trusting the issuer directly must not hide the public registry fact (nor show the
    # holder's own trust list).
    assert cw("trust", "add", did, "--label", "my pick", "--json").code == 0
    page = _page(cw, tmp_path, "b.html", good_id)
    assert "Listed as \u201cTest Issuer Inc.\u201d in the registry" in page
    assert "my pick" not in page

    # A credential whose signature does not prove the issuer gets no listing.
    page = _page(cw, tmp_path, "c.html", forged_id)
    assert "in the registry" not in page
