import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RecipeError } from '../model/errors.ts';
import { listEnvironments, loadEnvironments, promotionSource } from './environments.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'recipe-environments-'));
  mkdirSync(path.join(root, 'releases'));
  writeFileSync(
    path.join(root, 'releases/environments.yaml'),
    `---
repository:
  url: https://git.example.test/acme/platform.git
environments:
  - { name: dev, namespace: platform-dev }
  - { name: staging, namespace: platform-staging }
  - { name: prod, namespace: platform-prod, from: staging }
  - { name: prod-eu, namespace: platform-prod-eu, from: staging }
services: {}
`,
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the promotion source is the from: an environment names, else the one listed before it', async () => {
  expect(await promotionSource(root, 'prod-eu')).toBe('staging');
  expect(await promotionSource(root, 'staging')).toBe('dev');
});

test('the first environment has no promotion source: an error naming the file', async () => {
  const error = await promotionSource(root, 'dev').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RecipeError);
  expect((error as RecipeError).format()).toContain('releases/environments.yaml');
  expect((error as RecipeError).message).toBe('"dev" is the first environment: nothing is promoted into it');
});

test('environments.yaml is read with its defaults, no recipe needed', async () => {
  expect((await listEnvironments(root)).map((env) => [env.name, env.from, env.context])).toEqual([
    ['dev', undefined, 'dev'],
    ['staging', 'dev', 'staging'],
    ['prod', 'staging', 'prod'],
    ['prod-eu', 'staging', 'prod-eu'],
  ]);
  expect((await loadEnvironments(root)).repository.baseBranch).toBe('main');
});
