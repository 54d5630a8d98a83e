#!/usr/bin/env bash
# Browser journeys run in Debian's Chromium (Playwright's own browser download cannot be used).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "error: /usr/bin/chromium is missing; install Debian's 'chromium' package (sudo apt-get install chromium)" >&2
exit 1
