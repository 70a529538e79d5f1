import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, type App } from '../app.ts';
import { loadConfig } from '../plugins/env.ts';

/** An app built from a validated configuration, quiet unless a test asks otherwise. */
export async function buildTestApp(env: Record<string, string | undefined>): Promise<App> {
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', ...env }) });
  await app.ready();
  return app;
}

/** Polls /readyz through inject until it answers 200 (migrations run in the background once the app is ready). */
export async function untilAppReady(app: App, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await app.inject('/readyz');
    if (response.statusCode === 200) return;
    last = response.body;
    await sleep(25);
  }
  throw new Error(`app not ready after ${timeoutMs} ms: ${last}`);
}
