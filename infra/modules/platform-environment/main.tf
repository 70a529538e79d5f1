# One environment of the platform: its names and sizes, the application cluster (and the optional
# ops twin), the database, the cluster add-ons and Flux. The live roots call this with their few values.
module "environment" {
  source = "../environment"

  environment  = var.environment
  network_cidr = var.network_cidr
  base_domain  = var.base_domain
}

module "cluster" {
  source = "../kubernetes-cluster"

  name               = module.environment.cluster_name
  kubeconfig_context = module.environment.kubeconfig_context
  region             = var.region
  kubernetes_version = var.kubernetes_version
  network_cidr       = module.environment.network_cidr

  availability_zone_count = module.environment.cluster.availability_zone_count
  single_nat_gateway      = module.environment.cluster.single_nat_gateway
  node_instance_types     = module.environment.cluster.node_instance_types
  node_min_size           = module.environment.cluster.node_min_size
  node_max_size           = module.environment.cluster.node_max_size
  node_desired_size       = module.environment.cluster.node_desired_size

  endpoint_public_access_cidrs = var.api_allowed_cidrs
  tags                         = module.environment.tags
}

module "ops_cluster" {
  source = "../kubernetes-cluster"
  count  = var.create_ops_cluster ? 1 : 0

  name               = module.environment.ops_cluster_name
  kubeconfig_context = module.environment.ops_kubeconfig_context
  region             = var.region
  kubernetes_version = var.kubernetes_version
  network_cidr       = module.environment.ops_network_cidr

  availability_zone_count = module.environment.cluster.availability_zone_count
  single_nat_gateway      = module.environment.cluster.single_nat_gateway
  node_instance_types     = module.environment.cluster.node_instance_types
  node_min_size           = module.environment.cluster.node_min_size
  node_max_size           = module.environment.cluster.node_max_size
  node_desired_size       = module.environment.cluster.node_desired_size

  endpoint_public_access_cidrs = var.api_allowed_cidrs
  tags                         = merge(module.environment.tags, { Role = "ops" })
}

module "database" {
  source = "../mysql"

  name          = module.environment.database_identifier
  database_name = module.environment.database_name

  instance_class           = module.environment.database.instance_class
  allocated_storage_gb     = module.environment.database.allocated_storage_gb
  max_allocated_storage_gb = module.environment.database.max_allocated_storage_gb
  multi_az                 = module.environment.database.multi_az
  backup_retention_days    = module.environment.database.backup_retention_days
  deletion_protection      = module.environment.database.deletion_protection
  skip_final_snapshot      = module.environment.database.skip_final_snapshot
  performance_insights     = module.environment.database.performance_insights

  network_id                 = module.cluster.network_id
  subnet_ids                 = module.cluster.database_subnet_ids
  allowed_security_group_ids = [module.cluster.node_security_group_id]

  tags = module.environment.tags
}

module "cluster_addons" {
  source = "../cluster-addons"

  environment            = module.environment.environment
  certificate_issuer     = coalesce(var.certificate_issuer, module.environment.certificate_issuer)
  acme_email             = var.acme_email
  gateway_hostnames      = module.environment.hostnames
  application_namespaces = [module.environment.namespace]
}

module "flux" {
  source = "../flux"

  git_repository_url          = var.git_repository_url
  git_branch                  = var.git_branch
  git_credentials_secret_name = var.git_credentials_secret_name
  sync_path                   = module.environment.flux_path

  # Flux applies HelmReleases whose HTTPRoutes need the Gateway and whose secrets need Sealed Secrets.
  depends_on = [module.cluster_addons]
}
