#!/bin/sh
# Install the pinned reference implementation into tests/interop/node_modules (idempotent):
# exactly the versions in package-lock.json (`npm ci`). Needs node + npm and the npm registry.
# Exits non-zero when it cannot install; .ci/run decides whether that is fatal (under CI=true).
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "interop: npm not found" >&2; exit 1; }
if [ -d node_modules/@digitalbazaar/vc ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
test -d node_modules/@digitalbazaar/vc
