import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Finding, Rule } from '../src/checks.ts';
import { stateConfigs } from '../src/checks.ts';
import { expression, loadConfig, strings, type HclBlock, type TerraformConfig } from '../src/hcl.ts';
import { docsBlock, renderDocs } from '../src/readme.ts';
import { checkInfra, formatFindings, loadInfra, type InfraLayout } from '../src/workspace.ts';
import { infraDir } from './paths.ts';

const ENVIRONMENTS = ['dev', 'prod', 'staging'];

let layout: InfraLayout;
let findings: Finding[];
let roots: Map<string, TerraformConfig>;
let alternatives: Map<string, TerraformConfig>;
let sharedS3: HclBlock;
let composition: TerraformConfig;

beforeAll(async () => {
  ({ layout, findings } = await checkInfra(infraDir));
  const loaded = await loadInfra(infraDir);
  sharedS3 = loaded.sharedS3;
  roots = new Map(layout.liveRoots.map((dir) => [path.basename(dir), loaded.configs.get(path.resolve(dir)) as TerraformConfig]));
  alternatives = new Map(layout.liveRoots.map((dir) => [path.basename(dir), loaded.alternatives.get(path.resolve(dir)) as TerraformConfig]));
  composition = loaded.configs.get(path.resolve(infraDir, 'modules/platform-environment')) as TerraformConfig;
});

function findingsOf(...rules: Rule[]): string {
  return formatFindings(findings.filter((finding) => rules.includes(finding.rule)));
}

function moduleCall(root: TerraformConfig, name: string) {
  const call = root.modules.find((module) => module.name === name);
  if (call === undefined) throw new Error(`${root.dir} has no module "${name}"`);
  return call.body;
}

test('the infra folder holds the six modules, an example each and a live root per environment', () => {
  expect(layout.modules.map((dir) => path.basename(dir))).toEqual(['cluster-addons', 'environment', 'flux', 'kubernetes-cluster', 'mysql', 'platform-environment']);
  expect(layout.examples.length).toBeGreaterThanOrEqual(layout.modules.length);
  expect(layout.liveRoots.map((dir) => path.basename(dir))).toEqual(ENVIRONMENTS);
});

test('every module has main.tf, variables.tf, outputs.tf, versions.tf, a README and an example', () => {
  expect(findingsOf('module-layout')).toBe('');
});

test('every variable has a type and a description, every output a description', () => {
  expect(findingsOf('variable-type', 'variable-description', 'output-description')).toBe('');
});

test('terraform and every provider and registry module are pinned to a bounded range', () => {
  expect(findingsOf('required-version', 'provider-pin', 'provider-undeclared', 'module-version')).toBe('');
});

test('no variable has a secret-looking default and no output exposes a secret', () => {
  expect(findingsOf('secret-default', 'secret-output')).toBe('');
});

test('every Helm chart a module installs has a pinned version', () => {
  expect(findingsOf('chart-version')).toBe('');
});

test('every live root sets a backend with its own state and calls modules by relative path', () => {
  expect(findingsOf('backend', 'backend-key', 'module-source')).toBe('');
});

test('every live root is thin: the composition module called with its values, nothing declared of its own', () => {
  expect(findingsOf('thin-root')).toBe('');
});

test('every input a live root or example passes exists in the module, and every required input is passed', () => {
  expect(findingsOf('unknown-input', 'missing-input')).toBe('');
});

test('every module output and variable that is read exists', () => {
  expect(findingsOf('unknown-output', 'undeclared-variable')).toBe('');
});

test('nothing else is reported', () => {
  expect(formatFindings(findings)).toBe('');
});

test('every module README lists exactly its current inputs and outputs', async () => {
  const stale: string[] = [];
  for (const dir of layout.modules) {
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    if (docsBlock(readme) !== renderDocs(await loadConfig(dir))) stale.push(path.relative(infraDir, dir));
  }
  expect(stale, 'run `npm run docs -w infra`').toEqual([]);
});

