locals {
  issuer_names = {
    "self-signed"         = "selfsigned"
    "letsencrypt-staging" = "letsencrypt-staging"
    "letsencrypt"         = "letsencrypt"
  }
  cluster_issuer = local.issuer_names[var.certificate_issuer]
}

# Envoy Gateway first: its chart brings the Gateway API CRDs that cert-manager's gateway support needs at start.
resource "helm_release" "envoy_gateway" {
  name             = "eg"
  namespace        = "envoy-gateway-system"
  create_namespace = true
  repository       = "oci://docker.io/envoyproxy"
  chart            = "gateway-helm"
  version          = var.envoy_gateway_chart_version
  wait             = true
  timeout          = 600
}

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.cert_manager_chart_version
  wait             = true
  timeout          = 600

  values = [yamlencode({
    crds   = { enabled = true }
    config = { enableGatewayAPI = true }
  })]

  depends_on = [helm_release.envoy_gateway]
}

# kube-system and the default controller name are where kubeseal looks without flags.
resource "helm_release" "sealed_secrets" {
  name       = "sealed-secrets"
  namespace  = "kube-system"
  repository = "https://bitnami-labs.github.io/sealed-secrets"
  chart      = "sealed-secrets"
  version    = var.sealed_secrets_chart_version
  wait       = true

  values = [yamlencode({
    fullnameOverride = "sealed-secrets-controller"
  })]
}

# A local chart rather than kubernetes_manifest: the CRDs of these objects do not exist until the
# releases above are installed, and kubernetes_manifest needs them at plan time.
resource "helm_release" "platform_gateway" {
  name             = "platform-gateway"
  namespace        = var.gateway_namespace
  create_namespace = true
  chart            = "${path.module}/charts/platform-gateway"
  wait             = true

  values = [yamlencode({
    environment = var.environment
    gatewayClass = {
      name           = "envoy-gateway"
      controllerName = "gateway.envoyproxy.io/gatewayclass-controller"
    }
    gateway = {
      name      = var.gateway_name
      hostnames = var.gateway_hostnames
    }
    issuer = {
      kind  = var.certificate_issuer
      name  = local.cluster_issuer
      email = var.acme_email == null ? "" : var.acme_email
    }
    applicationNamespaces = var.application_namespaces
  })]

  depends_on = [helm_release.cert_manager, helm_release.envoy_gateway]
}
