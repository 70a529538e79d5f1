// The READMEs cannot drift from what the commands do: every command in a code block fenced as
// ```sh runnable runs here, from the repository root as the READMEs assume, and must exit 0 and print
// something (a command that prints nothing leaves a reader guessing). Blocks that start servers or
// install things are plain ```sh and are covered by their own tests (clean-clone.test.ts for the first two).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

interface Command {
  file: string;
  line: number;
  text: string;
}

/** The commands of every ```sh runnable block: one per line, `\` continuations joined, comments dropped. */
export function runnableCommands(file: string, markdown: string): Command[] {
  const commands: Command[] = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let pending: Command | undefined;
  lines.forEach((raw, index) => {
    if (!inBlock) {
      inBlock = /^```sh runnable\s*$/.test(raw);
      return;
    }
    if (raw.startsWith('```')) {
      inBlock = false;
      return;
    }
    const text = raw.replace(/\s+#.*$/, '').trimEnd();
    if (pending) pending.text += ` ${text.trim()}`;
    else if (text.trim() !== '' && !text.trim().startsWith('#')) pending = { file, line: index + 1, text: text.trim() };
    if (pending && pending.text.endsWith('\\')) pending.text = pending.text.slice(0, -1).trimEnd();
    else if (pending) {
      commands.push(pending);
      pending = undefined;
    }
  });
  return commands;
}

const readmes = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*README.md'], { cwd: repoRoot, encoding: 'utf8' })
  .stdout.split('\n')
  .filter(Boolean);
const commands = readmes.flatMap((file) => runnableCommands(file, readFileSync(join(repoRoot, file), 'utf8')));

describe('README commands marked runnable', () => {
  it('finds the runnable blocks (a renamed marker would otherwise test nothing)', () => {
    expect(commands.map((command) => command.file)).toEqual(expect.arrayContaining(['README.md', 'tools/ci/README.md']));
  });

  it('reads continuations and drops comments', () => {
    const markdown = ['```sh runnable', 'a --x   # what a does', '# a comment', 'b \\', '  --y', '```', '```sh', 'not this', '```'].join('\n');
    expect(runnableCommands('X.md', markdown)).toEqual([
      { file: 'X.md', line: 2, text: 'a --x' },
      { file: 'X.md', line: 4, text: 'b --y' },
    ]);
  });

  // No token and no forge: the READMEs promise these work on a fresh clone without either.
  const { GITHUB_TOKEN: _github, GH_TOKEN: _gh, GITLAB_TOKEN: _gitlab, ...env } = process.env;
  it.each(commands.map((command) => [`${command.file}:${command.line}: ${command.text}`, command] as const))('%s', (_name, command) => {
    const result = spawnSync('sh', ['-c', command.text], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, `${command.file}:${command.line}: \`${command.text}\` failed:\n${output}`).toBe(0);
    expect(output.trim(), `${command.file}:${command.line}: \`${command.text}\` printed nothing`).not.toBe('');
  });
});
