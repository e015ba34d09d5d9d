"""What a credential needs fetched, derived from its verification.

Verification runs against a `RecordingMaterial` over what has been fetched so far; every
request it could not answer (a URL and the `Kind` of document wanted) is fetched under the
network rules (`fetch/documents.py`) and verification runs again, until a round asks for
nothing new or no fetch added anything. No per-format list of links lives here: a verifier that
looks something up gets it fetched.

Bounded: at most `MAX_ROUNDS` rounds of fetches, and at most `FetchPolicy.max_documents`
documents per credential. Four rounds cover the longest chain a verifier follows: (1) the
credential's key or DID document, its status list, its BadgeClass or hosted copy, unbundled
contexts; (2) what those name: a standalone key document's controller, the status list's
own key, the OB 2.0 issuer profile; (3) the status list key's controller, the issuer's
revocation list; (4) one step more when unbundled contexts held a proof back a round. The
verifiers themselves follow no chain further (a status list's own status, endorsements of
endorsements and a controller's controller are never looked up), so a server whose every
document points at a new one gets at most these rounds.

Display material is not verification's business: after the rounds, the images the views of
the credential show (`material.display_images`) are fetched.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from credwallet.fetch.documents import Fetcher
from credwallet.ingest.sniff import Recognised
from credwallet.material import (
    DictMaterial,
    Kind,
    MaterialSource,
    Need,
    Probe,
    RecordingMaterial,
    display_images,
)
from credwallet.models.entry import CachedDocument

MAX_ROUNDS = 4


def offline_verification(now: datetime | None = None) -> Probe:
    """The default probe: the offline verifier itself, at `now`."""
    from credwallet.verify.engine import verify_bytes  # heavy; only commands that fetch load it

    when = now or datetime.now(UTC)

    def probe(rec: Recognised, material: MaterialSource) -> object:
        return verify_bytes(rec.raw, now=when, material=material, format=rec.format)

    return probe


class _Over:
    """`top` first, then `below` (refresh: fresh copies over the pinned ones)."""

    def __init__(self, top: MaterialSource, below: MaterialSource) -> None:
        self.top, self.below = top, below

    def get(self, url: str) -> CachedDocument | None:
        return self.top.get(url) or self.below.get(url)


async def derive(fetcher: Fetcher, rec: Recognised, probe: Probe, *,
                 pinned: MaterialSource | None = None) -> int:
    """Fetch what verifying `rec` asks for, round by round; the number of rounds that fetched.

    `pinned`: documents verification may read that are never fetched again (refresh: the
    wallet's contexts).
    """
    asked: set[Need] = set()
    images: dict[str, asyncio.Task[None]] = {}
    rounds = 0
    while True:
        fresh = DictMaterial(fetcher.out.material)
        recording = RecordingMaterial(fresh if pinned is None else _Over(fresh, pinned))
        probe(rec, recording)
        _start_images(fetcher, rec, images)  # beside the next round, not after the last one
        new = [n for n in recording.missed if n not in asked]
        if not new or rounds == MAX_ROUNDS:
            break
        asked.update(new)
        rounds += 1
        changed = await asyncio.gather(*(fetcher.need(n) for n in new))
        if not any(changed):
            break  # the same material gives the same answers: nothing more to learn
    await asyncio.gather(*images.values())
    return rounds


def _start_images(fetcher: Fetcher, rec: Recognised, started: dict[str, asyncio.Task[None]]
                  ) -> None:
    """Start fetching the images the views show with the material so far (display only)."""
    if Kind.IMAGE in fetcher.s.skip_kinds:
        return
    badge, images = display_images(rec, fetcher.out.material)
    for url in images:
        if url not in started:
            started[url] = asyncio.ensure_future(fetcher.image(url, badge=url == badge))
