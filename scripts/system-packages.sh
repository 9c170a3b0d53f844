#!/usr/bin/env bash
# Debian packages the project needs beyond Python: Chromium for the browser
# tests, Noto CJK so Chinese renders in screenshots and PDFs, Pango for
# WeasyPrint, gettext for compilemessages. Installs only what is missing; needs root (or sudo).
set -euo pipefail

# Usage: system-packages.sh [demo]  (demo: everything but the test browser)
need=()
if [ "${1:-}" != "demo" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v npm >/dev/null 2>&1 || need+=(npm)  # axe-core for the accessibility checks
fi
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# grep reads to the end (no -q): with pipefail an early exit would SIGPIPE the
# listing and count as "missing".
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
# WeasyPrint (PDF versions of documents) needs Pango.
ldconfig -p 2>/dev/null | grep "libpango-1.0.so" >/dev/null || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so" >/dev/null || need+=(libpangoft2-1.0-0)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: no apt-get; install ${need[*]} yourself (browser tests will be skipped)." >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "system-packages: not root; install ${need[*]} yourself (browser tests will be skipped)." >&2
    exit 0
  fi
fi
echo "system-packages: installing ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
