# The dev environment: everything is the composition module's; this root gives its few values.
module "platform" {
  source = "../../modules/platform-environment"

  environment  = "dev"
  network_cidr = "10.10.0.0/16"
}
