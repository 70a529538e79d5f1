variable "environment" {
  description = "Environment name as written in releases/environments.yaml (e.g. dev, staging, prod)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.environment))
    error_message = "environment must be 2-16 characters of lowercase letters, digits and hyphens, starting with a letter (it becomes part of cluster, namespace and database names)."
  }
}

variable "project" {
  description = "Short project name used as the prefix of every resource name."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "project must be 2-20 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "profile" {
  description = "Sizing profile: small, medium or production. Null picks one from the environment name (prod and production get production, staging gets medium, anything else small)."
  type        = string
  default     = null

  validation {
    condition     = var.profile == null || contains(["small", "medium", "production"], coalesce(var.profile, "small"))
    error_message = "profile must be one of small, medium, production (or null)."
  }
}

variable "network_cidr" {
  description = "Private address range reserved for this environment: its lower half goes to the application cluster, its upper half to the optional ops twin."
  type        = string

  validation {
    condition     = can(cidrhost(var.network_cidr, 0)) && try(tonumber(split("/", var.network_cidr)[1]) >= 12 && tonumber(split("/", var.network_cidr)[1]) <= 18, false)
    error_message = "network_cidr must be an IPv4 CIDR block between /12 and /18 (e.g. 10.10.0.0/16)."
  }
}

variable "base_domain" {
  description = "DNS domain under which the environment is served: prod answers on the domain itself, any other environment on <environment>.<base_domain>. Null leaves the gateway without hostnames."
  type        = string
  default     = null

  validation {
    condition     = var.base_domain == null || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", coalesce(var.base_domain, "example.com")))
    error_message = "base_domain must be a lowercase DNS name such as example.com."
  }
}

variable "extra_tags" {
  description = "Tags added to the standard ones (Project, Environment, ManagedBy) on every resource."
  type        = map(string)
  default     = {}
}
