variable "name" {
  description = "Identifier of the database instance and prefix of its subnet group, security group and parameter group."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.name)) && !endswith(var.name, "-") && !strcontains(var.name, "--")
    error_message = "name must start with a letter, contain only lowercase letters, digits and single hyphens, not end with a hyphen, and be at most 63 characters."
  }
}

variable "engine_version" {
  description = "MySQL version: \"8.4\" follows the latest 8.4 minor release; a full version such as \"8.4.6\" pins it."
  type        = string
  default     = "8.4"

  validation {
    condition     = can(regex("^8\\.4(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be MySQL 8.4 (\"8.4\" or \"8.4.<patch>\")."
  }
}

variable "instance_class" {
  description = "Machine class of the instance, e.g. db.t4g.micro."
  type        = string

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be a database instance class such as db.t4g.micro."
  }
}

variable "allocated_storage_gb" {
  description = "Storage at creation, in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be between 20 and 65536 (gp3 limits)."
  }
}

variable "max_allocated_storage_gb" {
  description = "Ceiling for storage autoscaling, in GiB; equal to allocated_storage_gb turns autoscaling off."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage_gb >= var.allocated_storage_gb
    error_message = "max_allocated_storage_gb must not be below allocated_storage_gb."
  }
}

variable "database_name" {
  description = "Name of the application database created in the instance."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,63}$", var.database_name))
    error_message = "database_name must start with a letter and contain only letters, digits and underscores (at most 64)."
  }
}

variable "master_username" {
  description = "Name of the administrative user. Its password is generated and kept by the cloud's secret store, never by Terraform."
  type        = string
  default     = "platform_admin"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "root", "rdsadmin"], lower(var.master_username))
    error_message = "master_username must be 1-16 letters, digits or underscores starting with a letter, and not a reserved name (admin, root, rdsadmin)."
  }
}

variable "network_id" {
  description = "ID of the private network (VPC) the database lives in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the database, in at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs subnets in at least two zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups whose members may connect on the MySQL port (e.g. the cluster's worker nodes)."
  type        = list(string)
  default     = []
}

variable "allowed_cidr_blocks" {
  description = "Private address ranges that may connect on the MySQL port (e.g. a VPN)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "allowed_cidr_blocks must be IPv4 CIDR blocks and must not open the database to everyone (0.0.0.0/0)."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second zone."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35: backups cannot be turned off."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups, hh24:mi-hh24:mi."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like 02:00-03:00."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window, ddd:hh24:mi-ddd:hh24:mi; must not overlap backup_window."
  type        = string
  default     = "sun:03:30-sun:04:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:03:30-sun:04:30."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off. Keep true for production."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot (only for throwaway environments)."
  type        = bool
  default     = false
}

variable "performance_insights" {
  description = "Turn on Performance Insights (7 days of query metrics)."
  type        = bool
  default     = false
}

variable "require_secure_transport" {
  description = "Refuse connections that do not use TLS. Turn on once every client connects with TLS."
  type        = bool
  default     = false
}

variable "kms_key_id" {
  description = "ARN of a customer-managed KMS key for storage and the credentials secret. Null uses the account's AWS-managed keys (still encrypted)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
