// `npm run bench -w tools/recipe`: times recipe's commands on a synthetic repository beside
// `git status` and `node -e ""` on the same tree, with each command's peak memory and the size of
// releases/ in the working tree and in .git. The shape comes from the environment, so a small run
// is quick and the fleet (5,000 services x 12 environments, thousands of snapshots over
// many commits) is one command line:
//   BENCH_SERVICES=5000 BENCH_ENVS=12 BENCH_HISTORY=20000 BENCH_SNAPSHOTS=10000 npm run bench -w tools/recipe
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildFleet } from './fleet-releases.ts';
import { buildSyntheticRepo } from './synthetic-releases.ts';

const serviceCount = Number(process.env.BENCH_SERVICES ?? 500);
const environmentCount = Math.max(3, Number(process.env.BENCH_ENVS ?? 3));
const historyCommits = Number(process.env.BENCH_HISTORY ?? 0);
const snapshotCount = Math.min(historyCommits, Number(process.env.BENCH_SNAPSHOTS ?? 0));
const runs = Number(process.env.BENCH_RUNS ?? 5);
// 2 (default): snapshots as recipe writes them; 1: as written before format 2, to measure migrate.
const snapshotFormat = process.env.BENCH_SNAPSHOT_FORMAT === '1' ? 1 : 2;
const bin = fileURLToPath(new URL('../../bin/recipe.js', import.meta.url));

const started = performance.now();
const repo = buildSyntheticRepo(serviceCount);
const { root, services, commits } = repo;
const fleet = buildFleet(repo, { environments: environmentCount, historyCommits, snapshots: snapshotCount, snapshotFormat }, bin);
const setupSeconds = ((performance.now() - started) / 1000).toFixed(1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// CPU time (user + system) and peak resident memory of the child, from GNU time when it is
// installed: on a shared, loaded machine CPU time says more than wall time, which includes
// waiting for a core.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Figure {
  label: string;
  ms: number;
  cpu?: number;
  /** Peak resident set, MB (the largest of the runs). */
  peakMb?: number;
  status: number | null;
}

function time(label: string, command: string, args: string[], expectStatus: number[] = [0], reset?: () => void): Figure {
  const samples: number[] = [];
  const cpu: number[] = [];
  let peak = 0;
  let status: number | null = null;
  for (let run = 0; run < runs; run++) {
    reset?.();
    const start = performance.now();
    const result = gnuTime
      ? spawnSync(gnuTime, ['-f', 'bench-cpu %U %S %M', command, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 })
      : spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
    samples.push(performance.now() - start);
    status = result.status;
    if (!expectStatus.includes(result.status ?? -1)) throw new Error(`${label} exited ${result.status}: ${result.stderr.slice(-2000)}`);
    const used = /bench-cpu ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(result.stderr);
    if (used) {
      cpu.push((Number(used[1]) + Number(used[2])) * 1000);
      peak = Math.max(peak, Number(used[3]) / 1024);
    }
  }
  return { label, ms: median(samples), cpu: cpu.length ? median(cpu) : undefined, peakMb: peak || undefined, status };
}

