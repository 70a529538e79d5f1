// Serves the git repositories under a folder over smart HTTP, read-only, through git's own
// `git http-backend` (CGI): what Flux's source-controller in a throwaway kind cluster clones when
// the commit under test exists nowhere else (a pull request's merge commit).
//   node tools/ci/src/git-http-server.ts --root <dir> [--port 0] [--host 0.0.0.0]
// prints "serving <dir> at http://<host>:<port>/" once listening, and runs until SIGTERM/SIGINT.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Clones and fetches only: a push is refused before git sees it. */
function isPush(url: URL): boolean {
  return url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
}

function handle(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if ((request.method !== 'GET' && request.method !== 'POST') || isPush(url) || url.pathname.includes('..')) {
    response.writeHead(403, { 'content-type': 'text/plain' }).end('read-only: clone and fetch only\n');
    return;
  }
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      REMOTE_ADDR: request.socket.remoteAddress ?? '',
      // git clients gzip their requests and negotiate the protocol version in this header.
      HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: (request.headers['git-protocol'] as string | undefined) ?? '',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  request.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    // CGI: header lines, a blank line, the body; "Status:" sets the HTTP status.
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    headersSent = true;
    response.write(head.subarray(end + 4));
  });
  let errors = '';
  backend.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  backend.on('error', (error) => {
    if (!headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`git http-backend failed: ${error.message}\n`);
  });
  backend.on('close', (code) => {
    if (!headersSent) response.writeHead(code === 0 ? 200 : 500, { 'content-type': 'text/plain' });
    response.end(headersSent ? undefined : errors);
  });
}

/** Starts serving every repository under `root`; resolves with the server and its base URL. */
export async function serveRepositories(root: string, { port = 0, host = '127.0.0.1' } = {}): Promise<{ server: Server; url: string }> {
  const folder = resolve(root);
  const server = createServer((request, response) => handle(folder, request, response));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/` };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
  if (!values.root) {
    process.stderr.write('usage: node tools/ci/src/git-http-server.ts --root <dir> [--port <n>] [--host <address>]\n');
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`git-http-server: --port must be a port number (got "${values.port}")\n`);
    return 2;
  }
  const { server, url } = await serveRepositories(values.root, { port, host: values.host });
  process.stdout.write(`serving ${resolve(values.root)} at ${url}\n`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => done()));
  });
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
