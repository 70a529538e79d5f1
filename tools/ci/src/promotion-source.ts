// Prints the environment another one is promoted from: its `from:`, else the one listed before it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { repositoryRoot } from './git.ts';
import { ENVIRONMENTS_FILE } from './environments.ts';

interface EnvironmentEntry {
  name?: string;
  from?: string;
}

export function promotionSource(environments: readonly EnvironmentEntry[], target: string): string {
  const index = environments.findIndex((environment) => environment.name === target);
  if (index < 0) throw new Error(`${ENVIRONMENTS_FILE} has no environment "${target}"`);
  const source = environments[index]?.from ?? environments[index - 1]?.name;
  if (!source) throw new Error(`"${target}" is the first environment: nothing is promoted into it`);
  return source;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const root = repositoryRoot(process.cwd());
    const file = parse(readFileSync(join(root, ENVIRONMENTS_FILE), 'utf8')) as { environments?: EnvironmentEntry[] };
    process.stdout.write(`${promotionSource(file.environments ?? [], process.argv[2] ?? '')}\n`);
  } catch (error) {
    process.stderr.write(`promotion-source: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
