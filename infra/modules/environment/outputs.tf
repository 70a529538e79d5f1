output "environment" {
  description = "The environment name, unchanged."
  value       = var.environment
}

output "profile" {
  description = "The sizing profile in force (small, medium or production)."
  value       = local.profile
}

output "name_prefix" {
  description = "Prefix for resource names: <project>-<environment>."
  value       = local.name_prefix
}

output "cluster_name" {
  description = "Name of the application cluster."
  value       = local.name_prefix
}

output "ops_cluster_name" {
  description = "Name of the optional ops twin of the cluster."
  value       = "${local.name_prefix}-ops"
}

output "kubeconfig_context" {
  description = "kubeconfig context of the application cluster, as releases/environments.yaml names it."
  value       = var.environment
}

output "ops_kubeconfig_context" {
  description = "kubeconfig context of the ops twin."
  value       = "${var.environment}-ops"
}

output "namespace" {
  description = "Kubernetes namespace the applications of this environment run in."
  value       = "${var.project}-${var.environment}"
}

output "flux_path" {
  description = "Path in the monorepo that Flux reconciles for this environment."
  value       = "releases/${var.environment}/flux"
}

output "network_cidr" {
  description = "Address range of the application cluster's network (lower half of network_cidr)."
  value       = cidrsubnet(var.network_cidr, 1, 0)
}

output "ops_network_cidr" {
  description = "Address range of the ops twin's network (upper half of network_cidr), so both can be peered without overlap."
  value       = cidrsubnet(var.network_cidr, 1, 1)
}

output "database_identifier" {
  description = "Identifier of the managed MySQL instance."
  value       = "${local.name_prefix}-mysql"
}

output "database_name" {
  description = "Name of the application database inside the instance."
  value       = replace("${var.project}_${var.environment}", "-", "_")
}

output "cluster" {
  description = "Cluster sizing for the profile: availability_zone_count, single_nat_gateway, node_instance_types, node_min_size, node_max_size, node_desired_size."
  value       = local.profiles[local.profile].cluster
}

output "database" {
  description = "Database sizing and safety settings for the profile."
  value       = local.profiles[local.profile].database
}

output "certificate_issuer" {
  description = "Default certificate issuer for the profile: self-signed, letsencrypt-staging or letsencrypt."
  value       = local.profiles[local.profile].certificate_issuer
}

output "hostnames" {
  description = "Hostnames the environment's gateway serves (empty when base_domain is null)."
  value       = local.hostname == null ? [] : [local.hostname]
}

output "tags" {
  description = "Tags for every resource of the environment."
  value       = local.tags
}
