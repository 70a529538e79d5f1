// Runs the real CLI shell in-process against a repository (RECIPE_ROOT), capturing its output,
// or as a separate `node` process when a test needs real concurrency.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../cli.ts';

export interface RecipeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runRecipe(root: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RecipeRun> {
  const saved = { ...process.env };
  Object.assign(process.env, { RECIPE_ROOT: root, ...env });
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, { stdout: (t) => ((stdout += t), true), stderr: (t) => ((stderr += t), true) });
    return { code, stdout, stderr };
  } finally {
    process.env = saved;
  }
}

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** `recipe <args>` as its own process with cwd = root. */
export function spawnRecipe(root: string, args: string[]): Promise<RecipeRun> {
  const script = `import(${JSON.stringify(cli)}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: root, env: { ...process.env, RECIPE_ROOT: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 2) : 0, stdout, stderr });
    });
  });
}
