import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import { freePort } from './test-support/records-process.ts';

// The process around the app: configuration at boot and the order of a graceful shutdown.
const serverEntry = fileURLToPath(new URL('./server.ts', import.meta.url));

function runServer(env: Record<string, string>, onTestFinished: TestContext['onTestFinished']) {
  const child = spawn(process.execPath, [serverEntry], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, exited, output: () => output };
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const statusOf = (url: string) => fetch(url, { signal: AbortSignal.timeout(1_000) }).then((response) => response.status, () => 0);

describe('web behind its HTTP server', () => {
  it('cuts a form body that trickles in (a byte every 200 ms) at the request timeout with a 408', async () => {
    const { buildApp } = await import('./app.ts');
    const { loadConfig } = await import('./plugins/env.ts');
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', RECORDS_URL: 'http://127.0.0.1:9' }), fastify: { requestTimeout: 1_500 } });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const socket = net.connect((app.server.address() as net.AddressInfo).port, '127.0.0.1');
      const started = performance.now();
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.write('POST /records HTTP/1.1\r\nHost: web\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=');
      const timer = setInterval(() => socket.writable && socket.write('x'), 200);
      await new Promise((resolve) => socket.once('close', resolve));
      clearInterval(timer);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      // Node times only the headers: before, such a body lived past the 30 s request timeout by up to a minute.
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      await app.close();
    }
  });
});

describe.concurrent('web server process', () => {
  it('refuses to start with a bad variable, naming it on stderr', async ({ onTestFinished }) => {
    const server = runServer({ PORT: 'eighty', RECORDS_URL: 'not a url' }, onTestFinished);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('web: Invalid configuration:');
    expect(server.output()).toMatch(/PORT must be integer \(got "eighty"\)/);
    expect(server.output()).toMatch(/RECORDS_URL must match .*\(got "not a url"\)/);
  });

  it('refuses a RECORDS_URL with a password containing # in one line that does not show it', async ({ onTestFinished }) => {
    const server = runServer({ RECORDS_URL: 'http://web:Sup3r#Passw0rd@records:8080' }, onTestFinished);
    expect(await server.exited).toBe(1);
    expect(server.output().trim().split('\n')).toHaveLength(1);
    expect(server.output()).toMatch(/^web: Invalid configuration: RECORDS_URL .*\(got "http:\/\/web:\*\*\*@records:8080"\)/);
    expect(server.output()).not.toMatch(/Sup3r|Passw0rd/);
  });

  it('on SIGTERM turns readiness false, keeps serving for SHUTDOWN_DELAY_MS, then exits 0', async ({ onTestFinished }) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = runServer({ PORT: String(port), SHUTDOWN_DELAY_MS: '1500', RECORDS_URL: 'http://127.0.0.1:9' }, onTestFinished);
    await until(async () => (await statusOf(`${base}/readyz`)) === 200, 'web to become ready');

    server.child.kill('SIGTERM');
    await until(async () => (await statusOf(`${base}/readyz`)) === 503, '/readyz to answer 503');
    // Still draining: the page keeps answering while the load balancer catches up.
    expect(await statusOf(`${base}/`)).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('web is stopping: readiness false, draining');
    expect(server.output()).toContain('"msg":"closed"');
  });
});
