"""Is a credential the holder's? Exports present only what was issued to the holder.

A wallet may keep a credential issued to someone else (import only warns), but handing it out
as the holder's would be misrepresentation. The rule: a credential is the holder's only when
its verification report's `recipient` check *passed* (the subject is the holder's did:key or
one of the wallet identities, plain or salted hash). Everything else is "unmatched":

- the recipient is someone else;
- the credential names no recipient at all (nothing ties it to the holder, so anyone holding
  a copy could present it: treated like someone else's, the safe side);
- there is no report, or no recipient check in it (e.g. a presentation, which names a holder
  but no recipient of its own: its credentials are judged one by one).
"""

from __future__ import annotations

from dataclasses import dataclass

from credwallet.models.entry import WalletData
from credwallet.models.results import VerificationResult

MARK = "not issued to the holder"
FLAG = "--include-unmatched"


@dataclass(frozen=True)
class HolderMatch:
    matched: bool
    why: str | None = None  # for an unmatched credential: why, without the other person's id


def holder_match(result: VerificationResult | None) -> HolderMatch:
    if result is None:
        return HolderMatch(False, "never verified, so nothing shows it was issued to you")
    check = result.check("recipient")
    if check is None:
        return HolderMatch(False, "its verification report has no recipient check")
    if check.status == "passed":
        return HolderMatch(True)
    detail = check.detail.lower()
    # The detail names the other recipient; keep it out of what we write (it is their data).
    if "names no recipient" in detail:
        return HolderMatch(False, "it names no recipient")
    if "matches none" in detail:
        return HolderMatch(False, "it names someone else as its recipient")
    if "no wallet identities" in detail:
        return HolderMatch(False, "its recipient could not be compared with your identities")
    return HolderMatch(False, f"its recipient is not you (recipient check {check.status})")


def holder_only(wallet: WalletData) -> WalletData:
    """A read-only view of `wallet` without unmatched credentials, for pathway progress: a
    credential issued to someone else must not count toward the holder's goals."""
    mine = [c for c in wallet.credentials if holder_match(c.verification).matched]
    return wallet.model_copy(update={"credentials": mine})
