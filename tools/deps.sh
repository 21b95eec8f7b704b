#!/bin/sh
# Installs the Debian packages that Touchpoint's build and tests need, where
# they are missing. As root it runs apt-get; otherwise it prints the command.
set -eu
packages="gcc make pkg-config perl libmicrohttpd-dev libsqlite3-dev libcurl4-openssl-dev
libqrencode-dev libjansson-dev libssl-dev librsvg2-bin zbar-tools sqlite3"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
