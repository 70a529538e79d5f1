// The first step of every root npm script: plain JavaScript, so it runs on whatever node is first on PATH
// (18 and later) and says in one line what is wrong before a .ts file meets a Node that cannot run it.
//
// npm scripts find Node 24 as node_modules/.bin/node, from the `node` package in package.json (it fetches
// node-<platform>-<arch> from the npm registry on install); npm puts node_modules/.bin first on PATH.
// `--explain` (the postinstall) also says which Node that is when npm itself runs on another one.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = readFileSync(join(root, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
const wantedMajor = Number(wanted.split('.')[0]);
const major = Number(process.versions.node.split('.')[0]);
const platformPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

if (major !== wantedMajor) {
  const pinned = join(root, 'node_modules', '.bin', 'node');
  const fix = existsSync(pinned)
    ? `run it through npm (\`npm start\`, \`npm test\`, \`npx ...\`), which puts node_modules/.bin first on PATH, or \`export PATH="${dirname(pinned)}:$PATH"\``
    : `run \`npm ci\` with the npm registry reachable (it installs Node ${wanted} as node_modules/.bin/node from the npm package ${platformPackage}); where the registry has no ${platformPackage}@${wanted}, install Node ${wantedMajor} yourself (\`nvm install\` reads .nvmrc) and run \`npm ci\` again`;
  process.stderr.write(`platform: needs Node ${wantedMajor}, but this is ${process.version} (${process.execPath}): ${fix}.\n`);
  process.exit(1);
}

const npmNode = process.env.npm_node_execpath;
if (process.argv.includes('--explain') && npmNode && npmNode !== process.execPath) {
  let npmNodeVersion = 'another version';
  try {
    npmNodeVersion = execFileSync(npmNode, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // Only for the message.
  }
  if (npmNodeVersion !== process.version) {
    process.stderr.write(
      `platform: npm runs on node ${npmNodeVersion} (${npmNode}); the scripts of this workspace run on node ${process.version} (${process.execPath}), so EBADENGINE warnings about ${npmNodeVersion} above do not apply to them.\n`,
    );
  }
}
