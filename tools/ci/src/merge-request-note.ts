// Posts one note on the current GitLab merge request and, on later pipelines, updates that same
// note in place: it is found by a hidden marker at the start of its body.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const MARKER = '<!-- recipe-diff -->';

export interface NoteTarget {
  /** GitLab API v4 base, e.g. https://gitlab.com/api/v4 (CI_API_V4_URL). */
  api: string;
  /** Project id or URL-encoded path (CI_PROJECT_ID). */
  project: string;
  /** Merge request iid (CI_MERGE_REQUEST_IID). */
  mergeRequest: string;
  token: string;
}

interface Note {
  id: number;
  body: string;
}

async function request(target: NoteTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.api.replace(/\/$/, '')}${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': target.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`GitLab answered ${response.status} ${response.statusText} to ${method} ${path}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

/** Creates the marked note, or updates the one already there; returns its id and what was done. */
export async function upsertNote(target: NoteTarget, text: string, marker = MARKER): Promise<{ id: number; action: 'created' | 'updated' }> {
  const base = `/projects/${encodeURIComponent(target.project)}/merge_requests/${target.mergeRequest}/notes`;
  const body = `${marker}\n${text}`;
  for (let page = 1; ; page++) {
    const notes = (await request(target, 'GET', `${base}?per_page=100&page=${page}&sort=asc`)) as Note[];
    const mine = notes.find((note) => note.body.startsWith(marker));
    if (mine) {
      await request(target, 'PUT', `${base}/${mine.id}`, { body });
      return { id: mine.id, action: 'updated' };
    }
    if (notes.length < 100) break;
  }
  const created = (await request(target, 'POST', base, { body })) as Note;
  return { id: created.id, action: 'created' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'body-file': { type: 'string' } } });
  const env = process.env;
  const missing = ['CI_API_V4_URL', 'CI_PROJECT_ID', 'CI_MERGE_REQUEST_IID', 'GITLAB_TOKEN'].filter((name) => !env[name]);
  if (!values['body-file'] || missing.length) {
    process.stderr.write(`Usage: node tools/ci/src/merge-request-note.ts --body-file <file> (in a merge request pipeline)${missing.length ? `\nmissing: ${missing.join(', ')}` : ''}\n`);
    process.exitCode = 2;
  } else {
    const target = { api: env.CI_API_V4_URL!, project: env.CI_PROJECT_ID!, mergeRequest: env.CI_MERGE_REQUEST_IID!, token: env.GITLAB_TOKEN! };
    upsertNote(target, readFileSync(values['body-file'], 'utf8')).then(
      ({ id, action }) => process.stdout.write(`note ${id} ${action}\n`),
      (error: unknown) => {
        process.stderr.write(`merge-request-note: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
