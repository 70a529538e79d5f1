// Runs the terraform binary offline: no prompts, no update checks, a throwaway CLI config and plugin cache.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TERRAFORM_INSTALL_HINT = [
  'terraform (>= 1.10) is not on PATH, so `terraform fmt`, `validate` and `test` cannot run.',
  'Install it from https://developer.hashicorp.com/terraform/install (HashiCorp apt/yum repository, Homebrew',
  '`hashicorp/tap/terraform`, or the zip), or set TERRAFORM_BIN to the binary.',
].join('\n');

export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.TERRAFORM_BIN
    ? [env.TERRAFORM_BIN]
    : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'terraform'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface TerraformResult {
  code: number;
  output: string;
}

export interface TerraformSandbox {
  /** Temporary folder holding the copy and terraform's own files. */
  root: string;
  run(args: readonly string[], cwd: string, timeoutMs?: number): Promise<TerraformResult>;
}

/** A temporary home for terraform runs, so `.terraform/` and lock files never land in the source tree. */
export async function createSandbox(terraform: string): Promise<TerraformSandbox> {
  const root = await mkdtemp(path.join(tmpdir(), 'infra-terraform-'));
  const pluginCache = path.join(root, '.plugin-cache');
  const cliConfig = path.join(root, '.terraformrc');
  await mkdir(pluginCache);
  await writeFile(cliConfig, '');
  // A caller's TF_DATA_DIR would move .terraform/ out of the copy and share it between runs.
  const { TF_DATA_DIR: _dataDir, ...inherited } = process.env;
  const env = {
    ...inherited,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_PLUGIN_CACHE_DIR: pluginCache,
  };
  return {
    root,
    run(args, cwd, timeoutMs = 45_000) {
      return new Promise((resolve) => {
        execFile(terraform, [...args], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          const timedOut = error !== null && error.killed ? `\n(terraform ${args.join(' ')} was stopped after ${timeoutMs} ms)` : '';
          resolve({ code, output: `${stdout}${stderr}${timedOut}` });
        });
      });
    },
  };
}

/** Copies a folder into the sandbox, leaving out terraform's working files. */
export async function copyInto(sandbox: TerraformSandbox, source: string, name: string): Promise<string> {
  const target = path.join(sandbox.root, name);
  await cp(source, target, {
    recursive: true,
    filter: (file) => !file.split(path.sep).includes('.terraform') && !file.endsWith('.terraform.lock.hcl'),
  });
  return target;
}
