output "environment" {
  description = "For releases/environments.yaml: the environment, its kubeconfig context and namespace."
  value = {
    name      = module.environment.environment
    context   = module.cluster.kubeconfig_context
    namespace = module.environment.namespace
  }
}

output "kubeconfig_context" {
  description = "kubeconfig context of the application cluster (environments.yaml: context)."
  value       = module.cluster.kubeconfig_context
}

output "namespace" {
  description = "Namespace of the applications (environments.yaml: namespace)."
  value       = module.environment.namespace
}

output "kubeconfig_command" {
  description = "Creates the kubeconfig context above."
  value       = module.cluster.kubeconfig_command
}

output "api_endpoint" {
  description = "Kubernetes API endpoint of the application cluster."
  value       = module.cluster.api_endpoint
}

output "ops_cluster" {
  description = "The ops twin's context and kubeconfig command, or null when create_ops_cluster is false."
  value = var.create_ops_cluster ? {
    context            = module.ops_cluster[0].kubeconfig_context
    kubeconfig_command = module.ops_cluster[0].kubeconfig_command
  } : null
}

output "database" {
  description = "What the records service's DATABASE_URL is built from; the password stays in the secret named by credentials_secret_arn."
  value = {
    host                   = module.database.address
    port                   = module.database.port
    name                   = module.database.database_name
    credentials_secret_arn = module.database.credentials_secret_arn
  }
}

output "gateway" {
  description = "parentRefs of application HTTPRoutes, and the ClusterIssuer of their certificates."
  value = {
    name           = module.cluster_addons.gateway_name
    namespace      = module.cluster_addons.gateway_namespace
    cluster_issuer = module.cluster_addons.cluster_issuer
    hostnames      = module.environment.hostnames
  }
}

output "flux_sync" {
  description = "Repository, ref and path Flux reconciles."
  value       = module.flux.sync
}

output "sealed_secrets_controller" {
  description = "kubeseal --controller-namespace and --controller-name for sealing this environment's secrets."
  value       = module.cluster_addons.sealed_secrets_controller
}

output "region" {
  description = "Cloud region of the environment, for the root's aws provider."
  value       = var.region
}

output "cluster_connection" {
  description = "How the root's helm provider reaches the application cluster: its kubernetes attribute."
  value = {
    host                   = module.cluster.api_endpoint
    cluster_ca_certificate = base64decode(module.cluster.certificate_authority_data)
    exec = {
      api_version = module.cluster.kubernetes_exec_auth.api_version
      command     = module.cluster.kubernetes_exec_auth.command
      args        = module.cluster.kubernetes_exec_auth.args
    }
  }
}
