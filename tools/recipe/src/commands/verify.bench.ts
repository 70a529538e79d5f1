// `npm run bench:verify -w tools/recipe`: times `recipe verify` on an environment of N services
// (default 500) against the loopback Kubernetes API, beside starting Node and `recipe --help` as
// baselines, and counts the API requests one run makes.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ALL_RULES, deployment, helmRelease, startFakeKubeApi, writeKubeconfig } from '../test-support/fake-kube-api.ts';

const run = promisify(execFile);
const serviceCount = Number(process.env.BENCH_SERVICES ?? 500);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const bin = fileURLToPath(new URL('../../bin/recipe.js', import.meta.url));
const NS = 'bench-staging';

const root = mkdtempSync(path.join(tmpdir(), 'recipe-verify-bench-'));
const services = Array.from({ length: serviceCount }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
const commit = (i: number) => i.toString(16).padStart(40, 'a');
mkdirSync(path.join(root, 'releases/staging'), { recursive: true });
writeFileSync(
  path.join(root, 'releases/environments.yaml'),
  `---\nrepository:\n  url: https://example.test/acme/big.git\nenvironments:\n  - name: staging\n    namespace: ${NS}\n    context: staging\nservices:\n${services.map((name) => `  ${name}:\n    project: services/${name}\n    chart: charts/${name}\n    image: registry.example.test/big/${name}\n`).join('')}`,
);
writeFileSync(path.join(root, 'releases/staging/recipe.yaml'), `---\nenvironment: staging\nservices:\n${services.map((name, i) => `  ${name}:\n    commit: ${commit(i)}\n`).join('')}`);

const api = await startFakeKubeApi();
api.addUser('bench', { name: 'bench', rules: { '*': ALL_RULES } });
services.forEach((name, i) => {
  api.putDeployment(deployment({ service: name, namespace: NS, image: `registry.example.test/big/${name}:${commit(i)}` }));
  api.putHelmRelease(helmRelease({ name, namespace: NS }));
});
const kubeconfig = await writeKubeconfig(path.join(root, 'kubeconfig'), api.url, [{ name: 'staging', token: 'bench' }]);
const env = { ...process.env, KUBECONFIG: kubeconfig, RECIPE_ROOT: root };

async function time(label: string, args: string[]): Promise<{ label: string; ms: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(process.execPath, args, { env, maxBuffer: 1 << 28 });
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, ms: samples[Math.floor(samples.length / 2)]! };
}

try {
  const before = api.requests.length;
  const check = await run(process.execPath, [bin, 'verify', 'staging', '--json'], { env, maxBuffer: 1 << 28 });
  const report = JSON.parse(check.stdout) as { ok: boolean; services: unknown[] };
  if (!report.ok || report.services.length !== serviceCount) throw new Error('the benchmark environment does not verify');
  const requests = api.requests.length - before;
  const results = [
    await time('node -e "" (process start)', ['-e', '']),
    await time('recipe --help', [bin, '--help']),
    await time(`recipe verify (${serviceCount} services)`, [bin, 'verify', 'staging']),
    await time(`recipe verify --json`, [bin, 'verify', 'staging', '--json']),
  ];
  const baseline = results[0]!.ms;
  console.log(`recipe verify benchmark: ${serviceCount} services (Deployment + HelmRelease each) on the loopback API, median of ${runs} runs`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}; API requests per verify: ${requests}`);
  console.log(`${'command'.padEnd(32)} ${'wall ms'.padStart(8)} ${'x node start'.padStart(13)}`);
  for (const { label, ms } of results) console.log(`${label.padEnd(32)} ${ms.toFixed(0).padStart(8)} ${(ms / baseline).toFixed(1).padStart(13)}`);
} finally {
  await api.close();
  rmSync(root, { recursive: true, force: true });
}
