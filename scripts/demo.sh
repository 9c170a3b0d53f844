#!/usr/bin/env bash
# Set up and serve the example site with demo content on http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
# Chinese PDFs need Pango and a CJK font (without them every character is a box).
scripts/system-packages.sh demo
scripts/venv.sh demo
cd example_site
../.venv/bin/python manage.py migrate --noinput
../.venv/bin/python manage.py load_demo
echo
echo "Bureau:  http://127.0.0.1:8000/xxgk/"
echo "School:  http://school.localhost:8000/xxgk/"
echo "Admin:   http://127.0.0.1:8000/admin/  (admin / admin; the school's teacher: teacher / teacher)"
# migrate has shown the system checks once already.
exec ../.venv/bin/python manage.py runserver --skip-checks 127.0.0.1:8000
