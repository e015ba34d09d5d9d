"""A stand-in browser for the authorization code test (`BROWSER="python browser.py %s"`):
fetches the authorization URL and follows its redirect to credwallet's loopback listener,
as a browser would after the learner signs in (the test issuer approves at once)."""

from __future__ import annotations

import sys
import urllib.request

if __name__ == "__main__":
    with urllib.request.urlopen(sys.argv[1], timeout=30) as resp:
        resp.read()
