provider "aws" {
  region = module.platform.region
}

# Only the application cluster gets add-ons and Flux; the ops twin stays empty for infrastructure trials.
provider "helm" {
  kubernetes = module.platform.cluster_connection
}
