import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createRegistry, httpMetrics } from './metrics.ts';

async function appWithMetrics() {
  const registry = createRegistry();
  const app = Fastify();
  await app.register(httpMetrics, { registry, help: 'request durations', buckets: [0.1, 1] });
  app.get('/items/:id', async () => ({ ok: true }));
  app.get('/probe', { config: { metrics: false } }, async () => ({ ok: true }));
  return { app, registry };
}

describe('httpMetrics', () => {
  it('times requests by route pattern, never the raw URL, with unknown paths as one route', async () => {
    const { app, registry } = await appWithMetrics();
    await app.inject('/items/1');
    await app.inject('/items/2');
    await app.inject('/nowhere');
    const text = await registry.metrics();
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/items/:id",status_code="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('leaves out a route whose config says metrics: false', async () => {
    const { app, registry } = await appWithMetrics();
    await app.inject('/probe');
    expect(await registry.metrics()).not.toContain('route="/probe"');
  });
});
