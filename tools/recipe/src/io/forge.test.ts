import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RecipeError } from '../model/errors.ts';
import { startFakeGitHub, startFakeGitLab, type FakeForge } from '../test-support/fake-forge.ts';
import { forgeToken, openForge, type PullRequestRequest, type ResolvedForgeConfig } from './forges.ts';

const request: PullRequestRequest = {
  head: 'recipe/promote-prod',
  base: 'main',
  title: 'promote(prod): staging snapshot 3f9a1c2b7d10: records 1a2b3c4 -> 5d6e7f8, web unchanged',
  body: '## Services\n\n| service | current | new |\n',
  labels: ['promotion', 'env:prod'],
};

let fakes: FakeForge[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

async function failure(promise: Promise<unknown>): Promise<RecipeError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RecipeError);
  return error as RecipeError;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const cases = [
  { name: 'GitHub', start: startFakeGitHub, type: 'github' as const },
  { name: 'GitLab', start: startFakeGitLab, type: 'gitlab' as const },
];

describe.each(cases)('$name forge', ({ start, type }) => {
  async function setup(options: Parameters<typeof start>[0] = {}) {
    const fake = await start(options);
    fakes.push(fake);
    const config: ResolvedForgeConfig = { type, apiUrl: fake.apiUrl, project: 'acme/platform' };
    return { fake, config, forge: await openForge(config, fake.token) };
  }

  it('opens a pull request with the title, body, labels, head and base', async () => {
    const { fake, forge } = await setup();
    const result = await forge.upsertPullRequest(request);
    expect(result.action).toBe('created');
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ number: result.number, state: 'open', title: request.title, body: request.body, head: 'recipe/promote-prod', base: 'main', labels: ['promotion', 'env:prod'] });
    expect(result.url).toMatch(new RegExp(`/${result.number}$`));
  });

  it('updates the open pull request of the branch on a second run instead of opening another', async () => {
    const { fake, forge } = await setup();
    const first = await forge.upsertPullRequest(request);
    const second = await forge.upsertPullRequest({ ...request, title: 'promote(prod): newer', body: 'newer body' });
    expect(second).toMatchObject({ action: 'updated', number: first.number });
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ title: 'promote(prod): newer', body: 'newer body', labels: ['promotion', 'env:prod'] });
  });

  it('updates the pull request another run opened between the look-up and the create', async () => {
    const { fake, forge } = await setup();
    const other = await openForge({ type, apiUrl: fake.apiUrl, project: 'acme/platform' }, fake.token);
    // The look-up answers "none" because the other run's create lands right after it.
    const racing = forge.upsertPullRequest({ ...request, body: 'mine' });
    await other.upsertPullRequest({ ...request, body: 'theirs' });
    await racing;
    expect(fake.requests.filter((r) => r.method === 'POST' && /(pulls|merge_requests)$/.test(r.path))).toHaveLength(2);
    expect(fake.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
  });

  it('says a refused token is the problem on 401', async () => {
    const { fake } = await setup();
    const forge = await openForge({ type, apiUrl: fake.apiUrl, project: 'acme/platform' }, 'wrong-token');
    const error = await failure(forge.upsertPullRequest(request));
    expect(error.message).toMatch(/401/);
    expect(error.hint).toMatch(type === 'github' ? /GITHUB_TOKEN/ : /GITLAB_TOKEN/);
    expect(fake.pulls).toHaveLength(0);
  });

  it('names the project and the API URL on 404', async () => {
    const { fake } = await setup();
    const forge = await openForge({ type, apiUrl: fake.apiUrl, project: 'acme/elsewhere' }, fake.token);
    const error = await failure(forge.upsertPullRequest(request));
    expect(error.message).toMatch(/404/);
    expect(error.hint).toContain('acme/elsewhere');
    expect(error.hint).toContain(fake.apiUrl);
  });

  it('reports a rejected request with the forge message on 422', async () => {
    const { fake, forge } = await setup({ branchExists: (name) => name !== 'main' });
    const error = await failure(forge.upsertPullRequest(request));
    expect(error.message).toMatch(/creating the (pull|merge) request for recipe\/promote-prod failed: (GitHub|GitLab) answered 422/);
    expect(fake.pulls).toHaveLength(0);
  });

  it('says the API could not be reached when nothing listens', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}${type === 'gitlab' ? '/api/v4' : ''}`;
    const forge = await openForge({ type, apiUrl, project: 'acme/platform' }, 'token');
    const error = await failure(forge.upsertPullRequest(request));
    expect(error.message).toContain(`could not reach ${apiUrl}`);
    expect(error.hint).toContain('ECONNREFUSED');
  });
});

describe('forge configuration', () => {
  it('talks to a self-hosted GitHub Enterprise under its /api/v3 URL', async () => {
    const fake = await startFakeGitHub({ basePath: '/api/v3' });
    fakes.push(fake);
    const forge = await openForge({ type: 'github', apiUrl: fake.apiUrl, project: 'acme/platform' }, fake.token);
    await forge.upsertPullRequest(request);
    expect(fake.requests.every((r) => r.path.startsWith('/api/v3/repos/acme/platform/'))).toBe(true);
  });

  it('refuses to start without the token variable and names it', () => {
    expect(() => forgeToken({ type: 'gitlab', project: 'acme/platform' }, {})).toThrow(/GITLAB_TOKEN is not set/);
    expect(forgeToken({ type: 'github', project: 'acme/platform' }, { GITHUB_TOKEN: 't' })).toBe('t');
  });

  it('rejects a GitHub project that is not owner/repo', async () => {
    await expect(openForge({ type: 'github', project: 'platform' }, 't')).rejects.toThrow(/not a GitHub repository/);
  });
});
