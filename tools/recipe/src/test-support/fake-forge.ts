// Loopback HTTP servers that answer the GitHub REST and GitLab REST endpoints `recipe` uses, with
// the real paths, status codes and JSON shapes, so the real octokit and gitbeaker clients run end
// to end in tests. State is kept in memory and exposed for assertions.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePullRequest {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  head: string;
  base: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeForge {
  /** The API URL to put in environments.yaml (repository.forge.apiUrl). */
  apiUrl: string;
  token: string;
  pulls: FakePullRequest[];
  requests: RecordedRequest[];
  /** Answer the next `times` requests with this status (and the forge's error body for it). */
  failNext(status: number, times?: number): void;
  /** Answer the next `times` requests that `match` with this status; others are served as usual. */
  failWhen(match: (request: RecordedRequest) => boolean, status: number, times?: number): void;
  close(): Promise<void>;
}

interface FakeOptions {
  token?: string;
  /** owner/repo or group/project. */
  project?: string;
  /** Branches that exist on the remote; the forge refuses a pull request whose head or base does not. */
  branchExists?: (name: string) => boolean;
  /** Called with each request before it is answered (e.g. to make another run push meanwhile). */
  onRequest?: (request: RecordedRequest) => void;
  /** False: the token reads the project but may not push or open pull requests (a read-only token, a Reporter). */
  canWrite?: boolean;
}

const GITHUB_DOCS = 'https://docs.github.com/rest';
const GITHUB_BODY_LIMIT = 65_536;

