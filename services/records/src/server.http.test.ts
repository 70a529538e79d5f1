import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.ts';
import { httpServerOptions } from './http-timeouts.ts';
import { loadConfig } from './plugins/env.ts';

// The HTTP server as server.ts configures it (a shorter request timeout, so the test is quick), on a real socket.
const requestTimeoutMs = 1_500;
let app: App;
let port: number;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'records-http-'));
  app = await buildApp({ config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), server: httpServerOptions(requestTimeoutMs) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface RawExchange {
  /** What the server answered, as text. */
  answer: string;
  /** Body bytes the client managed to send before the server closed the connection. */
  bodyBytesSent: number;
  closedAfterMs: number;
}

/** Sends a request head, then feeds the body with `feed` until the server closes the connection. */
async function exchange(head: string, feed: (socket: net.Socket, sent: (bytes: number) => void) => void): Promise<RawExchange> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = performance.now();
  let answer = '';
  let bodyBytesSent = 0;
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(head);
  feed(socket, (bytes) => (bodyBytesSent += bytes));
  await new Promise((resolve) => socket.once('close', resolve));
  return { answer, bodyBytesSent, closedAfterMs: performance.now() - started };
}

describe('a body that trickles in (a byte every 200 ms)', () => {
  it('is cut at the request timeout with a 408, not minutes later', async () => {
    let timer: NodeJS.Timeout | undefined;
    const result = await exchange('POST /records HTTP/1.1\r\nHost: records\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', (socket, sent) => {
      timer = setInterval(() => {
        if (socket.writable) socket.write(' ', () => sent(1));
      }, 200);
    });
    clearInterval(timer);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    // Before, Node's own check let such a body live 85-90 s against a 30 s request timeout.
    expect(result.closedAfterMs).toBeLessThan(requestTimeoutMs + 1_500);
  });
});

describe('a 100 MB body sent chunked (no length) to an unknown route', () => {
  it('is not read past the body limit (1 MiB): the answer comes at once and the connection closes', async () => {
    const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 'x'), Buffer.from('\r\n')]);
    let chunks = 0;
    const result = await exchange('POST /no/such/route HTTP/1.1\r\nHost: records\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', (socket, sent) => {
      const pump = () => {
        while (socket.writable && chunks++ < 1600 && socket.write(chunk)) sent(64 * 1024);
        if (socket.writable && chunks < 1600) socket.once('drain', pump);
      };
      pump();
    });
    // fastify reads an unknown route's body up to its limit, then answers 413 instead of 404.
    expect(result.answer).toMatch(/^HTTP\/1\.1 (404|413) /);
    expect(result.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.bodyBytesSent).toBeLessThan(10 * 1024 * 1024);
  });
});

describe.each([
  ['404 (or 413, its length over the limit) for an unknown route', 'POST /no/such/route', 'application/json', /^HTTP\/1\.1 (404|413) /],
  ['415 for a content type it does not take', 'POST /records', 'application/xml', /^HTTP\/1\.1 415 /],
])('a 100 MB body sent with a request answered %s', (_case, requestLine, contentType, status) => {
  it('is not read: the answer comes at once and the connection closes', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const result = await exchange(`${requestLine} HTTP/1.1\r\nHost: records\r\nContent-Type: ${contentType}\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`, (socket, sent) => {
      const pump = () => {
        while (socket.writable && socket.write(chunk)) sent(chunk.length);
        if (socket.writable) socket.once('drain', pump);
      };
      pump();
    });
    expect(result.answer).toMatch(status);
    expect(result.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.bodyBytesSent).toBeLessThan(10 * 1024 * 1024);
  });
});
