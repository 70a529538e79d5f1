// The note upsert against a loopback server that answers GitLab's merge request notes endpoints
// with their real shapes (list paginated by page/per_page, create, update).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER, upsertNote } from './merge-request-note.ts';

interface Note {
  id: number;
  body: string;
  author: { username: string };
  system: boolean;
}

const notes: Note[] = [];
const requests: string[] = [];
let server: Server;
let api: string;

beforeAll(async () => {
  for (let i = 1; i <= 120; i++) notes.push({ id: i, body: `a review comment ${i}`, author: { username: 'jane' }, system: false });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers['private-token'] !== 'glpat-test') return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"401 Unauthorized"}');
    const base = '/api/v4/projects/acme%2Fplatform/merge_requests/7/notes';
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.method === 'GET' && url.pathname === base) {
        const perPage = Number(url.searchParams.get('per_page') ?? 20);
        const page = Number(url.searchParams.get('page') ?? 1);
        return json(200, notes.slice((page - 1) * perPage, page * perPage));
      }
      if (req.method === 'POST' && url.pathname === base) {
        const note = { id: notes.length + 1, body: (JSON.parse(body) as { body: string }).body, author: { username: 'ci' }, system: false };
        notes.push(note);
        return json(201, note);
      }
      const match = new RegExp(`^${base}/(\\d+)$`).exec(url.pathname);
      const note = match && notes.find((n) => n.id === Number(match[1]));
      if (req.method === 'PUT' && note) {
        note.body = (JSON.parse(body) as { body: string }).body;
        return json(200, note);
      }
      json(404, { message: '404 Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ({ api, project: 'acme/platform', mergeRequest: '7', token: 'glpat-test' });

describe('upsertNote', () => {
  it('creates the marked note once, after reading every page of notes', async () => {
    expect(await upsertNote(target(), 'first diff')).toEqual({ id: 121, action: 'created' });
    expect(notes.at(-1)?.body).toBe(`${MARKER}\nfirst diff`);
    expect(requests.filter((r) => r.startsWith('GET'))).toHaveLength(2);
  });

  it('updates that same note on the next pipeline', async () => {
    expect(await upsertNote(target(), 'second diff')).toEqual({ id: 121, action: 'updated' });
    expect(notes.filter((note) => note.body.startsWith(MARKER))).toEqual([expect.objectContaining({ id: 121, body: `${MARKER}\nsecond diff` })]);
  });

  it('says what GitLab answered when the token is refused', async () => {
    await expect(upsertNote({ ...target(), token: 'wrong' }, 'x')).rejects.toThrow(/401 Unauthorized/);
  });
});
