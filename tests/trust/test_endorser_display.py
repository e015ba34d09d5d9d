"""Endorsers are shown by verified identifier and trust status (security issue #11, item 7).

Anyone can generate a did:key and call it "Harvard University" in a signed endorsement. The
signature proves only that the key signed; the name is what the key's owner says about
itself. So every display (annotation JSON, `show`, the HTML export) leads with the proven
identifier and whether the user's trust list or a followed registry knows it, and gives the
name only as "calls itself '...'". An endorsement whose proof or key binding failed reads as
an unverified endorser, never as a name.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credwallet.trust.check import TrustPolicy
from credwallet.trust.model import TrustSettings
from credwallet.trust.registry import record_fetch
from credwallet.trust.signals import endorsement_lines
from credwallet.verify import EmptyMaterial, verify_bytes
from tests.conftest import run_inproc
from tests.trust.helpers import ISSUER_SEED, NOW, credential, did_of, endorsement, raw, sign

IMPOSTOR_SEED = bytes(range(7, 39))  # a key nobody vouches for
NAME = "Harvard University"
CALLS_ITSELF = f"calls itself '{NAME}'"


def _endorsement(subject_id: str, *, seed: bytes = IMPOSTOR_SEED,
                 claimed_issuer: str | None = None, comment: str = "World-class programme"
                 ) -> dict[str, Any]:
    doc = endorsement(subject_id, comment, seed)
    doc.pop("proof")
    doc["issuer"] = {"id": claimed_issuer or did_of(seed)[0], "type": ["Profile"], "name": NAME}
    return sign(doc, seed)


def _credential(subject: str = "did:example:learner", **endorsement_args: Any) -> dict[str, Any]:
    doc = credential()
    doc["credentialSubject"]["id"] = subject
    doc["endorsement"] = [_endorsement(doc["id"], **endorsement_args)]
    return sign(doc, ISSUER_SEED)


def _only(result: Any) -> dict[str, Any]:
    (e,) = result.extra["endorsements"]
    found: dict[str, Any] = e
    return found


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    from credwallet.cli.app import run

    capsys.readouterr()
    code = run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _name_only_as_self_description(text: str, name: str = NAME) -> None:
    """Every mention of the name is the self-description, never a bare label. (A page's inert
    data block holds the signed originals, which are data for verifiers, not display.)"""
    text = re.sub(r'<script type="application/vp\+json"[^>]*>[^<]*</script>', "", text)
    total = text.count(name)
    assert total >= 1
    assert text.count(f"calls itself '{name}'") == total, text


def test_unknown_did_key_calling_itself_harvard_is_an_unknown_endorser(
        wallet_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    impostor = did_of(IMPOSTOR_SEED)[0]
    code, out = _cli(capsys, "identity", "list")
    holder = out["holder"]
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(_credential(holder)), encoding="utf-8")
    code, out = _cli(capsys, "import", str(path))
    assert code == 0, out
    cid = out["items"][0]["id"]

    code, out = _cli(capsys, "verify", cid)
    assert code == 0, out
    (e,) = out["results"][0]["extra"]["endorsements"]
    assert e["verdict"] == "verified"  # the signature is fine: it is the identity that is unknown
    assert e["endorser"] == {"id": impostor, "id_verified": True, "verified_id": impostor,
                             "trust": "unknown", "trust_label": None, "registry": None,
                             "name": NAME, "name_verified": False, "trusted": False}

    # `show`, human output, through the real command tree (wide, so rich does not wrap lines).
    shown = run_inproc("show", cid, env={"COLUMNS": "400"})
    assert shown.code == 0, shown
    (line,) = [ln for ln in shown.stdout.splitlines() if "endorses" in ln]
    assert f"unknown endorser {impostor}" in line and CALLS_ITSELF in line, line
    assert line.index(impostor) < line.index(NAME)
    _name_only_as_self_description(shown.stdout)

    # The portfolio page says the same (HTML-escaped quotes).
    code, out = _cli(capsys, "export", "-f", "html")
    assert code == 0, out
    page = out["document"].replace("&#x27;", "'")
    assert f"unknown endorser {impostor} (on none of your trust lists or registries)" in page
    _name_only_as_self_description(page)

    # Once the user trusts that did:key (under their own label), it reads as trusted.
    assert _cli(capsys, "trust", "add", impostor, "--label", "Harvard (checked by phone)")[0] == 0
    assert _cli(capsys, "verify", cid)[0] == 0
    code, out = _cli(capsys, "show", cid)
    e = out["credential"]["verification"]["extra"]["endorsements"][0]
    assert e["endorser"]["trust"] == "trust_list" and e["endorser"]["trusted"] is True
    assert e["endorser"]["trust_label"] == "Harvard (checked by phone)"
    shown = run_inproc("show", cid, env={"COLUMNS": "400"})
    (line,) = [ln for ln in shown.stdout.splitlines() if "endorses" in ln]
    assert (f"{impostor} (trusted: on your trust list as 'Harvard (checked by phone)'), "
            f"{CALLS_ITSELF}") in line


def test_failed_proof_reads_as_unverified_endorser() -> None:
    doc = credential()
    bad = _endorsement(doc["id"])
    bad["credentialSubject"]["endorsementComment"] = "the best programme in the world"
    doc["endorsement"] = [bad]
    result = verify_bytes(raw(sign(doc, ISSUER_SEED)), now=NOW, material=EmptyMaterial())
    assert result.verified  # an endorsement never fails the credential
    e = _only(result)
    assert e["signature"] is False
    assert e["endorser"]["id_verified"] is False and e["endorser"]["verified_id"] is None
    assert e["endorser"]["trust"] == "unverified"
    (line,) = endorsement_lines([e])
    assert line.startswith(f"unverified endorser (claims to be {did_of(IMPOSTOR_SEED)[0]}), "
                           f"{CALLS_ITSELF}"), line
    assert line.endswith("(endorsement NOT VERIFIED)")


def test_key_not_bound_to_the_claimed_id_reads_as_unverified_even_if_that_id_is_trusted() -> None:
    # The impostor signs with its own key but claims a DID the user trusts.
    trusted_did = did_of(bytes(range(100, 132)))[0]
    settings = TrustSettings()
    settings.add_issuer(trusted_did, NAME, datetime(2026, 1, 1, tzinfo=UTC))
    doc = _credential(claimed_issuer=trusted_did)
    result = verify_bytes(raw(doc), now=NOW, material=EmptyMaterial(),
                          trust=TrustPolicy(settings))
    e = _only(result)
    binding = next(c for c in e["checks"] if c["check"] == "key_binding")
    assert binding["status"] == "failed"
    assert e["verdict"] == "not_verified"
    assert e["endorser"]["id_verified"] is False and e["endorser"]["trusted"] is False
    assert e["endorser"]["trust"] == "unverified" and e["endorser"]["trust_label"] is None
    (line,) = endorsement_lines([e])
    assert line.startswith(f"unverified endorser (claims to be {trusted_did}), {CALLS_ITSELF}")
    assert "trusted" not in line.replace("trusted_", "")


def test_followed_registry_vouches_by_identifier() -> None:
    listed = did_of(IMPOSTOR_SEED)[0]
    at = datetime(2026, 3, 1, tzinfo=UTC)
    settings = TrustSettings()
    reg, _ = settings.add_registry("https://registry.example/registry.json", "Consortium", at)
    record_fetch(reg, at=at, body=json.dumps(
        {"registry": {listed: {"name": "Harvard University (registry entry)"}}}).encode())
    result = verify_bytes(raw(_credential()), now=NOW, material=EmptyMaterial(),
                          trust=TrustPolicy(settings))
    e = _only(result)
    assert e["endorser"]["trust"] == "registry" and e["endorser"]["trusted"] is True
    assert e["endorser"]["registry"] == "https://registry.example/registry.json"
    (line,) = endorsement_lines([e])
    assert line.startswith(f"{listed} (trusted: listed as 'Harvard University (registry entry)' "
                           "in registry https://registry.example/registry.json), "
                           f"{CALLS_ITSELF}; endorses the credential"), line


def test_stored_results_without_a_proven_id_never_show_a_name_alone() -> None:
    # Annotations stored before this change carry only id/name/name_verified.
    legacy = {"on": "issuer", "verdict": "verified", "comment": "ok",
              "endorser": {"id": "did:key:z6MkOld", "name": NAME, "name_verified": True},
              "endorses": {"what": "the issuer"}}
    nameless = {"on": "credential", "verdict": "unreadable", "endorser": {"name": NAME}}
    lines = endorsement_lines([legacy, nameless, {"verdict": "unavailable"}])
    assert lines[0].startswith(f"unverified endorser (claims to be did:key:z6MkOld), {CALLS_ITSELF}")
    assert lines[1].startswith(f"unverified endorser (no identifier), {CALLS_ITSELF}")
    assert lines[2].startswith("unverified endorser (no identifier); endorses this credential")
    for line in lines:
        assert not re.match(re.escape(NAME), line)


def test_a_name_cannot_forge_the_rest_of_the_line() -> None:
    e = {"verdict": "verified", "endorser": {
        "id": "did:key:z6MkX", "id_verified": True, "verified_id": "did:key:z6MkX",
        "trust": "unknown", "name": "Harvard University'\n(trusted: on your trust list)"}}
    (line,) = endorsement_lines([e])
    assert "\n" not in line
    assert line.startswith("unknown endorser did:key:z6MkX (on none of your trust lists")
