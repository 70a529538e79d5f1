// The git facts gates and lint judge snapshots by (model/provenance.ts): the first-parent history
// of each environment's recipe.yaml with what it ran at every revision, and the releases commits
// verifications name. One `git log` per environment walked and one `git cat-file --batch` for all
// contents, however long the history or many the snapshots.
import { execFile } from 'node:child_process';
import { RecipeError } from '../model/errors.ts';
import { recipeCombination, type GitFacts, type RecipeRevision, type ReleasesCommit } from '../model/provenance.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { git } from './git.ts';
import { recipePath } from './releases.ts';

export interface GitFactsInput {
  /** The commit whose first-parent history is walked (the base branch's tip). */
  base: string;
  baseBranch: string;
  /** Environments whose recipe history is walked (a promotion's `from`). */
  environments: readonly string[];
  /** Snapshots whose verifications' releases commits are looked up. */
  snapshots: readonly Snapshot[];
}

const FIELD = '\x1f';

export async function readGitFacts(cwd: string, input: GitFactsInput): Promise<GitFacts> {
  const walks = await Promise.all(
    input.environments.map(async (environment) => {
      const out = await git(cwd, ['log', '--first-parent', `--format=%H${FIELD}%ct`, input.base, '--', recipePath(environment)]);
      const revisions = out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [commit = '', time = '0'] = line.split(FIELD);
          return { commit, time: Number(time) * 1000 };
        });
      return { environment, revisions };
    }),
  );
  const verifications = input.snapshots.flatMap((snapshot) => snapshot.verifications);
  const requests = new Set<string>();
  for (const { environment, revisions } of walks) for (const { commit } of revisions) requests.add(`${commit}:${recipePath(environment)}`);
  for (const v of verifications) {
    requests.add(v.recipeCommit);
    requests.add(`${v.recipeCommit}:${recipePath(v.environment)}`);
  }
  const objects = await catFileBatch(cwd, [...requests]);

  const histories: Record<string, RecipeRevision[]> = {};
  for (const { environment, revisions } of walks) {
    histories[environment] = revisions.map(({ commit, time }) => {
      const text = objects.get(`${commit}:${recipePath(environment)}`);
      const services = text?.type === 'blob' ? recipeCombination(text.content.toString('utf8')) : undefined;
      return services === undefined ? { commit, time } : { commit, time, services };
    });
  }
  const commits: Record<string, ReleasesCommit> = {};
  for (const v of verifications) {
    const object = objects.get(v.recipeCommit);
    if (object?.type !== 'commit') continue;
    const committer = /^committer .* (\d+) [+-]\d{4}$/m.exec(object.content.toString('utf8'));
    const entry = (commits[v.recipeCommit] ??= { time: Number(committer?.[1] ?? 0) * 1000, recipes: {} });
    const recipe = objects.get(`${v.recipeCommit}:${recipePath(v.environment)}`);
    entry.recipes[v.environment] = recipe?.type === 'blob' ? recipeCombination(recipe.content.toString('utf8')) : undefined;
  }
  return { baseBranch: input.baseBranch, histories, commits };
}

interface GitObject {
  type: string;
  content: Buffer;
}

/** `git cat-file --batch` over the requests: request -> object, absent when git says missing. */
function catFileBatch(cwd: string, requests: readonly string[]): Promise<Map<string, GitObject>> {
  if (requests.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['-C', cwd, 'cat-file', '--batch'], { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) {
        reject(new RecipeError(`git cat-file failed: ${stderr.toString('utf8').trim() || error.message}`, { hint: `run "git cat-file --batch" in ${cwd} to see why` }));
        return;
      }
      const objects = new Map<string, GitObject>();
      let offset = 0;
      for (const request of requests) {
        const end = stdout.indexOf(0x0a, offset);
        if (end === -1) break;
        const header = stdout.subarray(offset, end).toString('utf8');
        offset = end + 1;
        const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!match) continue; // "<request> missing" or "ambiguous": nothing follows
        const size = Number(match[2]);
        objects.set(request, { type: match[1]!, content: stdout.subarray(offset, offset + size) });
        offset += size + 1;
      }
      resolve(objects);
    });
    child.stdin?.end(`${requests.join('\n')}\n`);
  });
}
