// The forge behind one small interface: open or update the pull request of a branch. Adapters
// (forge-github.ts, forge-gitlab.ts) depend on this module and register themselves, as kargo's
// gitprovider does; this module never imports them. forges.ts loads the ones this package ships.
import type { Repository } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';

/** `repository.forge` in environments.yaml (its schema is the source): type, apiUrl (default: the public service; GitLab with or without `/api/v4`), project (owner/repo or group/project). */
export type ForgeConfig = NonNullable<Repository['forge']>;
export type ForgeType = ForgeConfig['type'];

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
  /** Opens the pull request for `head`, or updates the open one: one open pull request per branch. */
  upsertPullRequest(request: PullRequestRequest): Promise<PullRequestResult>;
}

/** What an adapter registers under its `repository.forge.type`. */
export interface ForgeProvider {
  /** "GitHub" or "GitLab", for messages. */
  name: string;
  /** The environment variable that holds the token. */
  tokenVariable: string;
  /** Builds the client; may import its library lazily so that loading the adapter stays cheap. */
  open(config: ForgeConfig, token: string): Promise<Forge>;
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

/** The token for the forge, or a RecipeError naming the variable to set. */
export function forgeToken(config: ForgeConfig, env: NodeJS.ProcessEnv): string {
  const { name, tokenVariable } = provider(config);
  const token = env[tokenVariable];
  if (!token) {
    throw new RecipeError(`${tokenVariable} is not set: a token is needed to open the pull request on ${name}`, {
      hint: `export ${tokenVariable}=<a token allowed to open pull requests on ${config.project}>, or pass --no-push to commit locally only`,
    });
  }
  return token;
}

export async function openForge(config: ForgeConfig, token: string): Promise<Forge> {
  return provider(config).open(config, token);
}

/** What an adapter knows about a failed request, turned into a message for people. */
export interface ForgeFailure {
  forge: string;
  /** What was being done: "creating the pull request for recipe/promote-prod". */
  doing: string;
  apiUrl: string;
  project: string;
  tokenVariable: string;
  /** HTTP status; undefined when the server could not be reached. */
  status?: number;
  detail: string;
}

export function forgeError(failure: ForgeFailure, cause: unknown): RecipeError {
  const { forge, doing, apiUrl, project, tokenVariable, status, detail } = failure;
  const what = status === undefined ? `could not reach ${apiUrl}` : `${status} ${detail}`;
  const hints: Record<number, string> = {
    401: `${tokenVariable} was refused: it is wrong, expired or revoked; set a valid token`,
    403: `the token behind ${tokenVariable} may not do this on ${project}: it needs write access to pull requests (and issues, for labels)`,
    404: `${project} was not found at ${apiUrl}, or the token cannot see it: check repository.forge.project and apiUrl in environments.yaml`,
    409: 'the forge reported a conflict: look at the open pull requests of the branch',
    422: 'the forge rejected the request: check that the base branch exists (repository.baseBranch) and that the branch was pushed',
  };
  const hint = status === undefined ? `check repository.forge.apiUrl in environments.yaml and the network (${detail})` : (hints[status] ?? `the forge answered ${status}: retry later`);
  return new RecipeError(`${forge}: ${doing} failed: ${what}`, { hint, cause });
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
