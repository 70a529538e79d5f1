provider "aws" {
  region = "eu-west-1"
}

module "cluster" {
  source = "../../"

  name               = "example-dev"
  kubernetes_version = "1.34"
  region             = "eu-west-1"
  kubeconfig_context = "dev"

  network_cidr            = "10.10.0.0/17"
  availability_zone_count = 2
  single_nat_gateway      = true

  node_instance_types = ["t3.large"]
  node_min_size       = 1
  node_max_size       = 3
  node_desired_size   = 2

  endpoint_public_access_cidrs = ["203.0.113.0/24"]

  tags = {
    Project     = "example"
    Environment = "dev"
  }
}

output "kubeconfig_command" {
  description = "Run this to reach the cluster with kubectl."
  value       = module.cluster.kubeconfig_command
}
