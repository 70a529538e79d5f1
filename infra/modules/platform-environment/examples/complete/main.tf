# A complete environment as a live root calls it, with every optional input set.
provider "aws" {
  region = module.platform.region
}

provider "helm" {
  kubernetes = module.platform.cluster_connection
}

module "platform" {
  source = "../../"

  environment  = "staging"
  network_cidr = "10.20.0.0/16"

  region             = "eu-central-1"
  kubernetes_version = "1.34"
  git_repository_url = "https://github.com/example/platform.git"
  git_branch         = "main"
  base_domain        = "example.org"
  acme_email         = "platform@example.org"
  certificate_issuer = "letsencrypt-staging"
  api_allowed_cidrs  = ["203.0.113.0/24"]
  create_ops_cluster = true
}

output "platform" {
  description = "Everything the environment exposes."
  value       = module.platform
}
