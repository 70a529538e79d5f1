import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { main } from './cli.ts';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => ((stdout += t), true), stderr: (t) => ((stderr += t), true) });
  return { code, stdout, stderr };
}

test('--help lists every command with its summary and exits 0', async () => {
  const result = await run(['--help']);
  expect(result.code).toBe(0);
  for (const name of ['status', 'set', 'diff', 'render', 'lint', 'history']) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
  expect(result.stdout).toContain('Exit status: 0 success, 1 a check found problems, 2 bad usage or input.');
});

test('--help loads no command module', () => {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
    const { main } = await import(${JSON.stringify(cli)});
    await main(['--help'], { stdout: () => true, stderr: () => true });
    console.log(JSON.stringify(seen.filter((url) => url.includes('/src/'))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  expect(loaded.map((url) => url.slice(url.indexOf('/src/')))).toEqual(['/src/cli.ts', '/src/model/errors.ts']);
});

test('an unknown command exits 2 and lists the commands', async () => {
  const result = await run(['stauts']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/unknown command "stauts"[\s\S]*status, set, diff/);
});

test('an unknown option exits 2 with the command help to read', async () => {
  const result = await run(['status', '--frobnicate', '--json']);
  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout).error.hint).toBe('run "recipe status --help" for every option');
});

test('an unknown option is named plainly, followed by the command usage, with no quoting riddle', async () => {
  const result = await run(['promote', '--env', 'prod']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^recipe: unknown option --env\nUsage: recipe promote <env>/);
  expect(result.stderr).not.toContain("as in '--");
  const missing = await run(['promote', 'prod', '--snapshot']);
  expect(missing.stderr).toMatch(/^recipe: option --snapshot needs a value\n/);
});
