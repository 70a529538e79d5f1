// Builds the benchmark's synthetic repository and leaves it in place, printing its path, to
// profile one command by hand (node --cpu-prof bin/recipe.js ... in that folder):
//   BENCH_SERVICES=1000 BENCH_HISTORY=1000 BENCH_SNAPSHOTS=500 node src/bench/make-fleet.ts
import { fileURLToPath } from 'node:url';
import { buildFleet } from './fleet-releases.ts';
import { buildSyntheticRepo } from './synthetic-releases.ts';

const repo = buildSyntheticRepo(Number(process.env.BENCH_SERVICES ?? 500));
const historyCommits = Number(process.env.BENCH_HISTORY ?? 0);
buildFleet(
  repo,
  {
    environments: Math.max(3, Number(process.env.BENCH_ENVS ?? 3)),
    historyCommits,
    snapshots: Math.min(historyCommits, Number(process.env.BENCH_SNAPSHOTS ?? 0)),
    snapshotFormat: process.env.BENCH_SNAPSHOT_FORMAT === '1' ? 1 : 2,
  },
  fileURLToPath(new URL('../../bin/recipe.js', import.meta.url)),
);
console.log(repo.root);
