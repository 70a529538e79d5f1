module "environment" {
  source = "../../"

  environment  = "staging"
  network_cidr = "10.20.0.0/16"
  base_domain  = "example.com"
  extra_tags   = { CostCenter = "platform" }
}

output "namespace" {
  description = "Namespace of the staging applications."
  value       = module.environment.namespace
}

output "cluster" {
  description = "Cluster sizing chosen for staging."
  value       = module.environment.cluster
}
