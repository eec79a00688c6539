#!/usr/bin/env bash
# Installs Debian's Chromium (and the fonts its screenshots use) for the
# dashboard's browser tests (test/web). Idempotent: nothing happens when
# /usr/bin/chromium is already there. A browser is never downloaded any other
# way (playwright-core only drives this one). Run as root, e.g. from .ci/run.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-chromium: no apt-get here; install Chromium at /usr/bin/chromium (or set CHROMIUM_PATH)" >&2
  exit 1
fi
# A mirror mid-sync can fail one index while the packages needed are fine: try the install anyway.
apt-get update -qq || echo "setup-chromium: apt-get update reported errors; trying the install anyway" >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null
/usr/bin/chromium --version
