provider "aws" {
  region = "eu-west-1"
}

module "mysql" {
  source = "../../"

  name          = "example-dev-mysql"
  database_name = "records"

  instance_class           = "db.t4g.micro"
  allocated_storage_gb     = 20
  max_allocated_storage_gb = 50

  network_id                 = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  allowed_security_group_ids = ["sg-0123456789abcdef0"]

  multi_az              = false
  backup_retention_days = 3
  deletion_protection   = false
  skip_final_snapshot   = true

  tags = {
    Environment = "dev"
  }
}

output "credentials_secret_arn" {
  description = "Where the generated credentials are kept."
  value       = module.mysql.credentials_secret_arn
}
