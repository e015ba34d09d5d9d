"""Protocol errors: one line each, with the exit code of docs/cli.md.

An issuer that answers with an OAuth / OID4VCI error (`invalid_grant`, `invalid_proof` ...)
refused the request: bad input (exit 3, kind `issuance_refused`). HTTP failures without a
protocol answer are network errors (exit 5, from fetch/). Nothing here ever carries a code,
token or transaction code: messages are built from the error code and the issuer's own
description only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from credwallet.errors import BadInput, NetworkError

# The codes and tokens of the issuance under way: issuer-supplied text that repeats one of
# them (an error_description echoing the access token, say) is never shown.
_SECRETS: ContextVar[set[str] | None] = ContextVar("oid4vci_secrets", default=None)
WINDOW = 12  # a run this long of a secret in issuer text is enough to withhold the text
WITHHELD = "(withheld: the issuer's text repeated a code or token)"

# What each error code means for the learner (the issuer's error_description follows it).
_MEANING = {
    "invalid_grant": "the offer's code was refused: it has expired or was already used, or the "
                     "transaction code is wrong",
    "invalid_request": "the issuer found the request malformed",
    "invalid_client": "the issuer requires a registered client (anonymous access is not allowed)",
    "unauthorized_client": "the issuer does not let this wallet use that grant",
    "unsupported_grant_type": "the issuer does not support this grant",
    "access_denied": "authorization was denied",
    "invalid_scope": "the issuer refused the requested scope",
    "invalid_token": "the access token was refused (expired or revoked)",
    "invalid_credential_request": "the issuer found the credential request malformed",
    "unknown_credential_configuration": "the issuer does not know the offered credential",
    "unknown_credential_identifier": "the issuer does not know the credential identifier",
    "unsupported_credential_format": "the issuer does not support the requested format",
    "unsupported_credential_type": "the issuer does not support the requested credential type",
    "invalid_proof": "the issuer refused the proof of possession of your key",
    "invalid_nonce": "the issuer refused the nonce in the proof of possession",
    "invalid_encryption_parameters": "the issuer requires encrypted responses, which credwallet "
                                     "does not support",
    "credential_request_denied": "the issuer denied the credential request",
    "invalid_transaction_id": "the issuer no longer knows this deferred issuance",
}


class IssuanceError(BadInput):
    """The issuer refused a step of the issuance, or its answer breaks the protocol."""

    kind = "issuance_refused"

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


@contextlib.contextmanager
def secret_scope(*known: str) -> Iterator[None]:
    """Within it, `remember`ed secrets (and `known`) are withheld from issuer-supplied text."""
    token = _SECRETS.set({k for k in known if k})
    try:
        yield
    finally:
        _SECRETS.reset(token)


def remember(secret: str | None) -> None:
    """A code or token of this issuance: `printable` withholds text that repeats it."""
    scope = _SECRETS.get()
    if scope is not None and secret:
        scope.add(secret)


def _repeats_secret(text: str) -> bool:
    for secret in _SECRETS.get() or ():
        width = min(len(secret), WINDOW)
        if any(secret[i:i + width] in text for i in range(len(secret) - width + 1)):
            return True
    return False


def printable(text: object, limit: int = 200) -> str:
    """Issuer-supplied text made safe for one line: printable ASCII only, bounded, and never
    repeating a code or token of the issuance under way (checked before cutting it short)."""
    # Only what is shown (and a window past its end, so a secret cut short there is still
    # seen) is searched: issuer text may be megabytes, searched once per window of a secret.
    s = str(text)[:limit + WINDOW - 1]
    if _repeats_secret(s):
        return WITHHELD
    return "".join(c if 0x20 <= ord(c) < 0x7F else "?" for c in s[:limit])


def protocol_error(step: str, code: str, description: object = None) -> IssuanceError:
    meaning = _MEANING.get(code, "the issuer refused it")
    text = f"{step}: {printable(code, 60)} ({meaning})"
    if isinstance(description, str) and description.strip():
        text += f": {printable(description)}"
    return IssuanceError(text, code=code)


class HttpStatus(NetworkError):
    """An endpoint answered with an HTTP error and no protocol error (exit 5)."""

    kind = "http_status"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
