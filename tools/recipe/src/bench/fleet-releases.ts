// Fills a synthetic monorepo (synthetic-releases.ts) with a releases/ folder of N services x E
// environments and a history: H releases commits that move dev/recipe.yaml one service at a
// time, then S snapshots of dev recorded at some of those commits, each verified (skip-verify)
// against the releases commit that ran it, as `recipe snapshot --skip-verify` would write them.
// Everything is written with `git fast-import` from a stream written to a file as it is made (at
// 5,000 services, 20,000 recipes are about 7 GB: more than a string can hold).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { newSnapshot, snapshotRefToYaml, snapshotToYaml, type SnapshotService } from '../model/snapshot.ts';
import type { SyntheticRepo } from './synthetic-releases.ts';

export interface FleetShape {
  environments: number;
  /** Releases commits that change dev/recipe.yaml, after the seed. */
  historyCommits: number;
  /** Snapshots of dev, spread over the history (at most one per history commit). */
  snapshots: number;
  /** The snapshot file format: 2 (what recipe writes, the default) or 1 (a copy of every service, as written before). */
  snapshotFormat?: 1 | 2;
}

export interface Fleet {
  environments: string[];
  /** The ids of the snapshots written, oldest first. */
  snapshotIds: string[];
}

/** dev, staging, prod, then env-03, env-04...: a chain, each promoted from the one before. */
export function environmentNames(count: number): string[] {
  const base = ['dev', 'staging', 'prod'];
  return Array.from({ length: count }, (_, i) => base[i] ?? `env-${String(i).padStart(2, '0')}`);
}

export function buildFleet(repo: SyntheticRepo, shape: FleetShape, recipeBin: string): Fleet {
  const { root, services, commits } = repo;
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: root, input, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const envs = environmentNames(shape.environments);
  const image = (name: string) => `registry.example.test/big/${name}`;
  write(
    'releases/environments.yaml',
    `---\nrepository:\n  url: https://example.test/acme/big.git\n  webUrl: https://example.test/acme/big\nenvironments:\n${envs
      .map((env, i) => `  - name: ${env}\n    namespace: big-${env}\n${i === 0 ? '    auto: true\n' : `    from: ${envs[i - 1]}\n`}`)
      .join('')}services:\n${services.map((name) => `  ${name}:\n    project: services/${name}\n    chart: charts/${name}\n    image: ${image(name)}\n`).join('')}`,
  );
  // Environment i runs commit index (2 - i) clamped: dev the newest, later ones older.
  const indexOf = (envIndex: number) => Math.max(0, 2 - envIndex);
  const recipeText = (env: string, pick: (name: string) => number) =>
    `---\n# What runs in ${env}.\nenvironment: ${env}\nservices:\n${services.map((name) => `  ${name}:\n    commit: ${commits.get(name)![pick(name)]}\n    version: 1.${pick(name)}.0\n`).join('')}`;
  envs.forEach((env, envIndex) => {
    write(`releases/${env}/recipe.yaml`, recipeText(env, () => indexOf(envIndex)));
    services.forEach((name, i) => {
      if (i % 2 === 0) write(`releases/${env}/values/${name}.yaml`, `replicaCount: ${(envIndex % 3) + 1}\nresources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n`);
    });
  });
  const rendered = spawnSync(process.execPath, [recipeBin, 'render'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (rendered.status !== 0) throw new Error(`render failed: ${rendered.stderr}`);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'chore(releases): seed']);
  const seedText = recipeText('dev', () => 2);

  // The history: commit h moves service (h mod N) of dev back and forth between its last two commits.
  const streamFile = path.join(root, '.git', 'bench-fast-import');
  let fd = openSync(streamFile, 'w');
  const emit = (text: string) => writeSync(fd, text);
  const fastImport = (args: string[]) => {
    closeSync(fd);
    const input = openSync(streamFile, 'r');
    try {
      execFileSync('git', ['fast-import', '--quiet', '--done', ...args], { cwd: root, stdio: [input, 'pipe', 'pipe'] });
    } finally {
      closeSync(input);
      rmSync(streamFile, { force: true });
    }
  };
  let mark = 0;
  let time = Math.floor(Date.now() / 1000) - (shape.historyCommits + shape.snapshots + 10) * 120;
  const current = new Map(services.map((name) => [name, 2]));
  const every = shape.snapshots > 0 ? Math.max(1, Math.floor(shape.historyCommits / shape.snapshots)) : Infinity;
  const recorded: Array<{ mark: number; time: number; combination: Map<string, number> }> = [];
  for (let h = 0; h < shape.historyCommits; h++) {
    const name = services[h % services.length]!;
    current.set(name, current.get(name) === 2 ? 1 : 2);
    mark += 1;
    time += 60;
    const text = h === shape.historyCommits - 1 ? seedText : recipeText('dev', (service) => current.get(service)!);
    if (h === shape.historyCommits - 1) services.forEach((service) => current.set(service, 2));
    const message = `chore(releases): dev ${name}\n`;
    emit(`commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}${mark === 1 ? 'from refs/heads/main^0\n' : ''}M 100644 inline releases/dev/recipe.yaml\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    if ((h + 1) % every === 0 && recorded.length < shape.snapshots) recorded.push({ mark, time, combination: new Map(current) });
  }
  emit('done\n');
  if (shape.historyCommits > 0) {
    const marksFile = path.join(root, '.git', 'bench-marks');
    fastImport([`--export-marks=${marksFile}`]);
    const shaOf = new Map<number, string>();
    for (const line of readFileSync(marksFile, 'utf8').trim().split('\n')) {
      const [m, sha] = line.split(' ');
      shaOf.set(Number(m!.slice(1)), sha!);
    }
    // Snapshots, one commit each, recorded after the history they name.
    fd = openSync(streamFile, 'w');
    const ids: string[] = [];
    for (const [n, entry] of recorded.entries()) {
      const at = new Date((entry.time + 30) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const snapshotServices: Record<string, SnapshotService> = {};
      for (const name of services) snapshotServices[name] = { commit: commits.get(name)![entry.combination.get(name)!]!, version: `1.${entry.combination.get(name)}.0`, image: image(name) };
      const snapshot = newSnapshot({ services: snapshotServices, verification: { environment: 'dev', at, recipeCommit: shaOf.get(entry.mark)!, verified: false, skipReason: 'synthetic benchmark', checks: {}, evidence: [] } });
      ids.push(snapshot.id);
      // Format 2 names the releases commit that ran the combination, as recipe snapshot writes it.
      const text = (shape.snapshotFormat ?? 2) === 2 ? snapshotRefToYaml(snapshot, shaOf.get(entry.mark)!) : snapshotToYaml(snapshot);
      time += 60;
      const message = `chore(releases): snapshot ${snapshot.id.slice(0, 12)} of dev\n`;
      emit(`commit refs/heads/main\nmark :${mark + n + 1}\ncommitter Bench <bench@example.test> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}${n === 0 ? 'from refs/heads/main^0\n' : ''}M 100644 inline releases/snapshots/${snapshot.id.slice(0, 12)}.yaml\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    }
    emit('done\n');
    if (recorded.length > 0) fastImport([]);
    else closeSync(fd);
    git(['reset', '-q', '--hard', 'main']);
    return { environments: envs, snapshotIds: ids };
  }
  closeSync(fd);
  rmSync(streamFile, { force: true });
  return { environments: envs, snapshotIds: [] };
}
