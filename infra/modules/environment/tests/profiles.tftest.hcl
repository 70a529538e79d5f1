# Offline tests: the module has no providers, so `terraform init` and `terraform test` need no network.

run "dev_gets_the_small_profile_and_the_contract_names" {
  command = plan

  variables {
    environment  = "dev"
    network_cidr = "10.10.0.0/16"
  }

  assert {
    condition     = output.profile == "small"
    error_message = "dev should get the small profile."
  }

  assert {
    condition     = output.namespace == "platform-dev" && output.kubeconfig_context == "dev"
    error_message = "dev must map to namespace platform-dev and kubeconfig context dev (releases/environments.yaml)."
  }

  assert {
    condition     = output.flux_path == "releases/dev/flux"
    error_message = "Flux must reconcile releases/dev/flux."
  }

  assert {
    condition     = output.certificate_issuer == "self-signed" && output.database.deletion_protection == false
    error_message = "dev uses self-signed certificates and a database that can be deleted."
  }

  assert {
    condition     = length(output.hostnames) == 0
    error_message = "Without base_domain the gateway has no hostnames."
  }
}

run "prod_gets_production_safety" {
  command = plan

  variables {
    environment  = "prod"
    network_cidr = "10.30.0.0/16"
    base_domain  = "example.com"
  }

  assert {
    condition     = output.profile == "production"
    error_message = "prod should get the production profile."
  }

  assert {
    condition     = output.database.deletion_protection && output.database.multi_az && output.database.backup_retention_days >= 7 && !output.database.skip_final_snapshot
    error_message = "prod's database must be protected from deletion, multi-AZ, backed up for at least a week and snapshotted on destroy."
  }

  assert {
    condition     = output.certificate_issuer == "letsencrypt"
    error_message = "prod must use Let's Encrypt production certificates."
  }

  assert {
    condition     = output.cluster.single_nat_gateway == false && output.cluster.node_min_size >= 3
    error_message = "prod needs one NAT gateway per zone and at least three nodes."
  }

  assert {
    condition     = one(output.hostnames) == "example.com" && output.namespace == "platform-prod" && output.kubeconfig_context == "prod"
    error_message = "prod serves the apex domain, namespace platform-prod, context prod."
  }
}

run "staging_gets_the_medium_profile_and_a_subdomain" {
  command = plan

  variables {
    environment  = "staging"
    network_cidr = "10.20.0.0/16"
    base_domain  = "example.com"
  }

  assert {
    condition     = output.profile == "medium" && output.certificate_issuer == "letsencrypt-staging"
    error_message = "staging should get the medium profile and Let's Encrypt staging certificates."
  }

  assert {
    condition     = one(output.hostnames) == "staging.example.com"
    error_message = "staging serves staging.<base_domain>."
  }
}

run "the_ops_twin_gets_its_own_names_and_a_network_that_does_not_overlap" {
  command = plan

  variables {
    environment  = "staging"
    network_cidr = "10.20.0.0/16"
  }

  assert {
    condition     = output.network_cidr == "10.20.0.0/17" && output.ops_network_cidr == "10.20.128.0/17"
    error_message = "The application cluster takes the lower half of network_cidr, the ops twin the upper half."
  }

  assert {
    condition     = output.ops_cluster_name == "platform-staging-ops" && output.ops_kubeconfig_context == "staging-ops"
    error_message = "The ops twin is named after the environment with an -ops suffix."
  }
}

run "an_explicit_profile_overrides_the_name_based_choice" {
  command = plan

  variables {
    environment  = "perf"
    profile      = "production"
    network_cidr = "10.40.0.0/16"
  }

  assert {
    condition     = output.profile == "production" && output.database.deletion_protection
    error_message = "profile = production must apply whatever the environment is called."
  }

  assert {
    condition     = output.database_name == "platform_perf" && output.tags.Environment == "perf"
    error_message = "Names and tags follow the environment."
  }
}

run "an_invalid_environment_name_is_rejected" {
  command = plan

  variables {
    environment  = "Prod_1"
    network_cidr = "10.10.0.0/16"
  }

  expect_failures = [var.environment]
}

run "a_network_too_small_for_two_clusters_is_rejected" {
  command = plan

  variables {
    environment  = "dev"
    network_cidr = "10.10.0.0/24"
  }

  expect_failures = [var.network_cidr]
}

run "an_unknown_profile_is_rejected" {
  command = plan

  variables {
    environment  = "dev"
    profile      = "huge"
    network_cidr = "10.10.0.0/16"
  }

  expect_failures = [var.profile]
}
