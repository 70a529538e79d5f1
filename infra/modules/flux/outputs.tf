output "namespace" {
  description = "Namespace of the Flux controllers and of the sync objects."
  value       = helm_release.instance.namespace
}

output "git_repository_name" {
  description = "Name of the GitRepository (and of the Kustomization) that reconciles sync_path."
  value       = helm_release.instance.namespace
}

output "sync" {
  description = "What Flux reconciles: repository URL, ref and path."
  value = {
    url  = var.git_repository_url
    ref  = "refs/heads/${var.git_branch}"
    path = var.sync_path
  }
}
