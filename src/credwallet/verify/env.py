"""What every format's verifier shares: the environment of one verification and its outcome.

`Env` carries the offline material, the context store, the time and the wallet identities;
`Outcome` is what a family verifier returns before the engine turns it into a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credwallet.errors import BadInput
from credwallet.formats import spec
from credwallet.ingest import Recognised
from credwallet.models import Check, CheckName, VerificationResult
from credwallet.verify.contexts import ContextStore
from credwallet.verify.material import MaterialSource

MAX_DEPTH = 3  # CLR in a presentation, plus a status list's own verification

@dataclass
class Env:
    material: MaterialSource
    store: ContextStore
    now: datetime
    identities: Sequence[str]
    depth: int = 0
    challenge: str | None = None  # expected presentation challenge / JWT nonce
    domain: str | None = None  # expected presentation domain / JWT aud

    def deeper(self) -> Env:
        return Env(self.material, self.store, self.now, self.identities, self.depth + 1)

@dataclass
class Outcome:
    checks: list[Check]
    signer: str | None = None
    suite: str | None = None
    nested: list[VerificationResult] | None = None
    holder: str | None = None  # a presentation's holder, when its key binding passed

def doc_of(rec: Recognised) -> dict[str, Any]:
    if not isinstance(rec.document, dict):
        raise BadInput("credential document is not a JSON object")
    return rec.document


def format_check(fmt: str) -> Check:
    return Check(check=CheckName.FORMAT, status="passed", detail=spec(fmt).label)


def unproven(detail: str, why: str = "no verified signature") -> list[Check]:
    """The pair every failed signature produces: proof failed, key binding not reached."""
    return [
        Check(check=CheckName.PROOF, status="failed", detail=detail),
        Check(check=CheckName.KEY_BINDING, status="skipped", detail=why),
    ]
