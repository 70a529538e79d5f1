# The state of staging only, in S3: bucket, region, encryption and locking are shared by every root
# (terraform init -backend-config=../s3.tfbackend). HCP Terraform instead: cloud.tf.example.
terraform {
  backend "s3" {
    key = "live/staging/terraform.tfstate"
  }
}
