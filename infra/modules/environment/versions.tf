terraform {
  # No providers on purpose: this module is pure, so `terraform init` and `terraform test` run offline.
  required_version = ">= 1.9, < 2.0"
}
