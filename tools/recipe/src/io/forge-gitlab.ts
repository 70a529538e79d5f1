// GitLab (gitlab.com or self-hosted, through its API URL) via @gitbeaker/rest: merge requests.
import type { Gitlab } from '@gitbeaker/rest';
import { forgeError, networkDetail, registerForge, type Forge, type ForgeConfig, type PullRequestRequest, type PullRequestResult } from './forge.ts';

// The client library is loaded only when a merge request is opened.
registerForge('gitlab', {
  name: 'GitLab',
  tokenVariable: 'GITLAB_TOKEN',
  open: async (config, token) => new GitLabForge((await import('@gitbeaker/rest')).Gitlab, config, token),
});

export class GitLabForge implements Forge {
  readonly name = 'GitLab';
  readonly #api: InstanceType<typeof Gitlab<false>>;
  readonly #apiUrl: string;
  readonly #project: string;

  constructor(GitlabClass: typeof Gitlab, config: ForgeConfig, token: string) {
    this.#project = config.project;
    this.#apiUrl = (config.apiUrl ?? 'https://gitlab.com/api/v4').replace(/\/+$/, '');
    // gitbeaker appends /api/v4 to the host itself.
    const host = this.#apiUrl.replace(/\/api\/v4$/, '');
    this.#api = new GitlabClass({ host, token, queryTimeout: 30_000 });
  }

  async upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult> {
    let existing = await this.#openMergeRequest(request.head);
    if (existing === undefined) {
      try {
        const created = await this.#api.MergeRequests.create(this.#project, request.head, request.base, request.title, {
          description: request.body,
          labels: request.labels.join(','),
        });
        return { number: created.iid, url: created.web_url, action: 'created' };
      } catch (error) {
        // 409: another run opened it between our look-up and our create: update that one.
        if (status(error) !== 409) throw this.#fail(`creating the merge request for ${request.head}`, error);
        existing = await this.#openMergeRequest(request.head);
        if (existing === undefined) throw this.#fail(`creating the merge request for ${request.head}`, error);
      }
    }
    const iid = existing.number;
    await this.#call(`updating merge request !${iid}`, () =>
      this.#api.MergeRequests.edit(this.#project, iid, {
        title: request.title,
        description: request.body,
        targetBranch: request.base,
        addLabels: request.labels.join(','),
      }),
    );
    return { ...existing, action: 'updated' };
  }

  async #openMergeRequest(head: string): Promise<{ number: number; url: string } | undefined> {
    const found = await this.#call(`looking up the open merge request of ${head}`, () =>
      this.#api.MergeRequests.all({ projectId: this.#project, sourceBranch: head, state: 'opened', perPage: 100, maxPages: 1 }),
    );
    const mr = found.find((candidate) => candidate.source_branch === head);
    return mr === undefined ? undefined : { number: mr.iid, url: mr.web_url };
  }

  async #call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.#fail(doing, error);
    }
  }

  #fail(doing: string, error: unknown) {
    const code = status(error);
    const { message, cause } = error as { message?: string; cause?: { description?: string } };
    return forgeError(
      {
        forge: this.name,
        doing,
        apiUrl: this.#apiUrl,
        project: this.#project,
        tokenVariable: 'GITLAB_TOKEN',
        status: code,
        detail: code === undefined ? networkDetail(error) : (cause?.description ?? message ?? 'unknown error'),
      },
      error,
    );
  }
}

/** The HTTP status of a gitbeaker request error; undefined when no response came back. */
function status(error: unknown): number | undefined {
  const response = (error as { cause?: { response?: { status?: number } } }).cause?.response;
  return response?.status;
}
