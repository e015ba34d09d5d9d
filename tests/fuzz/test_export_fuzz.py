"""Exports render text written by strangers: any stored credential gives an export or a clean error."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import CredwalletError
from credwallet.export import ExportOptions, run_export
from credwallet.export.model import FORMATS
from credwallet.models import Check, VerificationResult
from credwallet.models.entry import StoredCredential
from credwallet.wallet.holder import new_wallet
from tests.fuzz.invariant import fuzz_settings, outcome
from tests.fuzz.strategies import credential_like

NOW = datetime(2026, 6, 1, tzinfo=UTC)
STORED_FORMATS = st.sampled_from(["ob3-ldp", "vc-ldp", "clr-ldp", "ob2-assertion-json", "ob2-hosted"])


def _stored(i: int, doc: dict[str, Any], fmt: str, verified: bool, mine: bool = True) -> StoredCredential:
    # `mine`: the stored report says it was issued to the holder (exports keep only those, or
    # mark the others with include_unmatched; a presentation never holds the others).
    recipient = (Check(check="recipient", status="passed", detail="fuzz: recipient is the holder") if mine
                 else Check(check="recipient", status="warning",
                            detail="fuzz: recipient matches none of your identities"))
    result = VerificationResult.from_checks(
        [Check(check="proof", status="passed" if verified else "failed", detail="fuzz"), recipient],
        checked_at=NOW)
    name = doc.get("name") if isinstance(doc.get("name"), str) else None
    return StoredCredential(id=f"{i:016x}", format=fmt, raw=json.dumps(doc), source="fuzz",
                            imported_at=NOW, name=name, verification=result)


@pytest.mark.parametrize("fmt", ["vp", "bundle"])
def test_unsigned_context_free_credential_in_a_presentation(fmt: str) -> None:
    # Was PresentationError (exit 70); now the credential is skipped or the export fails cleanly.
    wallet = new_wallet(NOW)
    wallet.credentials = [_stored(0, {"type": ["VerifiableCredential"], "name": "x"}, "vc-ldp", False)]
    outcome(run_export, wallet, ExportOptions(fmt=fmt, now=NOW, include_unverified=True))


@given(docs=st.lists(st.tuples(credential_like(), STORED_FORMATS, st.booleans(), st.booleans()),
                     min_size=1, max_size=3),
       fmt=st.sampled_from(sorted(FORMATS)))
@fuzz_settings(40)
def test_any_stored_credential_exports_or_fails_cleanly(docs: list[tuple[dict[str, Any], str, bool, bool]],
                                                        fmt: str) -> None:
    wallet = new_wallet(NOW)
    wallet.credentials = [_stored(i, d, f, v, m) for i, (d, f, v, m) in enumerate(docs)]
    opts = ExportOptions(fmt=fmt, now=NOW, include_unverified=True, include_unmatched=True)
    res = outcome(run_export, wallet, opts)
    if not isinstance(res, CredwalletError):
        assert isinstance(res.content, bytes) and res.content
        if fmt in ("vp", "json", "jsonresume"):
            json.loads(res.content)
