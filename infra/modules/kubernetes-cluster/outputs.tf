output "name" {
  description = "Cluster name."
  value       = module.eks.cluster_name
}

output "api_endpoint" {
  description = "HTTPS endpoint of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "certificate_authority_data" {
  description = "Base64-encoded certificate authority of the API server (public, not a secret)."
  value       = module.eks.cluster_certificate_authority_data
}

output "kubeconfig_context" {
  description = "Name of the kubeconfig context that kubeconfig_command creates."
  value       = local.kubeconfig_context
}

output "kubeconfig_command" {
  description = "Command that writes this cluster's context into ~/.kube/config."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name} --alias ${local.kubeconfig_context}"
}

output "kubernetes_exec_auth" {
  description = "How a Kubernetes client gets short-lived credentials (the exec block of a kubeconfig or of the helm and kubernetes providers)."
  value = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
  }
}

output "network_id" {
  description = "ID of the cluster's network (VPC)."
  value       = module.vpc.vpc_id
}

output "network_cidr" {
  description = "Address range of the cluster's network."
  value       = module.vpc.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Subnets of the worker nodes."
  value       = module.vpc.private_subnets
}

output "database_subnet_ids" {
  description = "Private subnets reserved for managed databases (no route from the internet)."
  value       = module.vpc.database_subnets
}

output "node_security_group_id" {
  description = "Security group of the worker nodes; databases allow connections from it."
  value       = module.eks.node_security_group_id
}

output "oidc_provider_arn" {
  description = "OIDC provider of the cluster, for workload identities (IRSA)."
  value       = module.eks.oidc_provider_arn
}
