# The prod environment: everything is the composition module's; this root gives its few values.
module "platform" {
  source = "../../modules/platform-environment"

  environment  = "prod"
  network_cidr = "10.30.0.0/16"
}
