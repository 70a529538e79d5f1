# State of the dev environment only; bucket and region are the team's (see infra/README.md).
terraform {
  backend "s3" {
    bucket       = "platform-terraform-state"
    key          = "live/dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
