"""One verifier module per format family (see credwallet.formats)."""
