// The download route of scripts/install-helm.ts (macOS and linux-arm64), against a loopback server that serves
// a release tarball laid out as helm's are (<os>-<arch>/helm): the pinned sha256 decides, nothing else.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHelmRelease } from './install-helm.ts';

let server: Server;
let baseUrl: string;
let tarball: Buffer;
let pinned: string;

beforeAll(async () => {
  const layout = join(tmpdir(), 'helm-release');
  mkdirSync(join(layout, 'test-os'), { recursive: true });
  writeFileSync(join(layout, 'test-os', 'helm'), '#!/bin/sh\necho v4.1.4\n', { mode: 0o755 });
  expect(spawnSync('tar', ['-czf', join(layout, 'release.tar.gz'), '-C', layout, 'test-os/helm']).status).toBe(0);
  tarball = readFileSync(join(layout, 'release.tar.gz'));
  pinned = createHash('sha256').update(tarball).digest('hex');
  server = createServer((request, response) => {
    if (request.url === '/helm-v4.1.4-test-os.tar.gz') response.end(tarball);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchHelmRelease', () => {
  it('installs the helm binary of a tarball whose sha256 is the pinned one, executable', async () => {
    const target = join(tmpdir(), 'good', 'helm');
    await fetchHelmRelease({ baseUrl, platform: 'test-os', sha256: pinned, target });
    expect(spawnSync(target, [], { encoding: 'utf8' }).stdout).toBe('v4.1.4\n');
    expect(statSync(target).mode & 0o111).not.toBe(0);
  });

  it('refuses a tarball whose sha256 differs, naming the URL and both digests, and writes nothing', async () => {
    const target = join(tmpdir(), 'tampered', 'helm');
    const wrong = '0'.repeat(64);
    await expect(fetchHelmRelease({ baseUrl, platform: 'test-os', sha256: wrong, target })).rejects.toThrow(
      `${baseUrl}/helm-v4.1.4-test-os.tar.gz has sha256 ${pinned}, but scripts/install-helm.ts pins ${wrong}; refusing to use it`,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('says which URL failed when the server has no such release', async () => {
    await expect(fetchHelmRelease({ baseUrl, platform: 'other-os', sha256: pinned, target: join(tmpdir(), 'missing', 'helm') })).rejects.toThrow(
      `${baseUrl}/helm-v4.1.4-other-os.tar.gz answered 404`,
    );
  });
});
