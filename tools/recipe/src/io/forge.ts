// The forge behind one small interface: open or update the pull request of a branch. Adapters
// (forge-github.ts, forge-gitlab.ts) depend on this module and register themselves, as kargo's
// gitprovider does; this module never imports them. forges.ts loads the ones this package ships.
import type { Repository } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';

/** `repository.forge` in environments.yaml (its schema is the source): type, apiUrl (default: the public service; GitLab with or without `/api/v4`), project (owner/repo or group/project). */
export type ForgeConfig = NonNullable<Repository['forge']>;
export type ForgeType = ForgeConfig['type'];
/** The forge with its project known: from environments.yaml, else (GitLab CI) from the pipeline's variables. */
export type ResolvedForgeConfig = ForgeConfig & { project: string };

export interface PullRequestRequest {
  /** The branch carrying the change (same repository). */
  head: string;
  /** The branch it should be merged into. */
  base: string;
  title: string;
  body: string;
  labels: string[];
}

export interface PullRequestResult {
  number: number;
  url: string;
  /** created: a new pull request; updated: the open one for this head branch was rewritten. */
  action: 'created' | 'updated';
}

export interface Forge {
  /** "GitHub" or "GitLab", for messages. */
  readonly name: string;
  /**
   * One cheap authenticated call that proves the token is valid and may open pull requests on
   * the project, so a wrong token is found before anything is pushed.
   */
  checkAccess(): Promise<void>;
  /** Opens the pull request for `head`, or updates the open one (only what differs): one open pull request per branch. */
  upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult>;
}

/** How a forge names and limits its pull requests: the words of every message come from here. */
export interface ForgeTraits {
  /** "GitHub" or "GitLab", for messages. */
  name: string;
  /** The environment variable that holds the token. */
  tokenVariable: string;
  /** "pull request" (GitHub) or "merge request" (GitLab). */
  noun: string;
  /** "#" (GitHub) or "!" (GitLab), before a number. */
  sigil: string;
  /** The longest title the forge accepts, in characters. */
  titleLimit: number;
  /** What a token needs here, for a 403: scopes and role. */
  tokenNeeds: string;
}

/** Progress of a request that is being retried, for people (stderr). */
export type RetryReporter = (line: string) => void;

export interface OpenOptions {
  onRetry?: RetryReporter;
  /** Base of the exponential backoff between attempts (tests make it small). */
  retryBaseMs?: number;
}

/** What an adapter registers under its `repository.forge.type`. */
export interface ForgeProvider extends ForgeTraits {
  /** Builds the client; may import its library lazily so that loading the adapter stays cheap. */
  open(config: ResolvedForgeConfig, token: string, options?: OpenOptions): Promise<Forge>;
}

const providers = new Map<string, ForgeProvider>();

/** Called by each adapter when its module is loaded. */
export function registerForge(type: ForgeType, provider: ForgeProvider): void {
  providers.set(type, provider);
}

function provider(config: ForgeConfig): ForgeProvider {
  const found = providers.get(config.type);
  if (!found) {
    throw new RecipeError(`no forge adapter is registered for "${config.type}"`, {
      file: 'releases/environments.yaml',
      field: 'repository.forge.type',
      hint: `use one of: ${[...providers.keys()].join(', ') || 'none is loaded: import the adapters (io/forges.ts) first'}`,
    });
  }
  return found;
}

/**
 * The forge as configured, with what GitLab CI says about its own pipeline as defaults when
 * running there (GITLAB_CI=true): CI_API_V4_URL (else CI_SERVER_URL + /api/v4) for apiUrl and
 * CI_PROJECT_PATH for project. What environments.yaml says wins.
 */
export function resolveForgeConfig(config: ForgeConfig, env: NodeJS.ProcessEnv): ResolvedForgeConfig {
  const inGitLabCi = config.type === 'gitlab' && env.GITLAB_CI === 'true';
  const ciApiUrl = inGitLabCi ? env.CI_API_V4_URL || (env.CI_SERVER_URL ? `${env.CI_SERVER_URL.replace(/\/+$/, '')}/api/v4` : undefined) : undefined;
  const apiUrl = config.apiUrl ?? ciApiUrl;
  const project = config.project ?? (inGitLabCi ? env.CI_PROJECT_PATH || undefined : undefined);
  if (!project) {
    const { name, noun } = provider(config);
    throw new RecipeError(`no project to open the ${noun} on: repository.forge.project is not set${config.type === 'gitlab' ? ' and CI_PROJECT_PATH is not there (not running in GitLab CI)' : ''}`, {
      file: 'releases/environments.yaml',
      field: 'repository.forge.project',
      hint: `add "project: <group/project>" under repository.forge with the project's path on ${name}, e.g. project: acme/platform${config.type === 'gitlab' ? '; in a GitLab CI job it may be left out (CI_PROJECT_PATH)' : ''}`,
    });
  }
  return { ...config, project, ...(apiUrl ? { apiUrl } : {}) };
}

