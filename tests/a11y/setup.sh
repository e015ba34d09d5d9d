#!/bin/sh
# Install the pinned axe-core into tests/a11y/node_modules (idempotent): exactly the version in
# package-lock.json (`npm ci`). Needs npm and the npm registry. Exits non-zero when it cannot
# install; .ci/run decides whether that is fatal (under CI=true the a11y tests then fail).
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "a11y: npm not found" >&2; exit 1; }
if [ -f node_modules/axe-core/axe.min.js ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
test -f node_modules/axe-core/axe.min.js
