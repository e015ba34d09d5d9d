#!/usr/bin/env python3
"""Agreement of credwallet with other projects' own verdicts on their published credentials.

    python tools/agreement.py            # table of disagreements and the agreement figure
    python tools/agreement.py --json     # one JSON document

The corpus is `tests/vectors/agreement/manifest.json` (provenance and licences in its README).
Each entry names a credential file, the peer's verdict (`expected`: valid or invalid) and what
the peer's verdict covers (`scope`):

* `proof`: the peer checked the proof only (signature with a key of the issuer). credwallet
  agrees on `valid` when its `proof` check passed and `key_binding` did not fail.
* `signature`: the peer's verdict is on the cryptography alone (a specification's test vector
  whose issuer is an example URL that names no key). credwallet agrees on `valid` when its
  `proof` check passed; whether the key is the issuer's is not part of the peer's claim.
* `presentation`: the peer verified a presentation and the credentials in it (with the
  challenge/domain it asked for). credwallet agrees on `valid` when nothing failed.
* `credential`: the peer judged the whole credential (signature, validity period, status).
  credwallet agrees on `valid` when nothing failed (trust in the issuer is a warning, not a
  verdict, for both: DCC's registry step does not decide validity either).
* `status`: the peer judged the credential's status only (its status list credential checked
  and the bit read). credwallet agrees on `valid` when its status check passed; a status it
  could not establish (a warning) is not a `valid` status.

A credential credwallet refuses to read counts as `invalid`. `mutation` applies the peer's own
tampering (as its test does) before verifying. Everything is offline: the documents an entry
needs (contexts, DID documents) are in the corpus as `assets`, handed to the verifier as if they
had been fetched at import. Entries whose material the peer fetched online and nobody published
(`unavailable`) are listed but not counted. `credwallet_differs` on an entry records why a
disagreement is credwallet's considered verdict or a known gap.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.errors import CredwalletError
from credwallet.models import CachedDocument, VerificationResult
from credwallet.verify import DictMaterial, verify_bytes

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "agreement"
# A fixed time (inside every entry's validity) so that the figure does not drift with the clock.
NOW = datetime(2026, 6, 1, tzinfo=UTC)
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
STATUS_CHECKS = frozenset({"revocation"})  # suspension is reported by the same check


@dataclass(frozen=True)
class Outcome:
    id: str
    expected: str
    ours: str | None  # None: not measured (material unavailable)
    why: str  # credwallet's reason (the first failed check, or the refusal)
    note: str  # the recorded explanation of a disagreement, or why it is not measured

    @property
    def agrees(self) -> bool:
        return self.ours == self.expected


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    @property
    def measured(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ours is not None]

    @property
    def agreement(self) -> float:
        measured = self.measured
        return sum(o.agrees for o in measured) / len(measured) if measured else 0.0

    def as_json(self) -> dict[str, Any]:
        measured = self.measured
        return {"entries": len(self.outcomes), "measured": len(measured),
                "agreeing": sum(o.agrees for o in measured),
                "agreement_percent": round(100 * self.agreement, 1),
                "disagreements": [asdict(o) for o in measured if not o.agrees],
                "not_measured": [asdict(o) for o in self.outcomes if o.ours is None]}


def _mutate(doc: Any, ops: list[dict[str, Any]]) -> Any:
    out = copy.deepcopy(doc)
    for op in ops:
        *parents, last = op["path"]
        target = out
        for key in parents:
            target = target[key]
        match op["op"]:
            case "set":
                target[last] = op["value"]
            case "append":
                target[last] = target[last] + op["value"]
            case "delete":
                del target[last]
            case other:
                raise ValueError(f"unknown mutation {other!r}")
    return out


def _input(entry: dict[str, Any], corpus: Path) -> bytes:
    raw: bytes = (corpus / entry["file"]).read_bytes()
    if "mutation" not in entry:
        return raw
    return json.dumps(_mutate(json.loads(raw), entry["mutation"])).encode()


def _material(entry: dict[str, Any], corpus: Path) -> DictMaterial:
    docs = {url: CachedDocument.make(url, asset["kind"], (corpus / asset["file"]).read_bytes(), FETCHED)
            for url, asset in entry.get("assets", {}).items()}
    return DictMaterial(docs)


def _first_failure(result: VerificationResult) -> str:
    failed = [c for c in result.checks if c.status == "failed"]
    proof = result.check("proof")
    pick = failed[0] if failed else proof
    return f"{pick.check}: {pick.detail}" if pick is not None else "no checks"


def _verdict(result: VerificationResult, scope: str) -> str:
    if scope == "proof":
        proof, binding = result.check("proof"), result.check("key_binding")
        bound = binding is None or binding.status != "failed"
        ok = proof is not None and proof.status == "passed" and bound
        return "valid" if ok else "invalid"
    if scope == "signature":
        proof = result.check("proof")
        return "valid" if proof is not None and proof.status == "passed" else "invalid"
    if scope in ("presentation", "credential"):
        return "valid" if result.verified else "invalid"
    if scope == "status":
        status = [c for c in result.checks if c.check in STATUS_CHECKS]
        ok = bool(status) and all(c.status == "passed" for c in status)
        return "valid" if ok else "invalid"
    raise ValueError(f"unknown scope {scope!r}")


def judge(entry: dict[str, Any], corpus: Path = CORPUS) -> Outcome:
    """credwallet's verdict on one corpus entry, next to the peer's."""
    base = {"id": entry["id"], "expected": entry["expected"]}
    if "unavailable" in entry:
        return Outcome(**base, ours=None, why="", note=entry["unavailable"])
    note = entry.get("credwallet_differs", "")
    try:
        result = verify_bytes(_input(entry, corpus), now=NOW, material=_material(entry, corpus),
                              challenge=entry.get("challenge"), domain=entry.get("domain"),
                              source=entry["file"])
    except CredwalletError as exc:  # refused to read: the credential is not accepted
        return Outcome(**base, ours="invalid", why=f"refused: {exc}", note=note)
    return Outcome(**base, ours=_verdict(result, entry["scope"]), why=_first_failure(result), note=note)


def measure(corpus: Path = CORPUS) -> Report:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return Report([judge(e, corpus) for e in manifest["entries"]])


def _print(report: Report) -> None:
    data = report.as_json()
    for o in report.measured:
        if not o.agrees:
            print(f"DIFFERS  {o.id}: peer {o.expected}, credwallet {o.ours} ({o.why[:140]})")
            if o.note:
                print(f"         recorded: {o.note}")
    for o in report.outcomes:
        if o.ours is None:
            print(f"skipped  {o.id}: {o.note}")
    print(f"agreement: {data['agreeing']}/{data['measured']} = {data['agreement_percent']}% "
          f"({data['entries']} entries, {data['entries'] - data['measured']} not measurable offline)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder (manifest.json)")
    args = parser.parse_args(argv)
    report = measure(args.corpus)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
