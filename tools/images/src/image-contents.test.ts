// What a platform team checks on an image before it may run: who it runs as, what its labels
// say, and what it must not carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from './docker.ts';
import { imageFiles, type ImageFile } from './contents.ts';
import { stackImagesFromEnv } from './stack.ts';

const images = stackImagesFromEnv();
const commit = process.env.IMAGES_COMMIT;

describe.each([
  ['records', images.records],
  ['web', images.web],
])('the %s image', (project, image) => {
  let files: ImageFile[];
  let config: { User: string; Labels: Record<string, string>; Env: string[] };
  beforeAll(async () => {
    files = await imageFiles(image);
    config = JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', image])) as typeof config;
  });
  afterAll(() => {
    files = [];
  });

  it('runs as uid and gid 1000, by number, so runAsNonRoot can verify it', () => {
    expect(config.User).toBe('1000:1000');
  });

  it('carries the commit, version, source and creation time in its OCI labels', () => {
    expect(config.Labels).toMatchObject({ 'org.opencontainers.image.title': project, 'org.opencontainers.image.revision': commit });
    expect(config.Labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    expect(config.Labels['org.opencontainers.image.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(new Date(config.Labels['org.opencontainers.image.created'] ?? '').getTime()).toBeGreaterThan(Date.now() - 24 * 3600_000);
    expect(config.Env).toContain(`GIT_COMMIT=${commit}`);
  });

  it('says production unless the environment names itself', () => {
    expect(config.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'APP_ENV=production']));
  });

  it('holds no tests, benchmarks, source maps, TypeScript sources or type declarations', () => {
    // Workspace libraries (libs/*/src) run as TypeScript sources, which Node strips: those may be .ts, never tests.
    const runtimeSource = (path: string) => /^\/app\/libs\/[^/]+\/src\/.+\.ts$/.test(path);
    const offending = files.filter((file) => file.path.startsWith('/app/') && (/\.(test|spec|bench)\.[cm]?[jt]s$|\/(test|tests|__tests__|benchmarks)\/|\.map$/.test(file.path) || (/\.[cm]?ts$/.test(file.path) && !runtimeSource(file.path))));
    expect(offending.map((file) => file.path)).toEqual([]);
  });

  it('holds no .git, .env files, npm tokens or private keys anywhere', () => {
    const offending = files.filter((file) => /\/(\.git|\.env(\..+)?|\.npmrc|id_rsa|id_ed25519|[^/]+\.pem|[^/]+\.key)$/.test(file.path) && !file.path.startsWith('/etc/ssl/') && !file.path.startsWith('/usr/share/ca-certificates/'));
    expect(offending.map((file) => file.path)).toEqual([]);
    expect(config.Env.filter((entry) => /(PASSWORD|TOKEN|SECRET|KEY)=/i.test(entry))).toEqual([]);
  });

  it('holds its own compiled code and the workspace libraries, no other project', () => {
    const appFolders = new Set(files.filter((file) => file.path.startsWith('/app/') && file.path.split('/').length === 4).map((file) => file.path.split('/').slice(0, 3).join('/')));
    expect([...appFolders].filter((folder) => !folder.startsWith('/app/node_modules')).sort()).toEqual([project === 'records' ? '/app/services' : '/app/apps', '/app/libs'].sort());
    expect(files.some((file) => file.path.endsWith('/dist/server.js'))).toBe(true);
  });
});

describe('the records image', () => {
  it("keeps better-sqlite3's binary for its own platform only, without its C sources", async () => {
    const files = (await imageFiles(images.records)).filter((file) => file.type === 'file' && file.path.startsWith('/app/node_modules/better-sqlite3/'));
    expect(files.filter((file) => file.path.endsWith('.node')).map((file) => file.path)).toEqual([`/app/node_modules/better-sqlite3/prebuilds/linux-${process.arch}.node`]);
    expect(files.filter((file) => /\.(c|cc|cpp|h|hpp)$|\/deps\//.test(file.path))).toEqual([]);
  });
});
