import path from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../src/hcl.ts';
import { BEGIN_MARKER, END_MARKER, docsBlock, renderDocs, updateReadme } from '../src/readme.ts';
import { infraDir } from './paths.ts';

const moduleDir = path.join(infraDir, 'modules/flux');

test('the generated tables list every input with its type, default and whether it is required', async () => {
  const docs = renderDocs(await loadConfig(moduleDir));
  expect(docs).toContain('| git_repository_url | Clone URL of this monorepo (https:// or ssh://), which holds releases/<env>/flux. | `string` | n/a | yes |');
  expect(docs).toContain('| git_branch | Branch Flux follows. | `string` | `"main"` | no |');
  expect(docs).toContain('| git_credentials_secret_name |');
  expect(docs).toContain('| hashicorp/helm | `>= 3.0, < 4.0` |');
  expect(docs).toContain('| sync | What Flux reconciles: repository URL, ref and path. |');
});

test('updating a README replaces only the generated block', async () => {
  const config = await loadConfig(moduleDir);
  const readme = `# flux\n\nHand-written text.\n\n${BEGIN_MARKER}\nold tables\n${END_MARKER}\n\nMore text.\n`;
  const updated = updateReadme(readme, config);
  expect(updated.startsWith('# flux\n\nHand-written text.\n\n')).toBe(true);
  expect(updated.endsWith('\n\nMore text.\n')).toBe(true);
  expect(docsBlock(updated)).toBe(renderDocs(config));
});

test('a README without the markers gets the tables appended', async () => {
  const config = await loadConfig(moduleDir);
  const updated = updateReadme('# flux\n', config);
  expect(updated).toBe(`# flux\n\n${renderDocs(config)}\n`);
});
