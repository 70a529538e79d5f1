output "gateway_name" {
  description = "Name of the shared Gateway (parentRefs name of application HTTPRoutes)."
  value       = var.gateway_name
}

output "gateway_namespace" {
  description = "Namespace of the shared Gateway (parentRefs namespace of application HTTPRoutes)."
  value       = helm_release.platform_gateway.namespace
}

output "gateway_class_name" {
  description = "GatewayClass served by Envoy Gateway."
  value       = "envoy-gateway"
}

output "cluster_issuer" {
  description = "Name of the cert-manager ClusterIssuer that signs this environment's certificates."
  value       = local.cluster_issuer
}

output "sealed_secrets_controller" {
  description = "Namespace and name of the Sealed Secrets controller, for kubeseal --controller-namespace/--controller-name."
  value = {
    namespace = helm_release.sealed_secrets.namespace
    name      = "sealed-secrets-controller"
  }
}

output "chart_versions" {
  description = "Chart versions installed, for the record."
  value = {
    cert_manager   = helm_release.cert_manager.version
    envoy_gateway  = helm_release.envoy_gateway.version
    sealed_secrets = helm_release.sealed_secrets.version
  }
}
