// `npm test` without a database: the database suites stop, and the last lines of the whole run say
// how to give them one (not a line in the middle of the other projects' output).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

describe('npm test (scripts/run-tests.ts)', () => {
  it('ends with the DATABASE_URL message when no database server can be had', () => {
    // No DATABASE_URL, and a Docker endpoint that cannot answer: the records suite has no server.
    const { DATABASE_URL: _database, ...inherited } = process.env;
    const run = spawnSync('npm', ['test', '--', '-t', 'test', '-p', 'records', '--skip-nx-cache'], {
      cwd: repoRoot,
      env: { ...inherited, DOCKER_HOST: 'unix:///nonexistent/docker.sock', NX_DAEMON: 'false', NX_TUI: 'false', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).not.toBe(0);
    const lastLines = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-2);
    expect(lastLines[0]).toBe('npm test: the database suites did not run:');
    expect(lastLines[1]).toMatch(/^ {2}DATABASE_URL is not set and no MySQL container (\([^)]*\) )?could be started .*set DATABASE_URL \(e\.g\. DATABASE_URL=mysql:\/\//);
  });
});
