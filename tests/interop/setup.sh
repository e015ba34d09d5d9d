#!/bin/sh
# Install the pinned reference implementation into tests/interop/node_modules (idempotent).
# Needs node + npm and access to the npm registry; the tests skip cleanly without it.
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "interop: npm not found; skipping" >&2; exit 0; }
if [ -d node_modules/@digitalbazaar/vc ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
