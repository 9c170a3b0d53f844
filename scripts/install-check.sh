#!/usr/bin/env bash
# Install the built wheel into a brand-new Wagtail project, as the README says,
# on a pinned Wagtail (default 7.4 LTS): the site's Wagtail and Django versions
# must not change, migrate and check must pass, and a disclosure page must be
# served with the plugin's stylesheet. Usage: scripts/install-check.sh [wagtail-spec]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
spec="${1:-wagtail>=7.4,<7.5}"
python="${PYTHON:-python3}"
work=$(mktemp -d /tmp/govopen-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
pip="$work/venv/bin/python -m pip"
$pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
$pip install -q "$spec" "django>=5.2,<5.3" 2>&1 | grep -v "^WARNING: Location" || true
before=$($pip freeze | grep -iE "^(wagtail|django)==" | sort)

.venv/bin/python -m build --wheel --outdir "$work/dist" . >/dev/null 2>&1
$pip install -q "$work"/dist/govopen_wagtail-*.whl 2>&1 | grep -v "^WARNING: Location" || true
after=$($pip freeze | grep -iE "^(wagtail|django)==" | sort)
if [ "$before" != "$after" ]; then
  echo "installing the plugin changed the site's versions:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
$pip check
echo "site keeps: $(echo $after | tr '\n' ' ')"

cd "$work"
"$work/venv/bin/wagtail" start schoolsite >/dev/null
cd schoolsite
settings=schoolsite/settings/base.py
# The README's settings snippet, exactly as written.
"$work/venv/bin/python" - "$root/README.md" >> "$settings" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "GOVOPEN_APPS" in b)
print("\n" + block)
PY
printf '\nLANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]\nLANGUAGE_CODE = "zh-hans"\n' >> "$settings"
sed -i 's|    path("admin/", include(wagtailadmin_urls)),|    path("admin/", include(wagtailadmin_urls)),\n    path("captcha/", include("captcha.urls")),|' schoolsite/urls.py
py="$work/venv/bin/python"
$py manage.py migrate --noinput >/dev/null
# A site set up by the README gets no warning from the plugin (W001, no
# holiday data for next year yet, is about the calendar, not the install).
checks=$($py manage.py check 2>&1 || true)
if grep -E "govopen_wagtail\.(E|W)[0-9]+" <<<"$checks" | grep -v "govopen_wagtail.W001"; then
  echo "the plugin is not set up as the README says:" >&2
  echo "$checks" >&2
  exit 1
fi
$py manage.py check
$py manage.py shell --no-imports -c '
from django.test import Client
from wagtail.models import Site
from govopen_wagtail.models import DisclosureGuidePage, DisclosureIndexPage
home = Site.objects.get(is_default_site=True).root_page
index = home.add_child(instance=DisclosureIndexPage(title="政府信息公开", slug="xxgk"))
index.save_revision().publish()
guide = index.add_child(instance=DisclosureGuidePage(title="政府信息公开指南", slug="zn"))
guide.save_revision().publish()
for url in ("/xxgk/", "/xxgk/zn/"):
    response = Client().get(url, HTTP_HOST="localhost")
    html = response.content.decode()
    assert response.status_code == 200, (url, response.status_code)
    assert "govopen_wagtail/css/govopen.css" in html, "stylesheet not loaded: base template lacks extra_css?"
    assert "政府信息公开" in html
print("served /xxgk/ and /xxgk/zn/ with the plugin stylesheet")
'
echo "install check ok ($spec)"
