import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const server = fileURLToPath(new URL('test-support/lifecycle-server.ts', import.meta.url));

describe('listen and closeGracefully', () => {
  it('logs one URL, and on SIGTERM is not ready during the delay, then closes and exits 0', async () => {
    const child = spawn(process.execPath, [server], { env: { ...process.env, SHUTDOWN_DELAY_MS: '1500' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    const deadline = Date.now() + 20_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /listening on (http:\/\/[^"\s]+)/.exec(output)?.[1];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url, output).toBeDefined();
    expect(output.match(/listening on/g)).toHaveLength(1);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Still listening during the delay, but no longer ready: the endpoints drop the pod first.
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM received');
    expect(output).toContain('"msg":"closed"');
  });
});
