// What recipe accepts as a git revision from people (`recipe diff prod@<rev>`, `rollback --to`):
// a small grammar checked before anything reaches git, so an argument can never be read as a
// git option (`--output=<file>`) or smuggle a path (`rev:path`), a range or a pathspec.
import { RecipeError } from './errors.ts';

/** One ref name component: git's own rules, narrowed to the characters refs really use. */
const COMPONENT = String.raw`[A-Za-z0-9_+][A-Za-z0-9_.+-]*`;
/** `~N`, `^N`, `^{commit}`, `@{N}`, `@{-N}`, `@{upstream}`, `@{yesterday}`, `@{1.week.ago}`. */
const SUFFIX = String.raw`~\d*|\^\d*|\^\{(?:commit)?\}|@\{-?[A-Za-z0-9][A-Za-z0-9 .,+-]*\}`;
const REVISION = new RegExp(String.raw`^(?:(?:@|${COMPONENT}(?:/${COMPONENT})*)(?:${SUFFIX})*|@\{-?\d+\}(?:${SUFFIX})*)$`);
const MAX_LENGTH = 256;

export const REVISION_GRAMMAR = 'a commit SHA, HEAD, a branch or tag (e.g. main, origin/main, v1.2.0), optionally followed by ~N, ^N or @{...}';

/** Whether `revision` is in the grammar: never starts with "-", no ":", "..", spaces outside @{...}, or control characters. */
export function isRevision(revision: string): boolean {
  return revision.length > 0 && revision.length <= MAX_LENGTH && REVISION.test(revision) && !revision.includes('..') && !/\.lock(?:[/~^@]|$)/.test(revision);
}

/** `revision` itself, or a RecipeError (exit 2) naming where it came from and what a revision may be. */
export function checkRevision(revision: string, where: string): string {
  if (isRevision(revision)) return revision;
  throw new RecipeError(`${where}: ${JSON.stringify(revision)} is not a git revision recipe accepts`, {
    exitCode: 2,
    hint: `give ${REVISION_GRAMMAR}`,
  });
}

/** A full commit SHA as git prints it (SHA-1 or SHA-256). */
export function isFullCommit(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}
