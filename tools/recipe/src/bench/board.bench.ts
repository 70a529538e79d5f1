// `npm run bench:board -w tools/recipe`: renders the releases board of a synthetic repository with
// 500 services x 12 environments (a fan-out: two prod regions per staging) and 2,000 snapshots,
// beside `git status` and `node -e ""` on the same tree as baselines.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newSnapshot, snapshotFileName, snapshotToYaml, type SnapshotService } from '../model/snapshot.ts';
import { buildSyntheticRepo } from './synthetic-releases.ts';

const serviceCount = Number(process.env.BENCH_SERVICES ?? 500);
const snapshotCount = Number(process.env.BENCH_SNAPSHOTS ?? 2000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const bin = fileURLToPath(new URL('../../bin/recipe.js', import.meta.url));

const started = performance.now();
const repo = buildSyntheticRepo(serviceCount);
const { root, services, commits } = repo;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
// dev -> staging -> (prod-1..prod-10 each from staging): 12 environments.
const envs = ['dev', 'staging', ...Array.from({ length: 10 }, (_, i) => `prod-${i + 1}`)];
const from = (env: string) => (env === 'dev' ? undefined : env === 'staging' ? 'dev' : 'staging');
write(
  'releases/environments.yaml',
  `---\nrepository:\n  url: https://example.test/acme/big.git\n  webUrl: https://example.test/acme/big\nenvironments:\n${envs
    .map((env) => `  - name: ${env}\n    namespace: big-${env}\n${env === 'dev' ? '    auto: true\n' : `    from: ${from(env)}\n    gates:\n      verified: true\n${env.startsWith('prod') ? '      soak: 24h\n      evidence: [e2e]\n' : ''}`}`)
    .join('')}services:\n${services.map((name) => `  ${name}:\n    project: services/${name}\n    chart: charts/${name}\n    image: registry.example.test/big/${name}\n`).join('')}`,
);
envs.forEach((env, e) => {
  const index = e === 0 ? 2 : e === 1 ? 1 : 0;
  write(`releases/${env}/recipe.yaml`, `---\nenvironment: ${env}\n${e === 5 ? 'hold:\n  reason: freeze\n' : ''}services:\n${services.map((name) => `  ${name}:\n    commit: ${commits.get(name)![index]}\n    version: 1.${index}.0\n`).join('')}`);
});
const rendered = spawnSync(process.execPath, [bin, 'render'], { cwd: root, encoding: 'utf8' });
if (rendered.status !== 0) throw new Error(`render failed: ${rendered.stderr}`);
const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
for (let n = 0; n < snapshotCount; n++) {
  const chosen: Record<string, SnapshotService> = {};
  services.forEach((name, i) => {
    const list = commits.get(name)!;
    chosen[name] = { commit: list[(n + i) % list.length]!, version: `1.${n}.0`, image: `registry.example.test/big/${name}` };
  });
  const at = new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const snapshot = newSnapshot({ services: chosen, verification: { environment: n % 2 ? 'staging' : 'dev', at, recipeCommit: head, verified: false, skipReason: 'synthetic', checks: { e2e: n % 5 ? 'passed' : 'failed' }, evidence: [] } });
  write(`releases/snapshots/${snapshotFileName(snapshot.id)}`, snapshotToYaml(snapshot));
}
execFileSync('git', ['add', '-A'], { cwd: root });
execFileSync('git', ['commit', '-q', '-m', 'chore(releases): seed'], { cwd: root });
const setupSeconds = ((performance.now() - started) / 1000).toFixed(1);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
function time(label: string, command: string, args: string[]): { label: string; ms: number } {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    samples.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr}`);
  }
  return { label, ms: median(samples) };
}

const out = mkdtempSync(path.join(tmpdir(), 'recipe-board-bench-'));
try {
  const results = [
    time('git status (baseline)', 'git', ['status', '--porcelain']),
    time('node -e "" (process start)', process.execPath, ['-e', '']),
    time('recipe status', process.execPath, [bin, 'status']),
    time('recipe board', process.execPath, [bin, 'board', '--out', path.join(out, 'site')]),
  ];
  const page = statSync(path.join(out, 'site', 'index.html')).size;
  const baseline = results[0]!.ms;
  console.log(`recipe board benchmark: ${serviceCount} services x ${envs.length} environments, ${snapshotCount} snapshots, median of ${runs} runs`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} (setup ${setupSeconds}s)`);
  console.log(`${'command'.padEnd(30)} ${'wall ms'.padStart(8)} ${'x git status'.padStart(13)}`);
  for (const { label, ms } of results) console.log(`${label.padEnd(30)} ${ms.toFixed(0).padStart(8)} ${(ms / baseline).toFixed(1).padStart(13)}`);
  console.log(`index.html: ${(page / 1024).toFixed(0)} KiB`);
} finally {
  rmSync(out, { recursive: true, force: true });
  repo.cleanup();
}
