// scripts/check-node.js, the first step of every root npm script: one line, naming what is missing and the fix.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** A workspace whose .nvmrc asks for `wanted`, with check-node.js and, when `pinned`, a node_modules/.bin/node. */
function workspace(wanted: string, { pinned = false } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'check-node-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(new URL('./check-node.js', import.meta.url), join(root, 'scripts', 'check-node.js'));
  writeFileSync(join(root, '.nvmrc'), `${wanted}\n`);
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  if (pinned) {
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
    copyFileSync(process.execPath, join(root, 'node_modules', '.bin', 'node'));
  }
  return root;
}

function check(root: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(root, 'scripts', 'check-node.js'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
}

describe('check-node.js', () => {
  it('passes silently on the Node major that .nvmrc names', () => {
    const result = check(workspace(process.versions.node));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('without the pinned Node, says in one line that npm ci installs it, and what to do where the registry has none', () => {
    const result = check(workspace('99.1.0'));
    expect(result.status).toBe(1);
    const platformPackage = `node-${process.platform}-${process.arch}`;
    expect(result.stderr).toBe(
      `platform: needs Node 99, but this is ${process.version} (${process.execPath}): run \`npm ci\` with the npm registry reachable (it installs Node 99.1.0 as node_modules/.bin/node from the npm package ${platformPackage}); where the registry has no ${platformPackage}@99.1.0, install Node 99 yourself (\`nvm install\` reads .nvmrc) and run \`npm ci\` again.\n`,
    );
  });

  it('with the pinned Node installed but not first on PATH, says to go through npm', () => {
    const root = workspace('99.1.0', { pinned: true });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('run it through npm (`npm start`, `npm test`, `npx ...`)');
    expect(result.stderr).toContain(`export PATH="${join(root, 'node_modules', '.bin')}:$PATH"`);
  });

  it('--explain says which Node runs the scripts when npm itself runs on another', () => {
    const result = check(workspace(process.versions.node), ['--explain'], { npm_node_execpath: '/bin/sh' });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`the scripts of this workspace run on node ${process.version} (${process.execPath})`);
  });
});
