#!/usr/bin/env bash
# The steps of .github/workflows/e2e-kind.yml, one per call so each has its own log section (as
# podinfo's test/e2e.sh, split up): build both images at this commit and load them into kind,
# serve this repository to Flux with dev pointed at this commit, run MySQL in the cluster, let Flux
# reconcile releases/dev/flux, then `recipe verify dev` and the post-deploy suites through
# port-forwards. Needs docker, kind, kubectl, flux, yq, git and `npm ci` done.
#   bash tools/ci/kind/e2e.sh images|serve|flux|mysql|reconcile|verify|suites|debug
set -euo pipefail

cluster=${KIND_CLUSTER:-platform-e2e}
context="kind-$cluster"
namespace=platform-dev
work=${E2E_WORK:-${RUNNER_TEMP:-/tmp}/kind-e2e}
branch=kind-e2e
commit=$(git rev-parse HEAD)
mkdir -p "$work"

# Both deployables' images, tagged <image of environments.yaml>:<this commit>, into the kind nodes
# (the charts pull IfNotPresent, so the loaded images are what runs).
images() {
  CONTAINER_OUTPUT=load npx nx run-many --projects=records,web -t container --parallel=1
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep ":$commit\$" | while read -r image; do
    kind load docker-image "$image" --name "$cluster"
  done
}

# A commit on top of this one that points dev at it and fits kind (no SealedSecrets controller,
# Gateway or cert-manager: records gets a plain Secret, web no HTTPRoute; the database is a pod in
# kind's pod network, 10.244.0.0/16), served over HTTP from the runner to the cluster, since the
# pull request's commit exists on no remote Flux can reach.
serve() {
  local gateway git_url
  gateway=$(docker network inspect kind --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' | tr ' ' '\n' | grep -m1 '\.')
  git_url="http://$gateway:${GIT_SERVER_PORT:-8099}/platform.git"
  git switch --quiet -c "$branch"
  GIT_URL="$git_url" yq -i '.repository.url = strenv(GIT_URL)' releases/environments.yaml
  yq -i '.sealedSecret.enabled = false | .networkPolicy.database.cidrs = ["10.244.0.0/16"]' releases/dev/values/records.yaml
  yq -i '.httpRoute.enabled = false | .tls.enabled = false' releases/dev/values/web.yaml
  npx recipe set dev "records=$commit" "web=$commit"
  npx recipe render
  git -c user.name=e2e-kind -c user.email=e2e-kind@localhost commit --quiet -am "test: dev runs $commit in kind"
  rm -rf "$work/repos" && mkdir -p "$work/repos"
  git clone --quiet --bare . "$work/repos/platform.git"
  nohup node tools/ci/src/git-http-server.ts --root "$work/repos" --host 0.0.0.0 --port "${GIT_SERVER_PORT:-8099}" > "$work/git-http-server.log" 2>&1 &
  echo "$git_url" > "$work/git-url"
  for _ in $(seq 1 50); do git ls-remote "$git_url" "$branch" > /dev/null 2>&1 && break; sleep 0.2; done
  git ls-remote "$git_url" "$branch"
}

flux_install() {
  flux install --context "$context" --components=source-controller,kustomize-controller,helm-controller
  kubectl --context "$context" create namespace "$namespace" --dry-run=client -o yaml | kubectl --context "$context" apply -f -
}

mysql() {
  kubectl --context "$context" apply -f tools/ci/kind/mysql.yaml
  kubectl --context "$context" -n "$namespace" rollout status deployment/mysql --timeout=5m
  kubectl --context "$context" -n "$namespace" create secret generic records-secrets \
    --from-literal=DATABASE_URL="mysql://root:kind-e2e@mysql.$namespace.svc.cluster.local:3306/records" \
    --from-literal=DEMO_SECRET=kind-e2e-secret --dry-run=client -o yaml | kubectl --context "$context" apply -f -
}

reconcile() {
  flux --context "$context" create source git platform --url="$(cat "$work/git-url")" --branch="$branch" --interval=1m
  flux --context "$context" create kustomization platform-dev --source=GitRepository/platform --path=./releases/dev/flux \
    --prune=true --interval=5m --wait --timeout=10m
  kubectl --context "$context" -n "$namespace" wait helmrelease --all --for=condition=Ready --timeout=10m
}

verify() {
  npx recipe verify dev --context "$context" --wait 5m
}

# kubectl port-forward to a free local port; prints the URL once it answers.
forward() {
  local service=$1 log="$work/port-forward-$1.log" port=""
  nohup kubectl --context "$context" -n "$namespace" port-forward "service/$service" :80 > "$log" 2>&1 &
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.2
  done
  [ -n "$port" ] || { cat "$log" >&2; return 1; }
  echo "http://127.0.0.1:$port"
}

suites() {
  local web records
  web=$(forward web)
  records=$(forward records)
  npx platform-e2e --env dev --web-url "$web" --records-url "$records" --suites health,versions,smoke,regression --out "$work/e2e"
}

debug() {
  kubectl --context "$context" get all,gitrepositories,helmreleases,kustomizations -A || true
  kubectl --context "$context" -n "$namespace" describe helmreleases || true
  flux --context "$context" logs --all-namespaces --since=15m || true
  kubectl --context "$context" -n "$namespace" logs -l app.kubernetes.io/name=records --tail=100 || true
  kubectl --context "$context" -n "$namespace" logs -l app.kubernetes.io/name=web --tail=100 || true
  cat "$work/git-http-server.log" || true
}

case "${1:-}" in
  images | serve | mysql | reconcile | verify | suites | debug) "$1" ;;
  flux) flux_install ;;
  *)
    echo "usage: bash tools/ci/kind/e2e.sh images|serve|flux|mysql|reconcile|verify|suites|debug" >&2
    exit 2
    ;;
esac
