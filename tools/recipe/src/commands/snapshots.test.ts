// recipe snapshots migrate | prune: format 1 files become format 2 with the same gates, tamper and
// lint answers; pruned snapshots leave the working tree and are still found by id in git history.
// Real git with a bare remote and the real CLI.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadSnapshot } from '../io/snapshot-store.ts';
import { newSnapshot, parseSnapshot, snapshotFileName, snapshotToYaml, type SnapshotService } from '../model/snapshot.ts';
import { pruneSnapshots } from '../operations/snapshot-files.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
const recipe = (args: string[]) => runRecipe(repo.root, args);
const DAY = 86_400_000;

function combinationOf(env: string): Record<string, SnapshotService> {
  const { services } = parse(readFileSync(path.join(repo.root, `releases/${env}/recipe.yaml`), 'utf8')) as { services: Record<string, { commit: string; version?: string }> };
  return Object.fromEntries(Object.entries(services).map(([name, { commit, version }]) => [name, { commit, ...(version ? { version } : {}), image: `ghcr.io/acme/platform/${name}` }]));
}

/** A format 1 file, as recipe wrote before format 2, for what dev runs now; committed. */
function legacySnapshotOfDev(options: { at?: string; recipeCommit?: string } = {}): { id: string; file: string } {
  const recipeCommit = options.recipeCommit ?? repo.git(['log', '-1', '--format=%H', '--', 'releases/dev/recipe.yaml']);
  const snapshot = newSnapshot({
    services: combinationOf('dev'),
    verification: { environment: 'dev', at: options.at ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), recipeCommit, verified: false, skipReason: 'written by an older recipe', checks: { e2e: 'passed' }, evidence: [] },
  });
  const file = `releases/snapshots/${snapshotFileName(snapshot.id)}`;
  mkdirSync(path.join(repo.root, 'releases/snapshots'), { recursive: true });
  writeFileSync(path.join(repo.root, file), snapshotToYaml(snapshot));
  repo.git(['add', file]);
  repo.git(['commit', '-q', '-m', `chore(releases): snapshot dev as ${snapshot.id.slice(0, 12)}`]);
  return { id: snapshot.id, file };
}

async function setDev(records: string) {
  const set = await recipe(['set', 'dev', `records=${records}`, '--commit']);
  expect(set.code, set.stderr).toBe(0);
}

async function snapshotDev(): Promise<{ id: string; file: string }> {
  const { code, stdout, stderr } = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in this test', '--check', 'e2e=passed', '--commit', '--json']);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as { id: string; file: string };
}

beforeAll(() => {
  repo = createFixtureRepo();
});

afterAll(() => repo.cleanup());

beforeEach(() => {
  repo.git(['reset', '-q', '--hard', repo.head]);
  repo.git(['clean', '-q', '-fdx']);
  repo.git(['push', '-q', '-f', 'origin', `${repo.head}:refs/heads/main`]);
});