/** GitHub REST v3 (also GitHub Enterprise's /api/v3 prefix). */
export async function startFakeGitHub(options: FakeOptions & { basePath?: string } = {}): Promise<FakeForge> {
  const token = options.token ?? 'test-github-token';
  const project = options.project ?? 'acme/platform';
  const [owner] = project.split('/');
  const basePath = options.basePath ?? '';
  const pulls: FakePullRequest[] = [];
  let issueCounter = 0;
  let origin = '';

  const error = (res: ServerResponse, status: number, message: string, errors?: unknown[]) =>
    send(res, status, { message, ...(errors ? { errors } : {}), documentation_url: GITHUB_DOCS, status: String(status) });

  const toJson = (pull: FakePullRequest) => ({
    url: `${origin}${basePath}/repos/${project}/pulls/${pull.number}`,
    id: 1_000_000 + pull.number,
    node_id: `PR_kwDO${pull.number}`,
    html_url: `https://github.example/${project}/pull/${pull.number}`,
    diff_url: `https://github.example/${project}/pull/${pull.number}.diff`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: { login: 'recipe-bot', id: 1, type: 'User' },
    body: pull.body,
    labels: pull.labels.map((name, i) => labelJson(name, i)),
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: null,
    merged_at: null,
    draft: false,
    head: { label: `${owner}:${pull.head}`, ref: pull.head, sha: '0'.repeat(40), user: { login: owner }, repo: { full_name: project } },
    base: { label: `${owner}:${pull.base}`, ref: pull.base, sha: '0'.repeat(40), user: { login: owner }, repo: { full_name: project } },
    author_association: 'MEMBER',
  });
  const labelJson = (name: string, i: number) => ({ id: 100 + i, node_id: `LA_${i}`, url: `${origin}${basePath}/repos/${project}/labels/${encodeURIComponent(name)}`, name, color: 'ededed', default: false, description: null });

  const fake = await serve(async (req, res, url, body) => {
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `bearer ${token}` && auth !== `Bearer ${token}`) return error(res, 401, 'Bad credentials');
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    const prefix = `/repos/${project}`;
    if (path === prefix && req.method === 'GET') {
      const [ownerName, repoName] = project.split('/');
      const write = options.canWrite ?? true;
      return send(res, 200, { id: 4242, name: repoName, full_name: project, owner: { login: ownerName }, private: true, default_branch: 'main', permissions: { admin: false, maintain: false, push: write, triage: write, pull: true } });
    }
    if (!path.startsWith(`${prefix}/`)) return error(res, 404, 'Not Found');
    const rest = path.slice(prefix.length);
    const now = new Date().toISOString();

    if (rest === '/pulls' && req.method === 'GET') {
      const head = url.searchParams.get('head');
      const wanted = url.searchParams.get('state') ?? 'open';
      const found = pulls.filter((p) => (wanted === 'all' || p.state === wanted) && (head === null || `${owner}:${p.head}` === head));
      return send(res, 200, found.map(toJson));
    }
    if (rest === '/pulls' && req.method === 'POST') {
      const input = body as { title?: string; head?: string; base?: string; body?: string };
      if (!input.title || !input.head || !input.base) return error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', field: !input.head ? 'head' : !input.base ? 'base' : 'title', code: 'missing_field' }]);
      if (input.title.length > 256) return error(res, 422, 'Validation Failed', [{ resource: 'Issue', field: 'title', code: 'custom', message: 'title is too long (maximum is 256 characters)' }]);
      if ((input.body ?? '').length > GITHUB_BODY_LIMIT) return error(res, 422, 'Validation Failed', [{ resource: 'Issue', field: 'body', code: 'custom', message: `body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)` }]);
      for (const field of ['head', 'base'] as const) {
        if (options.branchExists && !options.branchExists(input[field]!)) return error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);
      }
      if (pulls.some((p) => p.state === 'open' && p.head === input.head && p.base === input.base)) {
        return error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${input.head}.` }]);
      }
      issueCounter += 1;
      const pull: FakePullRequest = { number: issueCounter, state: 'open', title: input.title, body: input.body ?? '', head: input.head, base: input.base, labels: [], createdAt: now, updatedAt: now };
      pulls.push(pull);
      return send(res, 201, toJson(pull));
    }
    const pullMatch = /^\/pulls\/(\d+)$/.exec(rest);
    if (pullMatch && req.method === 'PATCH') {
      const pull = pulls.find((p) => p.number === Number(pullMatch[1]));
      if (!pull) return error(res, 404, 'Not Found');
      const input = body as { title?: string; body?: string; base?: string; state?: 'open' | 'closed' };
      if ((input.body ?? '').length > GITHUB_BODY_LIMIT) return error(res, 422, 'Validation Failed', [{ resource: 'Issue', field: 'body', code: 'custom', message: `body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)` }]);
      if (input.title !== undefined) pull.title = input.title;
      if (input.body !== undefined) pull.body = input.body;
      if (input.base !== undefined) pull.base = input.base;
      if (input.state !== undefined) pull.state = input.state;
      pull.updatedAt = now;
      return send(res, 200, toJson(pull));
    }
    const labelMatch = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (labelMatch && req.method === 'POST') {
      const pull = pulls.find((p) => p.number === Number(labelMatch[1]));
      if (!pull) return error(res, 404, 'Not Found');
      const labels = (body as { labels?: string[] }).labels ?? [];
      for (const label of labels) if (!pull.labels.includes(label)) pull.labels.push(label);
      return send(res, 200, pull.labels.map((name, i) => labelJson(name, i)));
    }
    return error(res, 404, 'Not Found');
  }, (status, res) => error(res, status, status === 401 ? 'Bad credentials' : status === 404 ? 'Not Found' : status === 422 ? 'Validation Failed' : 'Server Error'), options.onRequest);
  origin = fake.origin;
  return { apiUrl: `${fake.origin}${basePath}`, token, pulls, requests: fake.requests, failNext: fake.failNext, failWhen: fake.failWhen, close: fake.close };
}

/** GitLab REST v4 merge requests. */
export async function startFakeGitLab(options: FakeOptions = {}): Promise<FakeForge> {
  const token = options.token ?? 'test-gitlab-token';
  const project = options.project ?? 'acme/platform';
  const pulls: FakePullRequest[] = [];
  let iidCounter = 0;

  const toJson = (mr: FakePullRequest) => ({
    id: 5000 + mr.number,
    iid: mr.number,
    project_id: 42,
    title: mr.title,
    description: mr.body,
    state: mr.state === 'open' ? 'opened' : 'closed',
    created_at: mr.createdAt,
    updated_at: mr.updatedAt,
    merged_by: null,
    merged_at: null,
    closed_at: null,
    target_branch: mr.base,
    source_branch: mr.head,
    author: { id: 1, username: 'recipe-bot', name: 'recipe bot', state: 'active' },
    source_project_id: 42,
    target_project_id: 42,
    labels: mr.labels,
    draft: false,
    work_in_progress: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: '0'.repeat(40),
    references: { short: `!${mr.number}`, relative: `!${mr.number}`, full: `${project}!${mr.number}` },
    web_url: `https://gitlab.example/${project}/-/merge_requests/${mr.number}`,
  });
  const fail = (res: ServerResponse, status: number, message: unknown) => send(res, status, { message });

  const fake = await serve(async (req, res, url, body) => {
    if (req.headers['private-token'] !== token) return fail(res, 401, '401 Unauthorized');
    const prefix = `/api/v4/projects/${encodeURIComponent(project)}`;
    // GitLab accepts the project path URL-encoded (as gitbeaker sends it).
    const path = url.pathname;
    if (path === prefix && req.method === 'GET') {
      const level = (options.canWrite ?? true) ? 30 : 20;
      return send(res, 200, { id: 42, path_with_namespace: project, default_branch: 'main', permissions: { project_access: { access_level: level, notification_level: 3 }, group_access: null } });
    }
    if (!path.startsWith(`${prefix}/`)) return fail(res, 404, '404 Project Not Found');
    const rest = path.slice(prefix.length);
    const now = new Date().toISOString();
    const input = body as { source_branch?: string; target_branch?: string; title?: string; description?: string; labels?: string; add_labels?: string };
    const split = (labels: string | undefined) => (labels ?? '').split(',').map((l) => l.trim()).filter(Boolean);

    if (rest === '/merge_requests' && req.method === 'GET') {
      const source = url.searchParams.get('source_branch');
      const wanted = url.searchParams.get('state');
      const found = pulls.filter((mr) => (source === null || mr.head === source) && (wanted === null || wanted === 'all' || toJson(mr).state === wanted));
      res.setHeader('x-total', String(found.length));
      res.setHeader('x-page', '1');
      res.setHeader('x-per-page', url.searchParams.get('per_page') ?? '20');
      res.setHeader('x-total-pages', '1');
      return send(res, 200, found.map(toJson));
    }
    if (rest === '/merge_requests' && req.method === 'POST') {
      if (!input.source_branch || !input.target_branch || !input.title) return fail(res, 400, { error: 'source_branch, target_branch, title are missing' });
      if (input.title.length > 255) return fail(res, 400, { title: ['is too long (maximum is 255 characters)'] });
      for (const branch of [input.source_branch, input.target_branch]) {
        if (options.branchExists && !options.branchExists(branch)) return fail(res, 422, [`Branch '${branch}' does not exist`]);
      }
      const open = pulls.find((mr) => mr.state === 'open' && mr.head === input.source_branch && mr.base === input.target_branch);
      if (open) return fail(res, 409, [`Another open merge request already exists for this source branch: !${open.number}`]);
      iidCounter += 1;
      const mr: FakePullRequest = { number: iidCounter, state: 'open', title: input.title, body: input.description ?? '', head: input.source_branch, base: input.target_branch, labels: split(input.labels), createdAt: now, updatedAt: now };
      pulls.push(mr);
      return send(res, 201, toJson(mr));
    }
    const match = /^\/merge_requests\/(\d+)$/.exec(rest);
    if (match && req.method === 'PUT') {
      const mr = pulls.find((m) => m.number === Number(match[1]));
      if (!mr) return fail(res, 404, '404 Not found');
      if (input.title !== undefined && input.title.length > 255) return fail(res, 400, { title: ['is too long (maximum is 255 characters)'] });
      if (input.title !== undefined) mr.title = input.title;
      if (input.description !== undefined) mr.body = input.description;
      if (input.target_branch !== undefined) mr.base = input.target_branch;
      if (input.labels !== undefined) mr.labels = split(input.labels);
      for (const label of split(input.add_labels)) if (!mr.labels.includes(label)) mr.labels.push(label);
      mr.updatedAt = now;
      return send(res, 200, toJson(mr));
    }
    return fail(res, 404, '404 Not Found');
  }, (status, res) => fail(res, status, status === 401 ? '401 Unauthorized' : status === 404 ? '404 Project Not Found' : `${status} error`), options.onRequest);
  return { apiUrl: `${fake.origin}/api/v4`, token, pulls, requests: fake.requests, failNext: fake.failNext, failWhen: fake.failWhen, close: fake.close };
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<void> | void;

async function serve(handler: Handler, failure: (status: number, res: ServerResponse) => void, onRequest?: (request: RecordedRequest) => void) {
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const conditional: { match: (request: RecordedRequest) => boolean; status: number; left: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = {};
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, 400, { message: 'Problems parsing JSON' });
      }
    }
    const url = new URL(req.url ?? '/', 'http://loopback');
    const recorded = { method: req.method ?? 'GET', path: url.pathname + url.search, body };
    requests.push(recorded);
    onRequest?.(recorded);
    const status = failures.shift();
    if (status !== undefined) return failure(status, res);
    const rule = conditional.find((candidate) => candidate.left > 0 && candidate.match(recorded));
    if (rule) {
      rule.left -= 1;
      return failure(rule.status, res);
    }
    await handler(req, res, url, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status: number, times = 1) => {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    failWhen: (match: (request: RecordedRequest) => boolean, status: number, times = 1) => {
      conditional.push({ match, status, left: times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(res: ServerResponse, status: number, data: unknown): void {
  const text = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
