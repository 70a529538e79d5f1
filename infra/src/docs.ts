// `npm run docs -w infra`: rewrites the generated tables of every module README.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from './hcl.ts';
import { updateReadme } from './readme.ts';
import { discover } from './workspace.ts';

const infraDir = path.resolve(import.meta.dirname, '..');
const { modules } = await discover(infraDir);
for (const dir of modules) {
  const file = path.join(dir, 'README.md');
  const current = await readFile(file, 'utf8').catch(() => `# ${path.basename(dir)}\n`);
  const next = updateReadme(current, await loadConfig(dir));
  if (next !== current) {
    await writeFile(file, next);
    console.log(`updated ${path.relative(infraDir, file)}`);
  }
}
