import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe, spawnRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeAll(() => {
  repo = createFixtureRepo();
});
afterAll(() => repo.cleanup());

test('status shows each service in each environment and marks where an environment differs from the one before it', async () => {
  const result = await runRecipe(repo.root, ['status']);
  expect(result.code).toBe(0);
  const [header, records, web] = result.stdout.split('\n');
  expect(header).toMatch(/^SERVICE\s+DEV\s+STAGING\s+PROD$/);
  const short = (sha: string) => sha.slice(0, 7);
  expect(records).toMatch(new RegExp(`^records\\s+ ${short(repo.commits.records[3]!)} 1\\.0\\.0 \\d+d\\s+\\*${short(repo.commits.records[1]!)} 1\\.0\\.0 \\d+d\\s+\\*${short(repo.commits.records[0]!)} 1\\.0\\.0 \\d+d$`));
  expect(web).toMatch(new RegExp(`^web\\s+ ${short(repo.commits.web[1]!)} 2\\.0\\.0 \\d+d\\s+\\*${short(repo.commits.web[0]!)} 2\\.0\\.0 \\d+d\\s+ ${short(repo.commits.web[0]!)} 2\\.0\\.0 \\d+d$`));
});

test('status --json gives full commits, versions, commit times and the differs flag', async () => {
  const result = await runRecipe(repo.root, ['status', '--json']);
  const status = JSON.parse(result.stdout);
  expect(status.environments).toEqual(['dev', 'staging', 'prod']);
  expect(status.snapshots).toEqual({ dev: null, staging: null, prod: null });
  expect(status.services[1]).toEqual({
    service: 'web',
    environments: {
      dev: { commit: repo.commits.web[1], version: '2.0.0', time: Number(repo.git(['show', '-s', '--format=%ct', repo.commits.web[1]!])), differs: false },
      staging: { commit: repo.commits.web[0], version: '2.0.0', time: Number(repo.git(['show', '-s', '--format=%ct', repo.commits.web[0]!])), differs: true },
      prod: { commit: repo.commits.web[0], version: '2.0.0', time: Number(repo.git(['show', '-s', '--format=%ct', repo.commits.web[0]!])), differs: false },
    },
  });
});

test('status marks a held environment and shows why', async () => {
  const file = path.join(repo.root, 'releases/prod/recipe.yaml');
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, before.replace('environment: prod\n', 'environment: prod\nhold:\n  reason: checkout is broken\n'));
  try {
    const result = await runRecipe(repo.root, ['status']);
    expect(result.stdout).toMatch(/PROD !/);
    expect(result.stdout).toContain('! prod is on hold: checkout is broken');
    expect(JSON.parse((await runRecipe(repo.root, ['status', '--json'])).stdout).holds.prod).toEqual({ reason: 'checkout is broken' });
  } finally {
    writeFileSync(file, before);
  }
});

test('recipe finds releases/ from any folder of the repository', async () => {
  const result = await spawnRecipe(path.join(repo.root, 'services/records/src'), ['status', '--json']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).environments).toEqual(['dev', 'staging', 'prod']);
});

test('outside any repository with releases/, recipe says where it looked and how to point it', async () => {
  const outside = mkdtempSync(path.join(tmpdir(), 'recipe-nowhere-'));
  try {
    const result = await spawnRecipe(outside, ['status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no releases/environments.yaml in ${outside} or any folder above it`);
    expect(result.stderr).toContain('RECIPE_ROOT');
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
