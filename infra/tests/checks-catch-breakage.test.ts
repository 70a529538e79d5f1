import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Finding, Rule } from '../src/checks.ts';
import { checkInfra } from '../src/workspace.ts';
import { infraDir } from './paths.ts';

let copy: string;

beforeEach(async () => {
  copy = await mkdtemp(path.join(tmpdir(), 'infra-checks-'));
  for (const folder of ['modules', 'live']) {
    await cp(path.join(infraDir, folder), path.join(copy, folder), {
      recursive: true,
      filter: (file) => !file.split(path.sep).includes('.terraform'),
    });
  }
});

afterEach(async () => {
  await rm(copy, { recursive: true, force: true });
});

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const target = path.join(copy, file);
  const text = await readFile(target, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`the test's edit did not apply to ${file}: ${String(from)}`);
  await writeFile(target, next);
}

async function findingsAfterBreakage(): Promise<Finding[]> {
  return (await checkInfra(copy)).findings;
}

function only(findings: Finding[], rule: Rule): Finding[] {
  return findings.filter((finding) => finding.rule === rule);
}

test('an untouched copy of the infra folder has no findings', async () => {
  expect(await findingsAfterBreakage()).toEqual([]);
});

test('a variable without a description is reported with its file', async () => {
  await edit('modules/mysql/variables.tf', /\n {2}description = "Identifier of the database instance[^\n]*/, '');
  expect(only(await findingsAfterBreakage(), 'variable-description')).toEqual([
    { rule: 'variable-description', file: 'modules/mysql/variables.tf', message: 'variable "name" has no description' },
  ]);
});

test('a variable without a type is reported', async () => {
  await edit('modules/flux/variables.tf', /(variable "sync_interval" \{\n[^\n]*\n) {2}type {8}= string\n/, '$1');
  expect(only(await findingsAfterBreakage(), 'variable-type').map((finding) => finding.message)).toEqual(['variable "sync_interval" has no type']);
});

test('a provider pinned only from below is reported as unpinned', async () => {
  await edit('modules/flux/versions.tf', '">= 3.0, < 4.0"', '">= 3.0"');
  const pins = only(await findingsAfterBreakage(), 'provider-pin');
  expect(pins).toHaveLength(1);
  expect(pins[0]).toMatchObject({ file: 'modules/flux/versions.tf' });
  expect(pins[0]?.message).toContain('provider "helm" is not pinned to a range');
});

test('a provider used without being declared in required_providers is reported', async () => {
  await appendFile(path.join(copy, 'modules/mysql/main.tf'), '\nresource "random_id" "suffix" {\n  byte_length = 4\n}\n');
  expect(only(await findingsAfterBreakage(), 'provider-undeclared').map((finding) => finding.message)).toEqual([
    'provider "random" is used but not declared (and pinned) in required_providers',
  ]);
});

test('a registry module without a version is reported', async () => {
  await edit('modules/kubernetes-cluster/main.tf', /\n {2}version = "~> 21.0"/, '');
  expect(only(await findingsAfterBreakage(), 'module-version').map((finding) => finding.message)).toEqual([
    'module "eks" (terraform-aws-modules/eks/aws) is not pinned to a version range',
  ]);
});

test('a secret-looking variable with a default is reported', async () => {
  await appendFile(
    path.join(copy, 'modules/mysql/variables.tf'),
    '\nvariable "admin_password" {\n  description = "Password of the admin."\n  type        = string\n  default     = "hunter2hunter2"\n}\n',
  );
  const secrets = only(await findingsAfterBreakage(), 'secret-default');
  expect(secrets).toHaveLength(1);
  expect(secrets[0]?.message).toContain('variable "admin_password" looks like a secret');
});

test('a default that looks like a cloud credential is reported whatever the variable is called', async () => {
  await appendFile(
    path.join(copy, 'modules/flux/variables.tf'),
    '\nvariable "bootstrap_identity" {\n  description = "Who bootstraps."\n  type        = string\n  default     = "AKIAABCDEFGHIJKLMNOP"\n}\n',
  );
  expect(only(await findingsAfterBreakage(), 'secret-default').map((finding) => finding.message)).toEqual([
    'variable "bootstrap_identity" has a default that looks like a credential',
  ]);
});

test('a module passing an input the called module does not declare is reported', async () => {
  await edit('modules/platform-environment/main.tf', 'database_name = module.environment.database_name', 'database_name = module.environment.database_name\n  instance_size = "large"');
  expect(only(await findingsAfterBreakage(), 'unknown-input')).toEqual([
    {
      rule: 'unknown-input',
      file: 'modules/platform-environment/main.tf',
      message: 'module "database" passes "instance_size", which ../mysql does not declare as a variable',
    },
  ]);
});

test('the composition module leaving out an input a module requires is reported', async () => {
  await edit('modules/platform-environment/main.tf', /\n {2}database_name = module\.environment\.database_name/, '');
  expect(only(await findingsAfterBreakage(), 'missing-input').map((finding) => finding.message)).toEqual([
    'module "database" does not pass "database_name", which ../mysql requires (no default)',
  ]);
});

test('a live root passing an input the composition module does not declare is reported', async () => {
  await edit('live/dev/main.tf', 'network_cidr = "10.10.0.0/16"', 'network_cidr = "10.10.0.0/16"\n  instance_size = "large"');
  expect(only(await findingsAfterBreakage(), 'unknown-input')).toEqual([
    {
      rule: 'unknown-input',
      file: 'live/dev/main.tf',
      message: 'module "platform" passes "instance_size", which ../../modules/platform-environment does not declare as a variable',
    },
  ]);
});

test('a live root leaving out a required input is reported', async () => {
  await edit('live/staging/main.tf', /\n {2}network_cidr = "10\.20\.0\.0\/16"/, '');
  expect(only(await findingsAfterBreakage(), 'missing-input').map((finding) => finding.message)).toEqual([
    'module "platform" does not pass "network_cidr", which ../../modules/platform-environment requires (no default)',
  ]);
});

test('a live root reading an output the composition module does not have is reported', async () => {
  await edit('live/prod/providers.tf', 'module.platform.cluster_connection', 'module.platform.cluster');
  expect(only(await findingsAfterBreakage(), 'unknown-output').map((finding) => finding.message)).toEqual([
    'helm reads module.platform.cluster, which that module does not output',
  ]);
});

test('the composition module reading an output a module does not have is reported', async () => {
  await edit('modules/platform-environment/outputs.tf', 'module.cluster.api_endpoint\n', 'module.cluster.endpoint\n');
  expect(only(await findingsAfterBreakage(), 'unknown-output').map((finding) => finding.message)).toEqual([
    'api_endpoint reads module.cluster.endpoint, which that module does not output',
  ]);
});

test('a live root without a backend is reported', async () => {
  await rm(path.join(copy, 'live/prod/backend.tf'));
  expect(only(await findingsAfterBreakage(), 'backend').map((finding) => finding.message)).toEqual(['live root prod sets no backend']);
});

test('a live root with both the s3 backend and the cloud block is reported', async () => {
  await cp(path.join(copy, 'live/dev/cloud.tf.example'), path.join(copy, 'live/dev/cloud.tf'));
  expect(only(await findingsAfterBreakage(), 'backend').map((finding) => finding.message)).toEqual([
    'live root dev sets 2 state backends (s3, cloud); keep one, the other as cloud.tf.example',
    'the alternative state config of dev is cloud again; it offers the other backend (s3 or cloud)',
  ]);
});

test('a live root switched to HCP Terraform has no findings', async () => {
  await rm(path.join(copy, 'live/dev/backend.tf'));
  await cp(path.join(copy, 'live/dev/cloud.tf.example'), path.join(copy, 'live/dev/cloud.tf'));
  await rm(path.join(copy, 'live/dev/cloud.tf.example'));
  expect(await findingsAfterBreakage()).toEqual([]);
});

test('a cloud block without a workspace name is reported', async () => {
  await edit('live/staging/cloud.tf.example', /workspaces \{\n\s+name = "platform-staging"\n\s+\}/, 'workspaces {\n      tags = ["platform"]\n    }');
  expect(only(await findingsAfterBreakage(), 'backend').map((finding) => finding.message)).toEqual([
    'the cloud block of staging names no workspace (workspaces { name = "platform-staging" }): one workspace per environment',
  ]);
});

test('two live roots sharing one HCP workspace are reported', async () => {
  await edit('live/prod/cloud.tf.example', 'platform-prod', 'platform-staging');
  expect(only(await findingsAfterBreakage(), 'backend-key').map((finding) => finding.message)).toEqual([expect.stringMatching(/uses the same state \(cloud:\$TF_CLOUD_ORGANIZATION:platform-staging\)/)]);
});

test('an s3 backend without a bucket, once the shared settings lose it, is reported for every root', async () => {
  await edit('live/s3.tfbackend', /\nbucket[^\n]*/, '');
  expect(only(await findingsAfterBreakage(), 'backend').map((finding) => finding.message)).toEqual(
    ['dev', 'prod', 'staging'].map((env) => `the s3 backend of ${env} has no bucket: set it in live/s3.tfbackend`),
  );
});

test('two live roots sharing one state key are reported', async () => {
  await edit('live/staging/backend.tf', 'live/staging/terraform.tfstate', 'live/dev/terraform.tfstate');
  expect(only(await findingsAfterBreakage(), 'backend-key')).toHaveLength(1);
});

test('a live root calling a module from the registry instead of by relative path is reported', async () => {
  await edit('live/dev/main.tf', 'source = "../../modules/platform-environment"', 'source  = "example/platform/aws"\n  version = "~> 1.0"');
  const sources = only(await findingsAfterBreakage(), 'module-source');
  expect(sources.map((finding) => finding.message)).toEqual([
    'module "platform" is called from "example/platform/aws"; live roots call modules by relative path',
  ]);
});

test('a live root that grows its own module calls, resources or variables is reported', async () => {
  await appendFile(
    path.join(copy, 'live/prod/main.tf'),
    '\nmodule "flux" {\n  source = "../../modules/flux"\n\n  git_repository_url = "https://example.test/x.git"\n  sync_path          = "releases/prod/flux"\n}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\nvariable "region" {\n  description = "Region."\n  type        = string\n}\n',
  );
  expect(only(await findingsAfterBreakage(), 'thin-root').map((finding) => finding.message)).toEqual([
    'module "flux" (../../modules/flux) is called from live root prod; a live root calls only modules/platform-environment: add it there',
    'live root prod declares aws_s3_bucket.logs; it belongs in modules/platform-environment, the root gives only values',
    'live root prod declares variable "region"; it belongs in modules/platform-environment, the root gives only values',
  ]);
});

test('a module without a README or without an example is reported', async () => {
  await rm(path.join(copy, 'modules/flux/README.md'));
  await rm(path.join(copy, 'modules/mysql/examples'), { recursive: true });
  expect(only(await findingsAfterBreakage(), 'module-layout').map((finding) => finding.message)).toEqual([
    'module flux has no README.md',
    'module mysql has no examples/<name>/main.tf showing a complete call',
  ]);
});

test('a Helm release without a chart version is reported', async () => {
  await edit('modules/cluster-addons/main.tf', /\n\s+version\s+= var\.sealed_secrets_chart_version/, '');
  expect(only(await findingsAfterBreakage(), 'chart-version').map((finding) => finding.message)).toEqual([
    'helm_release.sealed_secrets does not pin its chart version',
  ]);
});

test('a reference to an undeclared variable is reported', async () => {
  await edit('modules/mysql/main.tf', 'var.backup_window', 'var.backup_hours');
  expect(only(await findingsAfterBreakage(), 'undeclared-variable').map((finding) => finding.message)).toEqual([
    'aws_db_instance.this refers to var.backup_hours, which is not declared',
  ]);
});
