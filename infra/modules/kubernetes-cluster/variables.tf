variable "name" {
  description = "Cluster name; also names the network and is the default kubeconfig context."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,37}$", var.name))
    error_message = "name must be 2-38 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes, e.g. \"1.34\"."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as \"1.34\" (no patch level)."
  }
}

variable "region" {
  description = "Region the cluster runs in; used in the kubeconfig command and credentials exec call."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "kubeconfig_context" {
  description = "Name of the kubeconfig context for this cluster (what releases/environments.yaml calls context). Null uses the cluster name."
  type        = string
  default     = null
}

variable "network_cidr" {
  description = "Private IPv4 range of the cluster's network, /16 to /20; split into private (nodes), public (load balancers) and database subnets."
  type        = string

  validation {
    condition     = can(cidrhost(var.network_cidr, 0)) && try(tonumber(split("/", var.network_cidr)[1]) >= 16 && tonumber(split("/", var.network_cidr)[1]) <= 20, false)
    error_message = "network_cidr must be an IPv4 CIDR block between /16 and /20."
  }
}

variable "availability_zone_count" {
  description = "How many zones the network and nodes span."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 3
    error_message = "availability_zone_count must be 2 or 3 (managed Kubernetes and databases need at least two zones)."
  }
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway for outbound traffic (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = false
}

variable "node_instance_types" {
  description = "Machine types of the worker nodes, in order of preference."
  type        = list(string)

  validation {
    condition     = length(var.node_instance_types) > 0
    error_message = "node_instance_types needs at least one machine type."
  }
}

variable "node_min_size" {
  description = "Fewest worker nodes."
  type        = number

  validation {
    condition     = var.node_min_size >= 1
    error_message = "node_min_size must be at least 1: the cluster add-ons need somewhere to run."
  }
}

variable "node_max_size" {
  description = "Most worker nodes."
  type        = number

  validation {
    condition     = var.node_max_size >= var.node_min_size
    error_message = "node_max_size must not be below node_min_size."
  }
}

variable "node_desired_size" {
  description = "Worker nodes at creation (later changes are left to an autoscaler)."
  type        = number

  validation {
    condition     = var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size
    error_message = "node_desired_size must lie between node_min_size and node_max_size."
  }
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API answers on a public address (restricted by endpoint_public_access_cidrs); it is always reachable from inside the network."
  type        = bool
  default     = true
}

variable "endpoint_public_access_cidrs" {
  description = "Address ranges allowed to reach the public Kubernetes API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.endpoint_public_access_cidrs : can(cidrhost(cidr, 0))])
    error_message = "endpoint_public_access_cidrs must contain IPv4 CIDR blocks."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the cluster and its network."
  type        = map(string)
  default     = {}
}
