provider "helm" {
  kubernetes = {
    config_path    = "~/.kube/config"
    config_context = "dev"
  }
}

module "flux" {
  source = "../../"

  git_repository_url = "https://github.com/example/platform.git"
  git_branch         = "main"
  sync_path          = "releases/dev/flux"
}

output "sync" {
  description = "What Flux reconciles."
  value       = module.flux.sync
}