/** The token for the forge, or a RecipeError naming the variable to set. */
export function forgeToken(config: ForgeConfig, env: NodeJS.ProcessEnv, otherwise = 'pass --no-push to commit locally only'): string {
  const { name, tokenVariable, noun } = provider(config);
  const token = env[tokenVariable];
  if (!token) {
    throw new RecipeError(`${tokenVariable} is not set: a token is needed to open the ${noun} on ${name}`, {
      hint: `export ${tokenVariable}=<a token allowed to open ${noun}s on ${config.project ?? 'the project'}>, or ${otherwise}`,
    });
  }
  return token;
}

/** The names and limits of the configured forge, without opening it. */
export function forgeTraits(config: ForgeConfig): ForgeTraits {
  const { open: _open, ...traits } = provider(config);
  return traits;
}

export async function openForge(config: ResolvedForgeConfig, token: string, options: OpenOptions = {}): Promise<Forge> {
  return provider(config).open(config, token, options);
}

/** True for what is worth another attempt: no answer at all, or a 5xx. A 4xx never changes by retrying. */
export function isTransient(status: number | undefined): boolean {
  return status === undefined || status >= 500;
}

/**
 * Runs `request`, retrying transient failures (network errors, 5xx) with bounded exponential
 * backoff and saying what it does; anything else, or the last failure, is thrown as it came.
 */
export async function withRetries<T>(doing: string, request: () => Promise<T>, statusOf: (error: unknown) => number | undefined, options: OpenOptions & { forge: string; attempts?: number } ): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.retryBaseMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const status = statusOf(error);
      if (attempt >= attempts || !isTransient(status)) throw error;
      const waitMs = Math.min(base * 2 ** (attempt - 1), 8000);
      options.onRetry?.(`${options.forge}: ${doing}: ${status === undefined ? `no answer (${networkDetail(error)})` : `answered ${status}`}; retrying in ${waitMs < 1000 ? `${waitMs} ms` : `${waitMs / 1000} s`} (attempt ${attempt + 1} of ${attempts})`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** What an adapter knows about a failed request, turned into a message for people. */
export interface ForgeFailure {
  traits: ForgeTraits;
  /** What was being done: "creating the pull request for recipe/promote-prod". */
  doing: string;
  apiUrl: string;
  project: string;
  /** HTTP status; undefined when the server could not be reached. */
  status?: number;
  detail: string;
  /** How many times the request was sent. */
  attempts?: number;
}

export function forgeError(failure: ForgeFailure, cause: unknown): RecipeError {
  const { traits, doing, apiUrl, project, status, attempts } = failure;
  const { name, tokenVariable, noun, sigil } = traits;
  // "401 Unauthorized" from GitLab already names the status: say it once.
  const detail = status !== undefined ? failure.detail.replace(new RegExp(`^${status}\\s*`), '') : failure.detail;
  const tried = attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const what = status === undefined ? `could not reach ${apiUrl}${tried}` : `${name} answered ${status}${detail ? ` ${detail}` : ''}${tried}`;
  const existing = /[#!](\d+)/.exec(failure.detail)?.[1];
  const hints: Record<number, string> = {
    401: `${tokenVariable} was refused: it is wrong, expired or revoked; set a valid token`,
    403: `the token behind ${tokenVariable} may not do this on ${project}: it needs ${traits.tokenNeeds}`,
    404: `${project} was not found at ${apiUrl}, or the token cannot see it: check repository.forge.project and apiUrl in environments.yaml`,
    409: existing ? `${noun} ${sigil}${existing} is already open for this branch: look at it, then run the command again to update it` : `the forge reported a conflict: look at the open ${noun}s of the branch`,
    422: 'the forge rejected the request: check that the base branch exists (repository.baseBranch) and that the branch was pushed',
  };
  const hint =
    status === undefined
      ? `check repository.forge.apiUrl in environments.yaml and the network (${failure.detail})`
      : status >= 500
        ? `${name} is failing on its side (${status}): run the command again later; nothing on the forge was left half-done`
        : (hints[status] ?? `${name} refused it with ${status}: see its message above`);
  return new RecipeError(`${name}: ${doing} failed: ${what}`, { hint, cause });
}

/** The innermost error code of a network failure (ECONNREFUSED, ENOTFOUND, ...), else its message. */
export function networkDetail(error: unknown): string {
  let current: unknown = error;
  let message = '';
  for (let depth = 0; depth < 5 && current; depth++) {
    const { code, message: text, cause } = current as { code?: unknown; message?: string; cause?: unknown };
    if (typeof code === 'string') return code;
    message ||= text ?? '';
    current = cause;
  }
  return message || String(error);
}
