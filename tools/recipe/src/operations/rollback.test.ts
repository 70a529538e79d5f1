// Rollback as a team meets it: promote, promote, roll back, merge, roll back again. Real git with a
// bare remote, the real CLI shell, a loopback GitHub.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeGitHub, type FakeForge } from '../test-support/fake-forge.ts';
import { createFixtureRepo, renderFixture, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
let forge: FakeForge;

const recipe = (args: string[]) => runRecipe(repo.root, args, { GITHUB_TOKEN: forge.token });
const remoteFile = (ref: string, file: string) => execFileSync('git', ['--git-dir', repo.remote, 'show', `${ref}:${file}`], { encoding: 'utf8' });
const openPulls = () => forge.pulls.filter((p) => p.state === 'open');
const prodCommit = (ref: string) => /records:\n\s+commit: ([0-9a-f]{40})/.exec(remoteFile(ref, 'releases/prod/recipe.yaml'))![1];

function merge(branch: string) {
  const pull = openPulls().find((p) => p.head === branch)!;
  execFileSync('git', ['--git-dir', repo.remote, 'update-ref', 'refs/heads/main', `refs/heads/${branch}`]);
  execFileSync('git', ['--git-dir', repo.remote, 'update-ref', '-d', `refs/heads/${branch}`]);
  pull.state = 'closed';
  repo.git(['pull', '-q', '--ff-only']);
}

/** What a merged promotion leaves on main: prod's recipe at `records`, squashed under the promotion's title. */
function promoteProdTo(records: string, number: number) {
  const file = path.join(repo.root, 'releases/prod/recipe.yaml');
  const text = readFileSync(file, 'utf8');
  const before = /records:\n\s+commit: ([0-9a-f]{40})/.exec(text)![1]!;
  writeFileSync(file, text.replace(before, records));
  renderFixture(repo.root);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', `promote(prod): staging snapshot 0123456789ab: records ${before.slice(0, 7)} -> ${records.slice(0, 7)} (#${number})`]);
  repo.git(['push', '-q', 'origin', 'main']);
}

beforeAll(async () => {
  repo = createFixtureRepo();
  forge = await startFakeGitHub({ branchExists: () => true });
  const envFile = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(envFile, readFileSync(envFile, 'utf8').replace('apiUrl: http://127.0.0.1:1/api', `apiUrl: ${forge.apiUrl}`));
  repo.git(['commit', '-q', '-am', 'chore(releases): the test forge']);
  repo.git(['push', '-q', 'origin', 'main']);
});

afterAll(async () => {
  await forge.close();
  repo.cleanup();
});

describe('rollback after rollback', () => {
  test('the first rollback goes to the state before the current one, and its pull request says what leaves', async () => {
    const { records } = repo.commits;
    promoteProdTo(records[1]!, 1);
    promoteProdTo(records[3]!, 2); // brings the breaking rename of /items
    const run = await recipe(['rollback', 'prod']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(prodCommit('refs/heads/recipe/rollback-prod')).toBe(records[1]);
    const body = openPulls()[0]!.body;
    expect(body).toContain('## Changes rolled back (they leave prod)');
    expect(body).toContain('rename /items to /records');
    expect(body).toContain('> clients must call /records.');
    expect(body).not.toContain('## Changes that come back');
    merge('recipe/rollback-prod');
  });

  test('a second rollback goes one step further back and never brings the rolled-back commits again', async () => {
    const { records } = repo.commits;
    const run = await recipe(['rollback', 'prod']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(prodCommit('refs/heads/recipe/rollback-prod')).toBe(records[0]);
    const body = openPulls()[0]!.body;
    expect(body).toContain('close the pool on shutdown');
    expect(body).not.toContain('rename /items');
    expect(body).not.toContain('index the name column');
    // Nothing vouches for the seeded combination: the recipe says so instead of leaving lint to warn forever.
    const rolledBack = remoteFile('refs/heads/recipe/rollback-prod', 'releases/prod/recipe.yaml');
    expect(rolledBack).toMatch(/^override: .*no snapshot vouches for/m);
    merge('recipe/rollback-prod');
    const lint = await recipe(['lint']);
    expect(lint.stdout + lint.stderr).not.toContain('no snapshot vouches for the combination prod runs');
  });

  test('with nothing older to go to, rollback refuses with exit 1 and pushes nothing', async () => {
    const before = execFileSync('git', ['--git-dir', repo.remote, 'for-each-ref'], { encoding: 'utf8' });
    const run = await recipe(['rollback', 'prod']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no earlier state to roll back to');
    expect(run.stderr).toContain('recipe rollback prod --to <snapshot-id|git-rev>');
    expect(execFileSync('git', ['--git-dir', repo.remote, 'for-each-ref'], { encoding: 'utf8' })).toBe(before);
  });

  test('--to still lets a person choose any state, even one rolled back from', async () => {
    const { records } = repo.commits;
    const run = await recipe(['rollback', 'prod', '--to', 'HEAD~2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(prodCommit('refs/heads/recipe/rollback-prod')).toBe(records[3]);
    expect(openPulls()[0]!.body).toContain('## Changes that come back to prod');
  });
});
