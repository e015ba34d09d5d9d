"""Limits every fetch obeys. Defaults suit real issuers; tests and slow links tune them."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from credwallet.ingest.sniff import MAX_INPUT_BYTES

MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Whole request, body included: a server dripping one byte at a time never trips the read
    # timeout, so each attempt also has a wall-clock deadline.
    total_timeout: float = 60.0
    max_redirects: int = 5
    max_source_bytes: int = MAX_INPUT_BYTES  # what the user asked for (credential or image)
    max_document_bytes: int = 4 * MiB  # keys, profiles, DID documents, status lists, contexts
    max_image_bytes: int = 2 * MiB  # badge and issuer images kept for export
    retries: int = 2  # extra attempts on 429/5xx and connection failures
    backoff: float = 0.5  # seconds, doubled per attempt
    max_retry_after: float = 10.0  # a longer Retry-After is not waited for
    concurrency: int = 16  # requests in flight across all sources
    max_documents: int = 64  # material documents per credential (a hostile graph stops here)

    @classmethod
    def from_env(cls) -> FetchPolicy:
        """CREDWALLET_HTTP_TIMEOUT (seconds) bounds every request; other limits are fixed."""
        policy = cls()
        raw = os.environ.get("CREDWALLET_HTTP_TIMEOUT")
        if raw:
            try:
                seconds = float(raw)
            except ValueError:
                return policy
            if 0 < seconds <= 3600:
                policy = replace(policy, total_timeout=seconds,
                                 connect_timeout=min(policy.connect_timeout, seconds),
                                 read_timeout=min(policy.read_timeout, seconds))
        return policy
