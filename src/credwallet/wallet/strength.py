"""Passphrase strength: zxcvbn's estimate (a pattern- and dictionary-aware guess count),
not a character-class rule, so "four random words" passes and "P@ssw0rd1" does not."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# zxcvbn scores 0..4 (guesses < 1e3, 1e6, 1e8, 1e10, above). 3 is its "safely unguessable:
# moderate protection from offline slow-hash scenario" level; Argon2id is such a slow hash.
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching is superlinear); a longer passphrase is judged by
# its first 72 characters, which is conservative.
MAX_CHARS = 72
# Words an attacker targeting this wallet would try first.
CONTEXT_WORDS = ("credwallet", "wallet", "passphrase", "password", "badge", "credential")


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4
    warning: str
    suggestions: tuple[str, ...]

    @property
    def weak(self) -> bool:
        return self.score < MIN_SCORE

    def reason(self) -> str:
        return self.warning.rstrip(".") if self.warning else "it would be quick to guess"

    def advice(self) -> str:
        tips = " ".join(self.suggestions)
        base = "Use four or more random words, or a password manager's generated passphrase."
        return f"{tips} {base}".strip()


def estimate(passphrase: str) -> Strength:
    from zxcvbn import zxcvbn

    text = unicodedata.normalize("NFC", passphrase)[:MAX_CHARS]  # what the KDF sees
    result = zxcvbn(text, user_inputs=list(CONTEXT_WORDS))
    feedback = result["feedback"]
    return Strength(score=int(result["score"]), warning=str(feedback["warning"] or ""),
                    suggestions=tuple(str(s) for s in feedback["suggestions"]))
