// Every Dockerfile in the repository passes the linter, and each deployable's Dockerfile takes the
// build arguments the container target passes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintDockerfile } from './dockerfile-lint.ts';
import { repoRoot, workspaceProjects } from './test-support/workspace.ts';

// Tracked and not-yet-committed Dockerfiles alike, so a new one is checked before its first commit.
const dockerfiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*Dockerfile*', '*.dockerfile'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path && !path.endsWith('.dockerignore'))
  .sort();

describe('lintDockerfile', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ci-dockerfile-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports an unknown instruction, an untagged base image, a second CMD and a root final stage', () => {
    const path = join(scratch, 'Dockerfile');
    writeFileSync(path, 'FROM node\nCOPY . .\nCMD ["node", "a.js"]\nCMD ["node", "b.js"]\nEXPOSE 3000/tcpx\nRUNN echo hi\n');
    const rules = lintDockerfile(readFileSync(path, 'utf8')).map((problem) => problem.rule);
    expect(rules).toEqual(expect.arrayContaining(['dockerfile-utils', 'pinned-base-image', 'non-root-user']));
    expect(rules.filter((rule) => rule === 'dockerfile-utils').length).toBeGreaterThanOrEqual(2);
  });

  it('accepts a multi-stage, non-root Dockerfile with pinned bases', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:24-bookworm-slim AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN --mount=type=cache,target=/root/.npm npm ci',
      'FROM node:24-bookworm-slim',
      'ARG VERSION',
      'ARG GIT_COMMIT',
      'ENV APP_VERSION=${VERSION} GIT_COMMIT=${GIT_COMMIT}',
      'COPY --from=build --chown=node:node /app /app',
      'USER node',
      'CMD ["node", "/app/server.js"]',
      '',
    ].join('\n');
    expect(lintDockerfile(text)).toEqual([]);
  });
});

describe.each(dockerfiles)('%s', (path) => {
  it('passes the Dockerfile linter', () => {
    const problems = lintDockerfile(readFileSync(join(repoRoot, path), 'utf8')).map((p) => `${path}:${p.line} ${p.rule}: ${p.message}`);
    expect(problems).toEqual([]);
  });
});

describe('deployables', () => {
  const deployables = [...workspaceProjects().entries()].filter(([, project]) => project.targets.includes('container'));

  it('are the projects with a container target, records and web among them', () => {
    expect(deployables.map(([name]) => name)).toEqual(expect.arrayContaining(['records', 'web']));
  });

  it.each(deployables)('%s has a Dockerfile that declares ARG VERSION and ARG GIT_COMMIT', (_name, project) => {
    const text = readFileSync(join(repoRoot, project.root, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG VERSION\b/m);
    expect(text).toMatch(/^ARG GIT_COMMIT\b/m);
  });
});
