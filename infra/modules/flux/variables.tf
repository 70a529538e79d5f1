variable "git_repository_url" {
  description = "Clone URL of this monorepo (https:// or ssh://), which holds releases/<env>/flux."
  type        = string

  validation {
    condition     = can(regex("^(https|ssh)://", var.git_repository_url))
    error_message = "git_repository_url must start with https:// or ssh://."
  }
}

variable "git_branch" {
  description = "Branch Flux follows."
  type        = string
  default     = "main"

  validation {
    condition     = length(var.git_branch) > 0 && !startswith(var.git_branch, "refs/")
    error_message = "git_branch must be a branch name such as main, without refs/heads/."
  }
}

variable "sync_path" {
  description = "Folder of the repository that Flux applies, e.g. releases/dev/flux."
  type        = string

  validation {
    condition     = can(regex("^releases/[a-z0-9-]+/flux$", var.sync_path))
    error_message = "sync_path must be releases/<env>/flux (the folder `recipe render` writes)."
  }
}

variable "sync_interval" {
  description = "How often Flux fetches the repository, as a Go duration."
  type        = string
  default     = "1m"

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.sync_interval))
    error_message = "sync_interval must be a duration such as 30s, 1m or 1h."
  }
}

variable "git_credentials_secret_name" {
  description = "Name of a Secret in the Flux namespace with credentials for a private repository (username/password or identity/known_hosts). Null for a public repository."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Namespace Flux is installed in."
  type        = string
  default     = "flux-system"
}

variable "flux_version" {
  description = "Flux distribution the operator installs and keeps upgraded, as a semver range (\"2.7.x\" follows patch releases of 2.7)."
  type        = string
  default     = "2.7.x"

  validation {
    condition     = can(regex("^2\\.[0-9]+\\.(x|[0-9]+)$", var.flux_version))
    error_message = "flux_version must look like 2.7.x or 2.7.3."
  }
}

variable "operator_chart_version" {
  description = "Version of the flux-operator and flux-instance charts (exact, no ranges)."
  type        = string
  default     = "0.59.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.operator_chart_version))
    error_message = "operator_chart_version must be an exact version such as 0.59.0."
  }
}
