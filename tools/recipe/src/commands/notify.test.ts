import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

interface Received {
  path: string;
  body: unknown;
}

let repo: FixtureRepo;
let server: Server;
let base: string;
let received: Received[] = [];
// path -> how the receiver answers it
const behaviour: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.writeHead(200).end('ok'),
  '/broken': (_req, res) => res.writeHead(500).end('down'),
  '/hang': () => undefined,
};

beforeAll(async () => {
  repo = createFixtureRepo();
  const file = path.join(repo.root, 'releases/environments.yaml');
  const text = readFileSync(file, 'utf8').replace(
    '      evidence: [e2e]\n',
    '      evidence: [e2e]\n    notify:\n      - urlFrom: PROD_SLACK_WEBHOOK\n      - urlFrom: PROD_JSON_WEBHOOK\n        format: json\n        events: [failed]\n',
  );
  writeFileSync(file, text);
  repo.git(['commit', '-q', '-am', 'chore(releases): notify prod']);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      (behaviour[req.url ?? ''] ?? behaviour['/ok']!)(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  repo.cleanup();
});

beforeEach(() => {
  received = [];
});

describe('recipe notify', () => {
  test('sends one Slack-compatible call per event to each webhook that hears it, with the services and the link', async () => {
    const run = await runRecipe(repo.root, ['notify', 'prod', '--event', 'started', '--stage', 'promotion', '--link', 'https://example.test/acme/platform/pull/7'], { PROD_SLACK_WEBHOOK: `${base}/ok`, PROD_JSON_WEBHOOK: `${base}/ok` });
    expect(run.code).toBe(0);
    expect(received).toHaveLength(1);
    const body = received[0]!.body as { text: string; blocks: { text: { text: string } }[] };
    expect(body.text).toBe('promotion of prod started');
    expect(body.blocks[0]!.text.text).toContain('<https://example.test/acme/platform/pull/7|follow it>');
    expect(body.blocks[1]!.text.text).toContain(`records \`${repo.commits.records[0]!.slice(0, 7)}\` 1.0.0`);
    expect(run.stdout).toContain('notified PROD_SLACK_WEBHOOK (slack): HTTP 200');
    // The URL is a secret: it is never printed.
    expect(run.stdout + run.stderr).not.toContain(base);
  });

  test('a failure reaches the generic JSON webhook too, with the message', async () => {
    const run = await runRecipe(repo.root, ['notify', 'prod', '--event', 'failed', '--stage', 'post-deploy', '--message', 'smoke: records API did not answer'], { PROD_SLACK_WEBHOOK: `${base}/ok`, PROD_JSON_WEBHOOK: `${base}/json` });
    expect(run.code).toBe(0);
    expect(received.map((r) => r.path).sort()).toEqual(['/json', '/ok']);
    const json = received.find((r) => r.path === '/json')!.body as Record<string, unknown>;
    expect(json).toMatchObject({ event: 'failed', environment: 'prod', stage: 'post-deploy', message: 'smoke: records API did not answer', link: null });
    expect((json.services as { service: string }[]).map((s) => s.service)).toEqual(['records', 'web']);
  });

  test('a receiver that fails or hangs is reported and never fails or stalls the step', async () => {
    const started = Date.now();
    const run = await runRecipe(repo.root, ['notify', 'prod', '--event', 'failed', '--timeout', '1s'], { PROD_SLACK_WEBHOOK: `${base}/broken`, PROD_JSON_WEBHOOK: `${base}/hang` });
    const elapsed = Date.now() - started;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('PROD_SLACK_WEBHOOK (slack) was not notified: HTTP 500; the release goes on');
    expect(run.stderr).toContain('PROD_JSON_WEBHOOK (json) was not notified: timed out after 1000 ms; the release goes on');
    // Bounded by the deadline (1 s), not by the receiver: generous margin for a loaded machine.
    expect(elapsed).toBeLessThan(10_000);
    expect(received).toHaveLength(2);
  });

  test('a webhook whose secret is not set is reported with what to do', async () => {
    const run = await runRecipe(repo.root, ['notify', 'prod', '--event', 'succeeded'], { PROD_SLACK_WEBHOOK: undefined });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("PROD_SLACK_WEBHOOK is not set: give it the webhook URL from your CI's secret store");
    expect(received).toHaveLength(0);
  });

  test('bad usage exits 2 and sends nothing', async () => {
    const run = await runRecipe(repo.root, ['notify', 'prod', '--event', 'finished'], { PROD_SLACK_WEBHOOK: `${base}/ok` });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--event "finished" is not an event');
    expect(received).toHaveLength(0);
  });

  test('a URL written into environments.yaml instead of a secret name is refused by the schema', async () => {
    const file = path.join(repo.root, 'releases/environments.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('- urlFrom: PROD_SLACK_WEBHOOK', '- urlFrom: https://hooks.slack.com/services/T000/B000/XXXX'));
    try {
      const run = await runRecipe(repo.root, ['lint']);
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/environments\.yaml:\d+/);
      expect(run.stdout + run.stderr).toContain('urlFrom');
    } finally {
      writeFileSync(file, before);
    }
  });
});
