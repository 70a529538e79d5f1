output "platform" {
  description = "What releases/environments.yaml and the team need: context, namespace, kubeconfig command, database, gateway, Flux sync, Sealed Secrets controller."
  value       = module.platform
}
