"""Bytes -> recognised credential(s). Recognition is by content, never by file name."""

from credwallet.ingest.sniff import MAX_INPUT_BYTES, Recognised, recognise

__all__ = ["MAX_INPUT_BYTES", "Recognised", "recognise"]
