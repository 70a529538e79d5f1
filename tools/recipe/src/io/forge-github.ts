// GitHub (and GitHub Enterprise, through its API URL) via @octokit/rest.
import type { Octokit } from '@octokit/rest';
import { RecipeError } from '../model/errors.ts';
import { forgeError, networkDetail, registerForge, withRetries, type Forge, type ResolvedForgeConfig, type ForgeTraits, type OpenOptions, type PullRequestRequest, type PullRequestResult } from './forge.ts';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const traits: ForgeTraits = {
  name: 'GitHub',
  tokenVariable: 'GITHUB_TOKEN',
  noun: 'pull request',
  sigil: '#',
  titleLimit: 256,
  tokenNeeds: 'write access to the repository\'s contents and pull requests (and issues, for labels): a fine-grained token with "Contents" and "Pull requests" read and write, or a classic token with the repo scope',
};

// The client library is loaded only when a pull request is opened.
registerForge('github', { ...traits, open: async (config, token, options) => new GitHubForge((await import('@octokit/rest')).Octokit, config, token, options) });

export class GitHubForge implements Forge {
  readonly name = 'GitHub';
  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;
  readonly #apiUrl: string;
  readonly #project: string;
  readonly #options: OpenOptions;

  constructor(OctokitClass: typeof Octokit, config: ResolvedForgeConfig, token: string, options: OpenOptions = {}) {
    this.#options = options;
    const [owner, repo, ...rest] = config.project.split('/');
    if (!owner || !repo || rest.length > 0) {
      throw new RecipeError(`"${config.project}" is not a GitHub repository`, { file: 'environments.yaml', field: 'repository.forge.project', hint: 'write owner/repo, e.g. acme/platform' });
    }
    this.#owner = owner;
    this.#repo = repo;
    this.#project = config.project;
    this.#apiUrl = (config.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.#octokit = new OctokitClass({ auth: token, baseUrl: this.#apiUrl, userAgent: 'recipe', log: silent });
  }

  async checkAccess(): Promise<void> {
    const { data } = await this.#call(`checking GITHUB_TOKEN on ${this.#project}`, () => this.#octokit.rest.repos.get({ owner: this.#owner, repo: this.#repo }));
    if (data.permissions && !data.permissions.push) {
      throw forgeError({ traits, doing: `checking GITHUB_TOKEN on ${this.#project}`, apiUrl: this.#apiUrl, project: this.#project, status: 403, detail: 'the token can read the repository but not push to it' }, undefined);
    }
  }

  async upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult> {
    const { owner, repo } = { owner: this.#owner, repo: this.#repo };
    let existing = await this.#openPullRequest(request.head);
    let action: PullRequestResult['action'] = 'updated';
    if (existing === undefined) {
      try {
        const { data } = await this.#call(`creating the pull request for ${request.head}`, () => this.#octokit.rest.pulls.create({ owner, repo, head: request.head, base: request.base, title: request.title, body: request.body }), { raw: true });
        existing = { number: data.number, url: data.html_url, title: request.title, body: request.body, base: request.base, labels: [] };
        action = 'created';
      } catch (error) {
        // Another run opened it between our look-up and our create: update that one.
        if (!isAlreadyExists(error)) throw this.#fail(`creating the pull request for ${request.head}`, error);
        existing = await this.#openPullRequest(request.head);
        if (existing === undefined) throw this.#fail(`creating the pull request for ${request.head}`, error);
      }
    }
    const current = existing;
    // Only what differs is written: a rerun with nothing new leaves the pull request untouched.
    if (action === 'updated' && (current.title !== request.title || current.body !== request.body || current.base !== request.base)) {
      await this.#call(`updating pull request #${current.number}`, () =>
        this.#octokit.rest.pulls.update({ owner, repo, pull_number: current.number, title: request.title, body: request.body, base: request.base }),
      );
    }
    const missing = request.labels.filter((label) => !current.labels.includes(label));
    if (missing.length > 0) {
      await this.#call(`labelling pull request #${current.number}`, () => this.#octokit.rest.issues.addLabels({ owner, repo, issue_number: current.number, labels: missing }));
    }
    return { number: current.number, url: current.url, action };
  }

  async #openPullRequest(head: string): Promise<{ number: number; url: string; title: string; body: string; base: string; labels: string[] } | undefined> {
    const { data } = await this.#call(`looking up the open pull request of ${head}`, () =>
      this.#octokit.rest.pulls.list({ owner: this.#owner, repo: this.#repo, head: `${this.#owner}:${head}`, state: 'open', per_page: 100 }),
    );
    const pull = data.find((candidate) => candidate.head.ref === head);
    return pull === undefined
      ? undefined
      : { number: pull.number, url: pull.html_url, title: pull.title, body: pull.body ?? '', base: pull.base.ref, labels: pull.labels.map((label) => label.name ?? '').filter(Boolean) };
  }

  /** One request, retried while it fails transiently; `raw` leaves the last error for the caller to judge. */
  async #call<T>(doing: string, request: () => Promise<T>, options: { raw?: boolean } = {}): Promise<T> {
    let attempts = 0;
    try {
      return await withRetries(doing, () => (attempts++, request()), statusOf, { ...this.#options, forge: this.name });
    } catch (error) {
      throw options.raw ? error : this.#fail(doing, error, attempts);
    }
  }

  #fail(doing: string, error: unknown, attempts?: number): RecipeError {
    const { response, message } = error as { response?: { data?: unknown }; message?: string };
    const status = statusOf(error);
    return forgeError(
      {
        traits,
        doing,
        apiUrl: this.#apiUrl,
        project: this.#project,
        status,
        detail: status !== undefined ? describe(response?.data, message) : networkDetail(error),
        ...(attempts === undefined ? {} : { attempts }),
      },
      error,
    );
  }
}

/** The HTTP status of an octokit error; undefined when no response came back. */
function statusOf(error: unknown): number | undefined {
  const { status, response } = error as { status?: number; response?: unknown };
  return response !== undefined ? status : undefined;
}

function describe(data: unknown, fallback: string | undefined): string {
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const { message, errors } = data as { message: string; errors?: { message?: string; field?: string; code?: string }[] };
    const details = (errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' ')).filter(Boolean);
    return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
  }
  return fallback ?? 'unknown error';
}

function isAlreadyExists(error: unknown): boolean {
  const { status, response } = error as { status?: number; response?: { data?: { errors?: { message?: string }[] } } };
  return status === 422 && (response?.data?.errors ?? []).some((e) => /already exists/i.test(e.message ?? ''));
}
