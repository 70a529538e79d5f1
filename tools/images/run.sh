#!/usr/bin/env bash
# `npm run test:images`: builds both deployables' images and a MariaDB image, runs them together and
# checks them (src/run.ts). Uses the Docker engine that DOCKER_HOST (or the default socket) names;
# where none answers and we are root (a bare Linux CI machine), starts a private one for the run
# and stops it afterwards, even when the run fails.
set -euo pipefail
cd "$(dirname "$0")"
# Node 24 runs src/run.ts and the suites: `npm run test:images` puts the workspace's own (the `node`
# package that npm ci installs) first on PATH.
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
  echo "images: node $(node --version 2>/dev/null) is older than 24: run this as \"npm run test:images\" after npm ci" >&2
  exit 1
fi

# BuildKit without the buildx plugin: Debian's 20.10 client has it built in; newer clients need buildx.
if [ -z "${DOCKER:-}" ]; then
  if docker buildx version >/dev/null 2>&1; then DOCKER=docker
  elif [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker
  else DOCKER=docker
  fi
fi
export DOCKER DOCKER_BUILDKIT=1

engine_answers() { "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

state="${PLATFORM_IMAGES_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-images}"
exec_root=""
dockerd_pid=""
created_bridge=""

stop_engine() {
  local status=$?
  trap - EXIT
  if [ -n "$dockerd_pid" ]; then
    # The engine is ours: nothing in it outlives the run.
    "$DOCKER" ps -aq 2>/dev/null | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
    # dockerd leaves its network namespace mount behind, and the bridge it created.
    if mountpoint -q "$exec_root/netns/default" 2>/dev/null; then umount "$exec_root/netns/default" || true; fi
    rm -rf "$exec_root"
    if [ -n "$created_bridge" ]; then ip link delete docker0 2>/dev/null || true; fi
    echo "images: private Docker engine stopped" >&2
    dockerd_pid=""
  fi
  exit "$status"
}

if ! engine_answers; then
  if [ "$(id -u)" != 0 ]; then
    echo "images: no Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}. Start Docker Desktop, Colima or Podman (and point DOCKER_HOST at its socket), or run as root on Linux so that a private engine can be started" >&2
    exit 1
  fi
  # debootstrap builds the Debian stand-in where no registry serves the base images.
  if ! command -v dockerd >/dev/null 2>&1 || [ ! -x /usr/bin/docker ] || ! command -v debootstrap >/dev/null 2>&1; then
    echo "images: installing Debian's docker.io and debootstrap for a private Docker engine" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
  fi
  DOCKER=/usr/bin/docker
  mkdir -p "$state"
  # One run at a time per data root: a second run waits here.
  exec 9>"$state/lock"
  flock 9
  ip link show docker0 >/dev/null 2>&1 || created_bridge=1
  # Short path: the engine's sockets live under it, and a unix socket path is limited to 108 bytes.
  exec_root="$(mktemp -d /run/platform-docker.XXXXXX)"
  trap stop_engine EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # No iptables: this machine's networking is left alone; builds and the stack use host networking,
  # the bridge only carries the testcontainers suites' published ports (docker-proxy, no NAT).
  dockerd --storage-driver "${PLATFORM_IMAGES_STORAGE_DRIVER:-overlay2}" --iptables=false --ip6tables=false \
    --host "unix://$exec_root/docker.sock" --data-root "$state/docker" --exec-root "$exec_root" \
    --pidfile "$exec_root/dockerd.pid" >"$state/dockerd.log" 2>&1 &
  dockerd_pid=$!
  export DOCKER_HOST="unix://$exec_root/docker.sock"
  for _ in $(seq 1 60); do engine_answers && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  if ! engine_answers; then
    echo "images: the private Docker engine did not start; the end of $state/dockerd.log:" >&2
    tail -n 20 "$state/dockerd.log" >&2
    exit 1
  fi
  echo "images: private Docker engine $("$DOCKER" version --format '{{.Server.Version}}') at $DOCKER_HOST (data in $state/docker)" >&2
fi

node src/run.ts "$@"
