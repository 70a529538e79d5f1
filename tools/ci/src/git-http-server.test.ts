import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepositories } from './git-http-server.ts';
import { gitIdentity, tempRepo, type TempRepo } from './test-support/temp-repo.ts';

// The real git client against the server in this process: it must not block the event loop.
const gitAsync = (cwd: string, args: string[]) =>
  promisify(execFile)('git', args, { cwd, env: { ...process.env, ...gitIdentity, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' } });

describe('git-http-server', () => {
  let repo: TempRepo;
  let server: Server;
  let url: string;
  let head: string;
  let pullRequest: string;
  const scratch = mkdtempSync(join(tmpdir(), 'ci-git-http-'));

  beforeAll(async () => {
    repo = tempRepo('ci-git-http-repo-');
    repo.commit('feat: first', { 'charts/records/Chart.yaml': 'name: records\n' });
    head = repo.commit('feat: second', { 'releases/dev/recipe.yaml': 'environment: dev\n' });
    repo.git(['push', '--quiet', 'origin', 'main']);
    // A commit on no branch of the remote but reachable from a ref, as a pull request's merge commit.
    pullRequest = repo.commit('test: the pull request', { 'apps/web/x.ts': 'x\n' });
    repo.git(['push', '--quiet', 'origin', 'HEAD:refs/heads/kind-e2e']);
    ({ server, url } = await serveRepositories(dirname(repo.remote)));
  });

  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    repo?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves a clone over smart HTTP with every branch and commit', async () => {
    const clone = join(scratch, 'clone');
    await gitAsync(scratch, ['clone', '--quiet', `${url}${basename(repo.remote)}`, clone]);
    expect((await gitAsync(clone, ['rev-parse', 'HEAD'])).stdout.trim()).toBe(head);
    expect((await gitAsync(clone, ['rev-parse', 'origin/kind-e2e'])).stdout.trim()).toBe(pullRequest);
  });

  it('answers ls-remote with the refs', async () => {
    const { stdout } = await gitAsync(scratch, ['ls-remote', `${url}${basename(repo.remote)}`]);
    expect(stdout).toContain(`${head}\trefs/heads/main`);
    expect(stdout).toContain(`${pullRequest}\trefs/heads/kind-e2e`);
  });

  it('refuses a push', async () => {
    await expect(gitAsync(repo.root, ['push', `${url}${basename(repo.remote)}`, 'HEAD:refs/heads/other'])).rejects.toThrow(/403/);
    expect((await fetch(`${url}${basename(repo.remote)}/info/refs?service=git-receive-pack`)).status).toBe(403);
  });

  it('answers 404 for a repository it does not have', async () => {
    expect((await fetch(`${url}missing.git/info/refs?service=git-upload-pack`)).status).toBe(404);
  });
});
