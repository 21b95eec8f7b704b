#!/bin/sh
# Installs the Debian packages that Touchpoint's build and tests need, where
# they are missing. As root it runs apt-get; otherwise it prints the command.
# Then it installs the npm packages of package-lock.json (the kiosk's QR
# decoder, the browser tests' driver) when node_modules is missing or older.
set -eu
cd "$(dirname "$0")/.."
# chromium and fonts-noto-cjk: the browser tests run headless Chromium and
# keep screenshots, which need Chinese glyphs to be worth looking at. unzip:
# the tests read the XLSX workbook's sheets back.
packages="gcc make pkg-config perl libmicrohttpd-dev libsqlite3-dev libcurl4-openssl-dev
libqrencode-dev libjansson-dev libssl-dev libxlsxwriter-dev librsvg2-bin zbar-tools
sqlite3 curl unzip chromium fonts-noto-cjk"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Node.js may come from Debian or elsewhere: what counts is the commands.
{ command -v node && command -v npm; } >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
  else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
# npm ci only when node_modules lacks a package of package-lock.json at its
# locked version (not by file times: git checkouts and worktrees change those).
if ! node -e '
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  for (const [path, p] of Object.entries(lock.packages || {})) {
    if (!path) continue;
    const installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8"));
    if (installed.version !== p.version) process.exit(1);
  }' 2>/dev/null; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund
fi
