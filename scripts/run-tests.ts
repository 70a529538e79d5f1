// `npm test`: lint, typecheck and test of every project through nx. Nx interleaves the projects' output,
// so a suite that stopped for want of its database says so somewhere in the middle; this runner passes
// everything through and repeats those messages as the run's last lines, where a reader looks.
// Extra arguments go to nx (`npm test -- -p records`); `-t` replaces the default targets.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// What a suite prints when no database server is there (services/records/src/test-support/mysql-server.ts).
const missingServer = /need a MySQL-compatible server/;

const extra = process.argv.slice(2);
const targets = extra.some((arg) => arg === '-t' || arg === '--targets' || arg.startsWith('--targets=')) ? [] : ['-t', 'lint', 'typecheck', 'test'];
const child = spawn('nx', ['run-many', ...targets, '--outputStyle=stream', ...extra], { stdio: ['inherit', 'pipe', 'pipe'] });

const missing = new Set<string>();
for (const [stream, out] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
] as const) {
  createInterface({ input: stream }).on('line', (line) => {
    out.write(`${line}\n`);
    // eslint-disable-next-line no-control-regex -- nx and vitest colour their output.
    const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
    if (missingServer.test(plain)) missing.add(plain.replace(/^\s*[\w-]+:\s+/, '').replace(/^Error:\s*/, '').trim());
  });
}

child.on('error', (error) => {
  process.stderr.write(`npm test: could not run nx: ${error.message}\n`);
  process.exitCode = 1;
});
child.on('close', (code, signal) => {
  if (missing.size > 0) {
    process.stderr.write('\nnpm test: the database suites did not run:\n');
    for (const message of missing) process.stderr.write(`  ${message}\n`);
  }
  process.exitCode = code ?? (signal ? 1 : 0);
});
