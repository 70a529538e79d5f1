provider "aws" {
  region = var.region
}

# Only the application cluster gets add-ons and Flux; the ops twin stays empty for infrastructure trials.
provider "helm" {
  kubernetes = {
    host                   = module.cluster.api_endpoint
    cluster_ca_certificate = base64decode(module.cluster.certificate_authority_data)
    exec = {
      api_version = module.cluster.kubernetes_exec_auth.api_version
      command     = module.cluster.kubernetes_exec_auth.command
      args        = module.cluster.kubernetes_exec_auth.args
    }
  }
}
