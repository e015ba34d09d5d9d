#!/bin/sh
# Install the pinned reference implementations into tests/interop/node_modules (idempotent):
# exactly the versions in package-lock.json (`npm ci`). Needs node + npm and the npm registry.
# Exits non-zero when it cannot install; .ci/run decides whether that is fatal (under CI=true).
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "interop: npm not found" >&2; exit 1; }
installed() {
  for pkg in @digitalbazaar/vc @digitalbazaar/ed25519-signature-2018 \
      @digitalbazaar/ecdsa-sd-2023-cryptosuite @transmute/json-web-signature jose \
      @sd-jwt/sd-jwt-vc @sd-jwt/jwt-status-list @digitalbazaar/bbs-2023-cryptosuite; do
    test -d "node_modules/$pkg" || return 1
  done
}
if installed && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
installed
