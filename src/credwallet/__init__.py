"""credwallet: a local-first wallet for verifiable learning credentials."""

__version__ = "0.1.0"
