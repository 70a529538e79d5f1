// GitLab (gitlab.com or self-hosted, through its API URL) via @gitbeaker/rest: merge requests.
import type { Gitlab } from '@gitbeaker/rest';
import { forgeError, networkDetail, registerForge, withRetries, type Forge, type ResolvedForgeConfig, type ForgeTraits, type OpenOptions, type PullRequestRequest, type PullRequestResult } from './forge.ts';

const traits: ForgeTraits = {
  name: 'GitLab',
  tokenVariable: 'GITLAB_TOKEN',
  noun: 'merge request',
  sigil: '!',
  // GitLab refuses a merge request title of 256 characters or more.
  titleLimit: 255,
  tokenNeeds: 'a token with the `api` scope and at least the Developer role on the project (a project or group access token, or a personal one)',
};

/** Developer: may push branches and open merge requests (GitLab access levels). */
const DEVELOPER = 30;

// The client library is loaded only when a merge request is opened.
registerForge('gitlab', { ...traits, open: async (config, token, options) => new GitLabForge((await import('@gitbeaker/rest')).Gitlab, config, token, options) });

interface OpenMergeRequest {
  number: number;
  url: string;
  title: string;
  body: string;
  base: string;
  labels: string[];
}

export class GitLabForge implements Forge {
  readonly name = 'GitLab';
  readonly #api: InstanceType<typeof Gitlab<false>>;
  readonly #apiUrl: string;
  readonly #project: string;
  readonly #options: OpenOptions;

  constructor(GitlabClass: typeof Gitlab, config: ResolvedForgeConfig, token: string, options: OpenOptions = {}) {
    this.#project = config.project;
    this.#options = options;
    this.#apiUrl = (config.apiUrl ?? 'https://gitlab.com/api/v4').replace(/\/+$/, '');
    // gitbeaker appends /api/v4 to the host itself.
    const host = this.#apiUrl.replace(/\/api\/v4$/, '');
    this.#api = new GitlabClass({ host, token, queryTimeout: 30_000 });
  }

  async checkAccess(): Promise<void> {
    const doing = `checking GITLAB_TOKEN on ${this.#project}`;
    const project = (await this.#call(doing, () => this.#api.Projects.show(this.#project))) as { permissions?: { project_access?: { access_level?: number } | null; group_access?: { access_level?: number } | null } };
    const level = Math.max(project.permissions?.project_access?.access_level ?? 0, project.permissions?.group_access?.access_level ?? 0);
    // A token that reads the project but lacks the Developer role finds out here, not after the push.
    if (project.permissions && level < DEVELOPER) {
      throw forgeError({ traits, doing, apiUrl: this.#apiUrl, project: this.#project, status: 403, detail: `the token's role on the project is below Developer (access level ${level})` }, undefined);
    }
  }

  async upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult> {
    let existing = await this.#openMergeRequest(request.head);
    if (existing === undefined) {
      try {
        const created = await this.#call(
          `creating the merge request for ${request.head}`,
          () => this.#api.MergeRequests.create(this.#project, request.head, request.base, request.title, { description: request.body, labels: request.labels.join(',') }),
          { raw: true },
        );
        return { number: created.iid, url: created.web_url, action: 'created' };
      } catch (error) {
        // 409: another run opened it between our look-up and our create: update that one.
        if (statusOf(error) !== 409) throw this.#fail(`creating the merge request for ${request.head}`, error);
        existing = await this.#openMergeRequest(request.head);
        if (existing === undefined) throw this.#fail(`creating the merge request for ${request.head}`, error);
      }
    }
    const current = existing;
    const missing = request.labels.filter((label) => !current.labels.includes(label));
    // Only what differs is written: a rerun with nothing new leaves the merge request untouched.
    if (current.title !== request.title || current.body !== request.body || current.base !== request.base || missing.length > 0) {
      await this.#call(`updating merge request !${current.number}`, () =>
        this.#api.MergeRequests.edit(this.#project, current.number, {
          title: request.title,
          description: request.body,
          targetBranch: request.base,
          ...(missing.length > 0 ? { addLabels: missing.join(',') } : {}),
        }),
      );
    }
    return { number: current.number, url: current.url, action: 'updated' };
  }

  async #openMergeRequest(head: string): Promise<OpenMergeRequest | undefined> {
    const found = await this.#call(`looking up the open merge request of ${head}`, () =>
      this.#api.MergeRequests.all({ projectId: this.#project, sourceBranch: head, state: 'opened', perPage: 100, maxPages: 1 }),
    );
    const mr = found.find((candidate) => candidate.source_branch === head);
    if (mr === undefined) return undefined;
    const labels = (mr.labels as (string | { name: string })[] | undefined) ?? [];
    return { number: mr.iid, url: mr.web_url, title: mr.title, body: mr.description ?? '', base: mr.target_branch, labels: labels.map((l) => (typeof l === 'string' ? l : l.name)) };
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

  #fail(doing: string, error: unknown, attempts?: number) {
    const code = statusOf(error);
    const { message, cause } = error as { message?: string; cause?: { description?: string } };
    return forgeError(
      {
        traits,
        doing,
        apiUrl: this.#apiUrl,
        project: this.#project,
        status: code,
        detail: code === undefined ? networkDetail(error) : retriedBy(error) ? 'every time gitbeaker asked' : (cause?.description ?? message ?? 'unknown error'),
        ...(attempts === undefined ? {} : { attempts }),
      },
      error,
    );
  }
}

/** gitbeaker retries 429 and 502 itself and then throws an error without a response: its message holds the status. */
function retriedBy(error: unknown): boolean {
  return (error as { name?: string }).name === 'GitbeakerRetryError';
}

/** The HTTP status of a gitbeaker request error; undefined when no response came back. */
function statusOf(error: unknown): number | undefined {
  const response = (error as { cause?: { response?: { status?: number } } }).cause?.response;
  if (response?.status !== undefined) return response.status;
  if (retriedBy(error)) {
    const last = /last status code: (\d{3})/.exec((error as Error).message)?.[1];
    return last === undefined ? undefined : Number(last);
  }
  return undefined;
}
