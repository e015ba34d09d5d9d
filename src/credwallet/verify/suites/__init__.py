"""Proof suites, registered by (proof type, cryptosuite)."""

from credwallet.verify.suites.registry import DataIntegritySuite, find_suite, registered

__all__ = ["DataIntegritySuite", "find_suite", "registered"]
