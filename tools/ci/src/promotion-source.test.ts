// The promotion-source script as CI runs it, in a real repository, reading environments.yaml through the recipe library.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from './test-support/temp-repo.ts';

const script = new URL('./promotion-source.ts', import.meta.url).pathname;
let repo: TempRepo;

beforeAll(() => {
  repo = tempRepo('ci-promotion-source-');
  repo.commit('chore(releases): environments', {
    'releases/environments.yaml': `---
repository:
  url: https://git.example.test/acme/platform.git
environments:
  - { name: dev, namespace: platform-dev }
  - { name: staging, namespace: platform-staging }
  - { name: prod, namespace: platform-prod, from: staging }
  - { name: prod-eu, namespace: platform-prod-eu, from: staging }
services: {}
`,
  });
});
afterAll(() => repo.cleanup());

const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: repo.root, encoding: 'utf8' });

it("prints the environment's from: when it names one", () => {
  expect(run('prod-eu')).toMatchObject({ status: 0, stdout: 'staging\n' });
});

it('prints the environment listed before it otherwise', () => {
  expect(run('staging')).toMatchObject({ status: 0, stdout: 'dev\n' });
});

it('refuses the first environment, which nothing is promoted into, with exit 2', () => {
  const result = run('dev');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('"dev" is the first environment: nothing is promoted into it');
});

it('refuses an unknown environment, naming the known ones', () => {
  const result = run('qa');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('unknown environment "qa"');
  expect(result.stderr).toContain('use one of: dev, staging, prod, prod-eu');
});
