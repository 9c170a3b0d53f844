#!/usr/bin/env bash
# The test suite on Wagtail 7.4 LTS + Django 5.2 LTS, in a virtualenv of its
# own (.venv-lts), with the same checks of migrations and dependencies.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
python="${PYTHON:-python3}"
[ -x .venv-lts/bin/python ] || "$python" -m venv .venv-lts
.venv-lts/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv-lts/bin/python -m pip install -q -e ".[test]" "wagtail>=7.4,<7.5" "django>=5.2,<5.3" 2>&1 \
  | grep -v "^WARNING: Location" || true
.venv-lts/bin/python -m pip check
.venv-lts/bin/python -c "import wagtail, django; print('Wagtail', wagtail.__version__, '/ Django', django.get_version())"
(cd example_site && ../.venv-lts/bin/python manage.py makemigrations --check --dry-run)
DJANGO_SETTINGS_MODULE=tests.settings .venv-lts/bin/python -m django makemigrations --check --dry-run
exec .venv-lts/bin/python -m pytest "$@"
