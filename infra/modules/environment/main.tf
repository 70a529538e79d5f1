locals {
  profile = coalesce(
    var.profile,
    contains(["prod", "production"], var.environment) ? "production" : var.environment == "staging" ? "medium" : "small",
  )

  # What each profile costs and how much it survives; a team tunes these numbers, the live roots only pick a profile.
  profiles = {
    small = {
      cluster = {
        availability_zone_count = 2
        single_nat_gateway      = true
        node_instance_types     = ["t3.large"]
        node_min_size           = 1
        node_max_size           = 3
        node_desired_size       = 2
      }
      database = {
        instance_class           = "db.t4g.micro"
        allocated_storage_gb     = 20
        max_allocated_storage_gb = 50
        multi_az                 = false
        backup_retention_days    = 3
        deletion_protection      = false
        skip_final_snapshot      = true
        performance_insights     = false
      }
      certificate_issuer = "self-signed"
    }
    medium = {
      cluster = {
        availability_zone_count = 3
        single_nat_gateway      = true
        node_instance_types     = ["t3.large"]
        node_min_size           = 2
        node_max_size           = 4
        node_desired_size       = 2
      }
      database = {
        instance_class           = "db.t4g.small"
        allocated_storage_gb     = 20
        max_allocated_storage_gb = 100
        multi_az                 = false
        backup_retention_days    = 7
        deletion_protection      = false
        skip_final_snapshot      = false
        performance_insights     = false
      }
      certificate_issuer = "letsencrypt-staging"
    }
    production = {
      cluster = {
        availability_zone_count = 3
        single_nat_gateway      = false
        node_instance_types     = ["m6i.large"]
        node_min_size           = 3
        node_max_size           = 6
        node_desired_size       = 3
      }
      database = {
        instance_class           = "db.m6g.large"
        allocated_storage_gb     = 50
        max_allocated_storage_gb = 500
        multi_az                 = true
        backup_retention_days    = 30
        deletion_protection      = true
        skip_final_snapshot      = false
        performance_insights     = true
      }
      certificate_issuer = "letsencrypt"
    }
  }

  name_prefix = "${var.project}-${var.environment}"
  hostname    = var.base_domain == null ? null : (local.profile == "production" ? var.base_domain : "${var.environment}.${var.base_domain}")

  tags = merge(var.extra_tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
