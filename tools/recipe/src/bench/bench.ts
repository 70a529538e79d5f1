// `npm run bench -w tools/recipe`: times recipe's commands on a synthetic repository of
// 500 services x 3 environments, beside `git status` on the same repository as the baseline.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSyntheticRepo } from './synthetic-releases.ts';

const serviceCount = Number(process.env.BENCH_SERVICES ?? 500);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const bin = fileURLToPath(new URL('../../bin/recipe.js', import.meta.url));

const started = performance.now();
const repo = buildSyntheticRepo(serviceCount);
const { root, services, commits } = repo;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
write(
  'releases/environments.yaml',
  `---\nrepository:\n  url: https://example.test/acme/big.git\n  webUrl: https://example.test/acme/big\nenvironments:\n  - name: dev\n    namespace: big-dev\n    auto: true\n  - name: staging\n    namespace: big-staging\n  - name: prod\n    namespace: big-prod\nservices:\n${services
    .map((name) => `  ${name}:\n    project: services/${name}\n    chart: charts/${name}\n    image: registry.example.test/big/${name}\n`)
    .join('')}`,
);
const envs: Array<[string, number]> = [['dev', 2], ['staging', 1], ['prod', 0]];
for (const [env, index] of envs) {
  write(`releases/${env}/recipe.yaml`, `---\n# What runs in ${env}.\nenvironment: ${env}\nservices:\n${services.map((name) => `  ${name}:\n    commit: ${commits.get(name)![index]}\n    version: 1.${index}.0\n`).join('')}`);
  services.forEach((name, i) => {
    if (i % 2 === 0) write(`releases/${env}/values/${name}.yaml`, `replicaCount: ${index + 1}\nresources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n`);
  });
}
const recipe = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const rendered = recipe(['render']);
if (rendered.status !== 0) throw new Error(`render failed: ${rendered.stderr}`);
execFileSync('git', ['add', '-A'], { cwd: root });
execFileSync('git', ['commit', '-q', '-m', 'chore(releases): seed'], { cwd: root });
const setupSeconds = ((performance.now() - started) / 1000).toFixed(1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// CPU time (user + system) of the child, from GNU time when it is installed: on a shared,
// loaded machine it says more than wall time, which includes waiting for a core.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function time(label: string, command: string, args: string[], expectStatus = 0, reset?: () => void): { label: string; ms: number; cpu?: number } {
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    reset?.();
    const start = performance.now();
    const result = gnuTime ? spawnSync(gnuTime, ['-f', 'cpu %U %S', command, ...args], { cwd: root, encoding: 'utf8' }) : spawnSync(command, args, { cwd: root, encoding: 'utf8' });
    samples.push(performance.now() - start);
    if (result.status !== expectStatus) throw new Error(`${label} exited ${result.status}: ${result.stderr}`);
    const used = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
    if (used) cpu.push((Number(used[1]) + Number(used[2])) * 1000);
  }
  return { label, ms: median(samples), cpu: cpu.length ? median(cpu) : undefined };
}

const target = services[Math.floor(services.length / 2)]!;
const restore = () => execFileSync('git', ['checkout', '-q', '--', 'releases'], { cwd: root });
const results = [
  time('git status (baseline)', 'git', ['status', '--porcelain']),
  time('node -e "" (process start)', process.execPath, ['-e', '']),
  time('recipe --help', process.execPath, [bin, '--help']),
  time('recipe status', process.execPath, [bin, 'status']),
  time('recipe diff prod dev', process.execPath, [bin, 'diff', 'prod', 'dev']),
  time('recipe set dev <1 service>', process.execPath, [bin, 'set', 'dev', `${target}=${commits.get(target)![0]}`], 0, restore),
  time('recipe render --check', process.execPath, [bin, 'render', '--check']),
  time('recipe lint', process.execPath, [bin, 'lint']),
];
restore();
const baseline = results[0]!.ms;
const source = existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url))) ? 'dist/ (built)' : 'src/ (TypeScript, types stripped by Node)';
console.log(`recipe benchmark: ${serviceCount} services x 3 environments, ${serviceCount * 3 + 1} commits, median of ${runs} runs, recipe from ${source}`);
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} (setup ${setupSeconds}s)`);
console.log(`${'command'.padEnd(30)} ${'wall ms'.padStart(8)} ${'x git status'.padStart(13)} ${'cpu ms'.padStart(8)}`);
for (const { label, ms, cpu } of results) console.log(`${label.padEnd(30)} ${ms.toFixed(0).padStart(8)} ${(ms / baseline).toFixed(1).padStart(13)} ${cpu === undefined ? '-'.padStart(8) : cpu.toFixed(0).padStart(8)}`);
repo.cleanup();
