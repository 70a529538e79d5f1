variable "environment" {
  description = "Name of the environment (dev, staging, prod, ...): the names, sizes and Flux path follow from it."
  type        = string
}

variable "network_cidr" {
  description = "Address range of the environment's network (a /16); the lower half is the cluster's, the upper half the ops twin's."
  type        = string
}

variable "region" {
  description = "Cloud region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the clusters (upgrade one minor version at a time)."
  type        = string
  default     = "1.34"
}

variable "git_repository_url" {
  description = "Clone URL of this monorepo, which Flux reads releases/<env>/flux from (the same as releases/environments.yaml repository.url); a fork sets its own here once."
  type        = string
  default     = "https://github.com/acme/platform.git"
}

variable "git_branch" {
  description = "Branch Flux follows."
  type        = string
  default     = "main"
}

variable "git_credentials_secret_name" {
  description = "Secret in flux-system holding credentials for a private repository; null for a public one."
  type        = string
  default     = null
}

variable "base_domain" {
  description = "DNS domain of the platform; this environment is served on its own name under it. A fork sets its own here once."
  type        = string
  default     = "example.com"
}

variable "certificate_issuer" {
  description = "Override of the environment's certificate issuer (self-signed, letsencrypt-staging, letsencrypt); null keeps the profile's choice."
  type        = string
  default     = null
}

variable "acme_email" {
  description = "Contact address for Let's Encrypt, used when the issuer is a Let's Encrypt one (staging and prod). A fork sets its own here once."
  type        = string
  default     = "platform-team@example.com"
}

variable "api_allowed_cidrs" {
  description = "Address ranges allowed to reach the public Kubernetes API endpoints."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "create_ops_cluster" {
  description = "Also create the ops twin: an identical cluster without applications or Flux, to try infrastructure changes first."
  type        = bool
  default     = false
}
