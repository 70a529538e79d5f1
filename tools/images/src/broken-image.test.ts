// A broken image must fail the run with the container's own words: here a web image whose final
// stage lost a file, built from the real Dockerfile with one line added.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildDeployable, deployables, repositoryRoot } from './build.ts';
import { docker } from './docker.ts';
import { startStack, stackImagesFromEnv } from './stack.ts';

const images = stackImagesFromEnv();
const scratch = mkdtempSync(join(tmpdir(), 'images-broken-'));
let brokenImage: string | undefined;
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (brokenImage) docker(['rmi', '--force', brokenImage]);
});

it('a web image missing a module of its final stage fails the stack start, showing the container error', async () => {
  const dockerfile = readFileSync(join(repositoryRoot, 'apps/web/Dockerfile'), 'utf8');
  // Before USER: the file is root-owned. Every layer above comes from the real build's cache.
  const broken = dockerfile.replace(/^USER /m, 'RUN rm dist/views/page.js\nUSER ');
  expect(broken).not.toBe(dockerfile);
  writeFileSync(join(scratch, 'Dockerfile'), broken);
  const built = await buildDeployable(deployables.find((each) => each.project === 'web')!, { dockerfile: join(scratch, 'Dockerfile'), repository: 'platform-images/broken-web' });
  brokenImage = built.image;
  const started = startStack({ ...images, web: built.image }, { name: 'broken' });
  await expect(started).rejects.toThrow(/platform-images-broken-web-\S+ exited \(code 1\) before http:\/\/127\.0\.0\.1:\d+\/readyz answered; its output:\n[\s\S]*ERR_MODULE_NOT_FOUND[\s\S]*views\/page\.js/);
});
