"""Quality and trust signals: the user's trust list and registries, the `issuer_trust`
check, and the assessment summary (criteria, evidence, results) of a credential.

Offline and pure: registries are fetched only by `refresh` (credwallet.fetch.registry) and
parsed here into cached snapshots with their as-of time.
"""

from credwallet.trust.model import TrustSettings, dump_trust, load_trust

__all__ = ["TrustSettings", "dump_trust", "load_trust"]
