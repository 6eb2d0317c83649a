#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests. Looks for Debian's, then
# Playwright's own; as root on Debian or Ubuntu it installs Debian's package when neither
# is there. Otherwise it prints nothing on stdout and one line on stderr saying how to get one.
set -euo pipefail

if [ -n "${TEND_CHROMIUM:-}" ] && [ -x "$TEND_CHROMIUM" ]; then echo "$TEND_CHROMIUM"; exit 0; fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
own=$(ls -d "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome 2>/dev/null | sort | tail -n 1 || true)
if [ -n "$own" ] && [ -x "$own" ]; then echo "$own"; exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package for the browser tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
fi
echo "No Chromium found for the browser tests: install Debian's package (sudo apt-get install chromium) or run .venv/bin/playwright install chromium." >&2
