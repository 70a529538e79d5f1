variable "environment" {
  description = "Environment name, used in labels."
  type        = string
}

variable "certificate_issuer" {
  description = "Which ClusterIssuer signs the gateway's certificates: self-signed, letsencrypt-staging or letsencrypt."
  type        = string

  validation {
    condition     = contains(["self-signed", "letsencrypt-staging", "letsencrypt"], var.certificate_issuer)
    error_message = "certificate_issuer must be one of self-signed, letsencrypt-staging, letsencrypt."
  }
}

variable "acme_email" {
  description = "Contact address registered with Let's Encrypt (expiry notices). Required for the letsencrypt issuers."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_issuer == "self-signed" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.acme_email, "-")))
    error_message = "acme_email must be an e-mail address when certificate_issuer is letsencrypt or letsencrypt-staging."
  }
}

variable "gateway_hostnames" {
  description = "Hostnames the Gateway serves over HTTPS, one listener and certificate each. Exact names (Let's Encrypt HTTP-01 cannot issue wildcards)."
  type        = list(string)

  validation {
    condition     = length(var.gateway_hostnames) > 0 && alltrue([for host in var.gateway_hostnames : can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", host))])
    error_message = "gateway_hostnames needs at least one lowercase DNS name, without wildcards."
  }
}

variable "gateway_name" {
  description = "Name of the shared Gateway that applications attach HTTPRoutes to (their parentRefs name)."
  type        = string
  default     = "platform"
}

variable "gateway_namespace" {
  description = "Namespace of the shared Gateway and its certificates (the parentRefs namespace of HTTPRoutes)."
  type        = string
  default     = "gateway-system"
}

variable "application_namespaces" {
  description = "Namespaces created for applications (e.g. platform-dev); kept when the add-ons are removed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for ns in var.application_namespaces : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ns)) && length(ns) <= 63])
    error_message = "application_namespaces must be valid Kubernetes namespace names."
  }
}

variable "cert_manager_chart_version" {
  description = "Version of the jetstack cert-manager chart (exact, no ranges)."
  type        = string
  default     = "v1.19.4"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.cert_manager_chart_version))
    error_message = "cert_manager_chart_version must be an exact version such as v1.19.4."
  }
}

variable "envoy_gateway_chart_version" {
  description = "Version of the Envoy Gateway chart, which also installs the Gateway API CRDs (exact, no ranges)."
  type        = string
  default     = "v1.6.3"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.envoy_gateway_chart_version))
    error_message = "envoy_gateway_chart_version must be an exact version such as v1.6.3."
  }
}

variable "sealed_secrets_chart_version" {
  description = "Version of the Sealed Secrets chart (exact, no ranges)."
  type        = string
  default     = "2.17.9"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.sealed_secrets_chart_version))
    error_message = "sealed_secrets_chart_version must be an exact version such as 2.17.9."
  }
}
