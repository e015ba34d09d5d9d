"""The HTTP interface the protocol code uses; `credwallet.fetch.oid4vci_http` implements it.

Keeping httpx out of this package keeps the network rules in one place (fetch/): every URL an
issuer names is checked by the same guard, with the same size and time limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from credwallet.errors import BadInput

ACCEPT_JSON = "application/json"
ACCEPT_METADATA = "application/json, application/jwt;q=0.9"


@dataclass(frozen=True)
class Reply:
    url: str
    status: int
    media_type: str | None
    body: bytes
    final_url: str | None = None  # after redirects (GET); None: the request's own URL


class Http(Protocol):
    async def get(self, url: str, *, accept: str = ACCEPT_JSON,
                  user_given: bool = False) -> Reply:
        """GET `url` (redirects followed under the network rules). 4xx answers are returned;
        5xx (after retries) and failures to connect are network errors."""
        ...

    async def post(self, url: str, *, form: Mapping[str, str] | None = None,
                   body: Any = None, bearer: str | None = None) -> Reply:
        """POST a form (`form`) or a JSON document (`body`), optionally with a bearer token.
        4xx answers are returned (they carry protocol errors); 5xx is a network error."""
        ...


def ok(reply: Reply, what: str) -> Reply:
    """The reply when it is a 2xx; otherwise a network error naming the HTTP status."""
    if 200 <= reply.status < 300:
        return reply
    from credwallet.oid4vci.errors import HttpStatus

    raise HttpStatus(f"{what}: {reply.url}: HTTP {reply.status}", reply.status)


def json_object(reply: Reply, what: str) -> dict[str, Any]:
    """The reply's body as a JSON object, or a one-line BadInput naming `what`."""
    from credwallet.ingest.jsonutil import loads

    try:
        doc = loads(reply.body, what=f"{what}: the answer from {reply.url}")
    except BadInput as exc:
        raise BadInput(f"{exc.message} (HTTP {reply.status}; not valid JSON)") from None
    if not isinstance(doc, dict):
        raise BadInput(f"{what}: the answer from {reply.url} is not a JSON object")
    return doc
