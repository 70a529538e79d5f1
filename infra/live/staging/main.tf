# The staging environment: everything is the composition module's; this root gives its few values.
module "platform" {
  source = "../../modules/platform-environment"

  environment  = "staging"
  network_cidr = "10.20.0.0/16"
}
