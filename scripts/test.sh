#!/usr/bin/env bash
# Set up and run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
scripts/venv.sh test
# axe-core for the accessibility checks of the browser tests (npm registry).
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
exec .venv/bin/python -m pytest "$@"