describe('recipe snapshots migrate', () => {
  test('rewrites format 1 files in format 2: smaller, same id, same verifications, and lint and promote give the same answers', async () => {
    await setDev(repo.commits.records[1]!);
    const { id, file } = legacySnapshotOfDev();
    repo.git(['push', '-q', 'origin', 'main']);
    const before = await loadSnapshot(repo.root, id);
    const lintBefore = await recipe(['lint']);
    const promoteBefore = await recipe(['promote', 'staging', '--dry-run']);
    const dry = await recipe(['snapshots', 'migrate', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would migrate 1 snapshot file to format 2 \(\d+ B -> \d+ B\); 0 already in format 2$/m);
    expect(repo.git(['status', '--porcelain'])).toBe('');

    const sizeBefore = readFileSync(path.join(repo.root, file)).length;
    const { code, stdout, stderr } = await recipe(['snapshots', 'migrate', '--commit']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^migrated 1 snapshot file to format 2/m);
    expect(stdout).toMatch(/^committed [0-9a-f]{7}$/m);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe('chore(releases): migrate 1 snapshot to format 2');
    const text = readFileSync(path.join(repo.root, file), 'utf8');
    expect(text.length).toBeLessThan(sizeBefore);
    expect(parseSnapshot(file, text)).toMatchObject({ id, recipe: { services: 2 } });
    const after = await loadSnapshot(repo.root, id);
    expect(after.services).toEqual(before.services);
    expect(after.verifications).toEqual(before.verifications);

    repo.git(['push', '-q', 'origin', 'main']);
    const lintAfter = await recipe(['lint']);
    expect([lintAfter.code, lintAfter.stdout]).toEqual([lintBefore.code, lintBefore.stdout]);
    const promoteAfter = await recipe(['promote', 'staging', '--dry-run']);
    expect([promoteAfter.code, promoteAfter.stderr]).toEqual([promoteBefore.code, promoteBefore.stderr]);
    // The same refusal, for the same reason: staging takes only snapshots verified against dev's cluster.
    expect(promoteAfter.code).toBe(1);
    expect(promoteAfter.stderr).toContain(`verified: snapshot ${id.slice(0, 12)} was never verified against the dev cluster`);

    const again = await recipe(['snapshots', 'migrate']);
    expect(again.stdout).toMatch(/^migrated 0 snapshot files to format 2 .*; 1 already in format 2$/m);
  });

  test('a format 1 file no releases commit vouches for is left as it is, and said so', async () => {
    await setDev(repo.commits.records[1]!);
    const vouched = legacySnapshotOfDev();
    // Recorded against a releases commit at which dev ran something else (the seed): no commit holds it.
    await setDev(repo.commits.records[2]!);
    const orphan = legacySnapshotOfDev({ recipeCommit: repo.head });
    await setDev(repo.commits.records[0]!);
    const { code, stdout } = await recipe(['snapshots', 'migrate', '--commit']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^migrated 1 snapshot file to format 2/m);
    expect(stdout).toContain(`left in format 1: ${orphan.file}: no releases commit of its verifications (nor HEAD) has releases/dev/recipe.yaml with this combination`);
    expect(readFileSync(path.join(repo.root, vouched.file), 'utf8')).toMatch(/^format: 2$/m);
    expect(readFileSync(path.join(repo.root, orphan.file), 'utf8')).not.toMatch(/^format:/m);
  });

  test('refuses with exit 2 and writes nothing while a snapshot file is invalid', async () => {
    const { file } = legacySnapshotOfDev();
    writeFileSync(path.join(repo.root, file), readFileSync(path.join(repo.root, file), 'utf8').replace(/^createdAt: .*$/m, 'createdAt: yesterday'));
    const before = treeDigest(repo.root);
    const { code, stderr } = await recipe(['snapshots', 'migrate', '--commit']);
    expect(code).toBe(2);
    expect(stderr).toContain(`refusing to choose among snapshots while ${file} is not what "recipe snapshot" wrote`);
    expect(treeDigest(repo.root)).toEqual(before);
  });
});

describe('recipe snapshots prune', () => {
  test('keeps what the policy keeps, moves the rest out of the working tree, and every id is still found', async () => {
    writeFileSync(path.join(repo.root, 'releases/environments.yaml'), `${readFileSync(path.join(repo.root, 'releases/environments.yaml'), 'utf8')}snapshots:\n  keep: 1\n  window: 1d\n`);
    repo.git(['commit', '-q', '-am', 'chore(releases): keep one snapshot per environment']);
    const recorded: string[] = [];
    for (const commit of [repo.commits.records[0]!, repo.commits.records[1]!, repo.commits.records[2]!]) {
      await setDev(commit);
      recorded.push((await snapshotDev()).id);
    }
    const files = () => readdirSync(path.join(repo.root, 'releases/snapshots')).filter((name) => name.endsWith('.yaml')).sort();
    expect(files()).toHaveLength(3);

    // Within the window everything stays: it was all recorded today.
    const today = await recipe(['snapshots', 'prune', '--dry-run']);
    expect(today.stdout).toMatch(/^would prune 0 snapshots from the working tree, kept 3/m);

    // Two days on: dev runs the newest (kept: newest 1 of dev, and ran within the window's start); the others go.
    const later = new Date(Date.now() + 2 * DAY);
    const outcome = await pruneSnapshots({ root: repo.root, now: later, commit: true });
    expect(outcome.pruned.map((p) => p.id)).toEqual([recorded[0], recorded[1]]);
    expect(outcome.kept.map((k) => [k.id, k.reasons])).toEqual([[recorded[2], ['ran in dev within 1d', 'among the newest 1 of dev']]]);
    expect(files()).toEqual([snapshotFileName(recorded[2]!)]);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe('chore(releases): prune 2 snapshots from the working tree');
    expect(repo.git(['status', '--porcelain'])).toBe('');

    // Found by id from git history, with the same content check.
    const old = await loadSnapshot(repo.root, recorded[0]!.slice(0, 9));
    expect(old.id).toBe(recorded[0]);
    expect(old.services.records!.commit).toBe(repo.commits.records[0]);
    // promote --snapshot takes a pruned snapshot (promote reads the remote's base branch); lint stays clean.
    repo.git(['push', '-q', 'origin', 'main']);
    const promote = await recipe(['promote', 'staging', '--snapshot', recorded[1]!.slice(0, 12), '--override', 'test: an older snapshot', '--dry-run']);
    expect(promote.code, promote.stderr).toBe(0);
    expect(promote.stdout).toContain(recorded[1]!.slice(0, 12));
    const lint = await recipe(['lint']);
    expect(lint.code, lint.stdout).toBe(0);
  });

  test('never prunes a snapshot a recipe names, nor a file git does not have yet', async () => {
    writeFileSync(path.join(repo.root, 'releases/environments.yaml'), `${readFileSync(path.join(repo.root, 'releases/environments.yaml'), 'utf8')}snapshots:\n  keep: 1\n  window: 1h\n`);
    repo.git(['commit', '-q', '-am', 'chore(releases): keep one snapshot per environment']);
    await setDev(repo.commits.records[1]!);
    const first = await snapshotDev();
    // staging is filled from the first snapshot: its recipe names it.
    repo.git(['push', '-q', 'origin', 'main']);
    const promote = await recipe(['promote', 'staging', '--snapshot', first.id, '--override', 'test', '--no-push']);
    expect(promote.code, promote.stderr).toBe(0);
    repo.git(['checkout', '-q', 'main']);
    repo.git(['merge', '-q', '--ff-only', 'recipe/promote-staging']);
    await setDev(repo.commits.records[2]!);
    await snapshotDev();
    const uncommitted = legacySnapshotOfDev();
    repo.git(['reset', '-q', '--soft', 'HEAD~1']);
    repo.git(['restore', '-q', '--staged', uncommitted.file]);
    const outcome = await pruneSnapshots({ root: repo.root, now: new Date(Date.now() + 7 * DAY), dryRun: true });
    expect(outcome.pruned).toEqual([]);
    const reasons = new Map(outcome.kept.map((k) => [k.id, k.reasons]));
    expect(reasons.get(first.id)).toContain("staging's recipe names it");
    expect(reasons.get(uncommitted.id)).toContain('its file has changes that are not committed');
  });
});
