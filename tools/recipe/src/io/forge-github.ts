// GitHub (and GitHub Enterprise, through its API URL) via @octokit/rest.
import type { Octokit } from '@octokit/rest';
import { RecipeError } from '../model/errors.ts';
import { forgeError, networkDetail, registerForge, type Forge, type ForgeConfig, type PullRequestRequest, type PullRequestResult } from './forge.ts';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

// The client library is loaded only when a pull request is opened.
registerForge('github', {
  name: 'GitHub',
  tokenVariable: 'GITHUB_TOKEN',
  open: async (config, token) => new GitHubForge((await import('@octokit/rest')).Octokit, config, token),
});

export class GitHubForge implements Forge {
  readonly name = 'GitHub';
  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;
  readonly #apiUrl: string;
  readonly #project: string;

  constructor(OctokitClass: typeof Octokit, config: ForgeConfig, token: string) {
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

  async upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult> {
    const { owner, repo } = { owner: this.#owner, repo: this.#repo };
    let existing = await this.#openPullRequest(request.head);
    let action: PullRequestResult['action'] = 'updated';
    if (existing === undefined) {
      try {
        const { data } = await this.#octokit.rest.pulls.create({ owner, repo, head: request.head, base: request.base, title: request.title, body: request.body });
        existing = { number: data.number, url: data.html_url };
        action = 'created';
      } catch (error) {
        // Another run opened it between our look-up and our create: update that one.
        if (!isAlreadyExists(error)) throw this.#fail(`creating the pull request for ${request.head}`, error);
        existing = await this.#openPullRequest(request.head);
        if (existing === undefined) throw this.#fail(`creating the pull request for ${request.head}`, error);
      }
    }
    if (action === 'updated') {
      await this.#call(`updating pull request #${existing.number}`, () =>
        this.#octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title: request.title, body: request.body, base: request.base }),
      );
    }
    if (request.labels.length > 0) {
      await this.#call(`labelling pull request #${existing.number}`, () =>
        this.#octokit.rest.issues.addLabels({ owner, repo, issue_number: existing.number, labels: request.labels }),
      );
    }
    return { ...existing, action };
  }

  async #openPullRequest(head: string): Promise<{ number: number; url: string } | undefined> {
    const { data } = await this.#call(`looking up the open pull request of ${head}`, () =>
      this.#octokit.rest.pulls.list({ owner: this.#owner, repo: this.#repo, head: `${this.#owner}:${head}`, state: 'open', per_page: 100 }),
    );
    const pull = data.find((candidate) => candidate.head.ref === head);
    return pull === undefined ? undefined : { number: pull.number, url: pull.html_url };
  }

  async #call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.#fail(doing, error);
    }
  }

  #fail(doing: string, error: unknown): RecipeError {
    const { status, response, message } = error as { status?: number; response?: { data?: unknown }; message?: string };
    const reached = response !== undefined;
    return forgeError(
      {
        forge: this.name,
        doing,
        apiUrl: this.#apiUrl,
        project: this.#project,
        tokenVariable: 'GITHUB_TOKEN',
        status: reached ? status : undefined,
        detail: reached ? describe(response.data, message) : networkDetail(error),
      },
      error,
    );
  }
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
