#!/usr/bin/env bash
# Set up and run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
scripts/venv.sh test
exec .venv/bin/python -m pytest "$@"