const du = (args: string[]) => Number(execFileSync('du', ['-sk', ...args], { cwd: root, encoding: 'utf8' }).split('\t')[0]) / 1024;
execFileSync('git', ['repack', '-adq'], { cwd: root });
const target = services[Math.floor(services.length / 2)]!;
const restore = () => execFileSync('git', ['checkout', '-q', '--', 'releases'], { cwd: root });
const recipe = (label: string, args: string[], expect: number[] = [0], reset?: () => void) => time(label, process.execPath, [bin, ...args], expect, reset);
const results = [
  time('git status (baseline)', 'git', ['status', '--porcelain']),
  time('node -e "" (process start)', process.execPath, ['-e', '']),
  recipe('recipe --help', ['--help']),
  recipe('recipe status', ['status']),
  recipe('recipe diff prod dev', ['diff', 'prod', 'dev']),
  recipe('recipe set dev <1 service>', ['set', 'dev', `${target}=${commits.get(target)![0]}`], [0], restore),
  recipe('recipe render --check', ['render', '--check']),
  // lint exits 1 on a problem: the benchmark reports the status rather than stopping on it.
  recipe('recipe lint', ['lint'], [0, 1]),
  // Measured where this recipe has it, so the same benchmark gives the before figures too.
  ...(spawnSync(process.execPath, [bin, 'lint', '--help'], { encoding: 'utf8' }).stdout.includes('--since') ? [recipe('recipe lint --since HEAD~1', ['lint', '--since', 'HEAD~1'], [0, 1])] : []),
  recipe('recipe history dev --limit 20', ['history', 'dev', '--limit', '20']),
  ...(fleet.snapshotIds.length > 0
    ? [
        // A lookup by id reads one file and one recipe from git, however many snapshots there are.
        recipe('recipe notify dev (1 snapshot)', ['notify', 'dev', '--event', 'started', '--snapshot', fleet.snapshotIds[0]!.slice(0, 12)]),
        recipe('recipe snapshots prune --dry-run', ['snapshots', 'prune', '--dry-run']),
        ...(snapshotFormat === 1 ? [recipe('recipe snapshots migrate --dry-run', ['snapshots', 'migrate', '--dry-run'])] : []),
      ]
    : []),
  // The promotion renders every changed chart with helm twice: off by default beyond 500 services.
  ...(fleet.snapshotIds.length > 0 && (process.env.BENCH_PROMOTE ?? (serviceCount <= 500 ? '1' : '0')) === '1' ? [recipe('recipe promote staging --dry-run', ['promote', 'staging', '--dry-run', '--override', 'benchmark'], [0, 1])] : []),
];
restore();
const baseline = results[0]!.ms;
const source = existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url))) ? 'dist/ (built)' : 'src/ (TypeScript, types stripped by Node)';
const gitDir = du(['.git']);
console.log(`recipe benchmark: ${serviceCount} services x ${environmentCount} environments, ${historyCommits} releases commits of history, ${fleet.snapshotIds.length} snapshots; median of ${runs} runs, recipe from ${source}`);
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} (setup ${setupSeconds}s)`);
const snapshotsMb = existsSync(`${root}/releases/snapshots`) ? du(['releases/snapshots']) : 0;
// Bytes of content (du --apparent-size): on disk each small file takes at least one 4 KB block.
const snapshotBytes = snapshotsMb > 0 ? Number(execFileSync('du', ['-sb', '--apparent-size', 'releases/snapshots'], { cwd: root, encoding: 'utf8' }).split('\t')[0]) : 0;
const perSnapshot = fleet.snapshotIds.length > 0 ? `; format ${snapshotFormat}, ${(snapshotBytes / 1024 / fleet.snapshotIds.length).toFixed(2)} KB of content per snapshot` : '';
console.log(`size: releases/ ${du(['releases']).toFixed(1)} MB in the working tree (snapshots/ ${snapshotsMb.toFixed(1)} MB${perSnapshot}), .git ${gitDir.toFixed(1)} MB`);
console.log(`${'command'.padEnd(34)} ${'wall ms'.padStart(8)} ${'x git status'.padStart(13)} ${'cpu ms'.padStart(8)} ${'peak MB'.padStart(8)} ${'exit'.padStart(5)}`);
for (const { label, ms, cpu, peakMb, status } of results) {
  console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(8)} ${(ms / baseline).toFixed(1).padStart(13)} ${cpu === undefined ? '-'.padStart(8) : cpu.toFixed(0).padStart(8)} ${peakMb === undefined ? '-'.padStart(8) : peakMb.toFixed(0).padStart(8)} ${String(status).padStart(5)}`);
}
repo.cleanup();
