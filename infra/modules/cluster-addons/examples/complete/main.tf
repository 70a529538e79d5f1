provider "helm" {
  kubernetes = {
    config_path    = "~/.kube/config"
    config_context = "dev"
  }
}

module "cluster_addons" {
  source = "../../"

  environment            = "dev"
  certificate_issuer     = "letsencrypt-staging"
  acme_email             = "platform-team@example.com"
  gateway_hostnames      = ["dev.example.com"]
  application_namespaces = ["platform-dev"]
}

output "gateway" {
  description = "Where application HTTPRoutes attach."
  value       = "${module.cluster_addons.gateway_namespace}/${module.cluster_addons.gateway_name}"
}
