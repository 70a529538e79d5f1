// Temporary git repositories for tests: a working clone on main with a bare `origin`, real git.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempRepo {
  root: string;
  remote: string;
  git(args: string[]): string;
  /** Writes files (path -> content) relative to the root. */
  write(files: Record<string, string>): void;
  /** Writes the files, commits them all with `message`, returns the full SHA. */
  commit(message: string, files: Record<string, string>): string;
  cleanup(): void;
}

export const gitIdentity = {
  GIT_AUTHOR_NAME: 'CI Test',
  GIT_AUTHOR_EMAIL: 'ci-test@example.test',
  GIT_COMMITTER_NAME: 'CI Test',
  GIT_COMMITTER_EMAIL: 'ci-test@example.test',
};

export function tempRepo(prefix = 'ci-repo-'): TempRepo {
  const base = mkdtempSync(join(tmpdir(), prefix));
  const root = join(base, 'work');
  const remote = join(base, 'remote.git');
  const env = { ...process.env, ...gitIdentity, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const run = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  mkdirSync(root);
  run(base, ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  run(root, ['init', '--quiet', '--initial-branch=main']);
  run(root, ['remote', 'add', 'origin', remote]);
  const repo: TempRepo = {
    root,
    remote,
    git: (args) => run(root, args),
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
    },
    commit(message, files) {
      repo.write(files);
      run(root, ['add', '--all']);
      run(root, ['commit', '--quiet', '--allow-empty', '-m', message]);
      return run(root, ['rev-parse', 'HEAD']);
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  return repo;
}
