output "address" {
  description = "Private DNS name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "MySQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "credentials_secret_arn" {
  description = "ARN of the Secrets Manager secret (JSON with username and password) that RDS manages for the administrative user. Read it to build DATABASE_URL; the password itself is never a Terraform output."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "instance_identifier" {
  description = "Identifier of the instance."
  value       = aws_db_instance.this.identifier
}

output "security_group_id" {
  description = "Security group guarding the instance."
  value       = aws_security_group.this.id
}
