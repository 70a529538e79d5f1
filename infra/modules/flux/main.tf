locals {
  chart_repository = "oci://ghcr.io/controlplaneio-fluxcd/charts"
}

# The Flux Operator installs Flux from a FluxInstance and upgrades it within flux_version.
resource "helm_release" "operator" {
  name             = "flux-operator"
  namespace        = var.namespace
  create_namespace = true
  repository       = local.chart_repository
  chart            = "flux-operator"
  version          = var.operator_chart_version
  wait             = true
}

# The FluxInstance's sync block makes the operator create the GitRepository and the Kustomization
# (both named after the namespace, as `flux bootstrap` would) that apply releases/<env>/flux.
resource "helm_release" "instance" {
  name       = "flux"
  namespace  = var.namespace
  repository = local.chart_repository
  chart      = "flux-instance"
  version    = var.operator_chart_version
  wait       = true

  values = [yamlencode({
    instance = {
      distribution = {
        version  = var.flux_version
        registry = "ghcr.io/fluxcd"
      }
      components = [
        "source-controller",
        "kustomize-controller",
        "helm-controller",
        "notification-controller",
      ]
      cluster = {
        type          = "kubernetes"
        networkPolicy = true
      }
      sync = {
        kind       = "GitRepository"
        url        = var.git_repository_url
        ref        = "refs/heads/${var.git_branch}"
        path       = var.sync_path
        interval   = var.sync_interval
        pullSecret = var.git_credentials_secret_name == null ? "" : var.git_credentials_secret_name
      }
    }
  })]

  depends_on = [helm_release.operator]
}