describe.each(ENVIRONMENTS)('the %s live root', (environment) => {
  test('keeps its state in S3 under a key naming the environment, with the shared bucket, locking and encryption', () => {
    const root = roots.get(environment) as TerraformConfig;
    const states = stateConfigs(root, sharedS3);
    expect(states.map((state) => state.name)).toEqual(['s3']);
    expect(states[0]?.body).toMatchObject({ key: `live/${environment}/terraform.tfstate`, bucket: 'platform-terraform-state', encrypt: true, use_lockfile: true });
    expect(path.basename(states[0]?.file ?? '')).toBe('backend.tf');
  });

  test('offers HCP Terraform instead, in a workspace of its own, in cloud.tf.example', () => {
    const alternative = alternatives.get(environment) as TerraformConfig;
    const states = stateConfigs(alternative);
    expect(states.map((state) => [state.name, path.basename(state.file)])).toEqual([['cloud', 'cloud.tf.example']]);
    expect(states[0]?.body.workspaces).toEqual({ name: `platform-${environment}` });
  });

  test('names its environment once, calls the composition module and prints what it outputs', () => {
    const root = roots.get(environment) as TerraformConfig;
    expect(root.modules.map((module) => [module.name, module.body.source])).toEqual([['platform', '../../modules/platform-environment']]);
    expect(moduleCall(root, 'platform')).toMatchObject({ environment, network_cidr: `10.${{ dev: 10, staging: 20, prod: 30 }[environment]}.0.0/16` });
    expect(root.outputs.map((output) => [output.name, expression(output.body.value)])).toEqual([['platform', 'module.platform']]);
    expect(root.files).toEqual(['backend.tf', 'main.tf', 'outputs.tf', 'providers.tf']);
  });

  test('configures the helm provider from the composition module, for the application cluster only', () => {
    const root = roots.get(environment) as TerraformConfig;
    const helm = root.providers.find((provider) => provider.name === 'helm');
    expect(expression(helm?.body.kubernetes as string)).toBe('module.platform.cluster_connection');
  });
});

describe('the platform-environment composition module', () => {
  test('derives everything from the environment module and the environment it is given', () => {
    expect(expression(moduleCall(composition, 'environment').environment)).toBe('var.environment');
    expect(expression(moduleCall(composition, 'flux').sync_path)).toBe('module.environment.flux_path');
  });

  test('outputs the kubeconfig context and namespace that releases/environments.yaml needs', () => {
    const outputs = new Map(composition.outputs.map((output) => [output.name, output.body]));
    expect(expression(outputs.get('kubeconfig_context')?.value)).toBe('module.cluster.kubeconfig_context');
    expect(expression(outputs.get('namespace')?.value)).toBe('module.environment.namespace');
  });

  test('has an ops twin that is off by default, built like the cluster, without add-ons or Flux', () => {
    const toggle = composition.variables.find((variable) => variable.name === 'create_ops_cluster');
    expect(toggle?.body).toMatchObject({ type: '${bool}', default: false });
    const cluster = moduleCall(composition, 'cluster');
    const ops = moduleCall(composition, 'ops_cluster');
    expect(ops.source).toBe(cluster.source);
    expect(expression(ops.count)).toBe('var.create_ops_cluster ? 1 : 0');
    expect(Object.keys(ops).filter((key) => key !== 'count').sort()).toEqual(Object.keys(cluster).sort());
    const readsOps = [...composition.modules.filter((module) => module.name !== 'ops_cluster'), ...composition.outputs.filter((output) => output.name === 'cluster_connection')]
      .flatMap((block) => strings(block.body))
      .filter((text) => text.includes('module.ops_cluster'));
    expect(readsOps).toEqual([]);
  });
});

test('the mysql module lets RDS generate and keep the credentials, encrypted and private', async () => {
  const mysql = await loadConfig(path.join(infraDir, 'modules/mysql'));
  const instance = mysql.resources.find((resource) => resource.name === 'aws_db_instance.this')?.body;
  expect(instance).toMatchObject({ manage_master_user_password: true, storage_encrypted: true, publicly_accessible: false, engine: 'mysql' });
  expect(instance).not.toHaveProperty('password');
  const outputValues = mysql.outputs.flatMap((output) => strings(output.body.value));
  expect(outputValues.filter((value) => /password/i.test(value))).toEqual([]);
  expect(mysql.outputs.map((output) => output.name)).toEqual(expect.arrayContaining(['address', 'port', 'database_name', 'credentials_secret_arn']));
});
