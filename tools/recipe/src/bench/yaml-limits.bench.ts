// `npm run bench:yaml -w tools/recipe`: what the YAML limits (model/yaml-file.ts) cost on a
// recipe just under the size limit, beside js-yaml's load of the same text as the baseline.
// A file without "*" has no alias to measure; one with "*" (an alias, or a glob in a string) is
// walked once to count what aliases add.
import { CORE_SCHEMA, load } from 'js-yaml';
import { parseYamlFile, YAML_LIMITS } from '../model/yaml-file.ts';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const commit = '0123456789abcdef0123456789abcdef01234567';
let withStar = '---\nenvironment: prod\nservices:\n';
let services = 0;
while (withStar.length < YAML_LIMITS.maxBytes - 200) {
  services += 1;
  withStar += `  svc-${String(services).padStart(5, '0')}:\n    commit: ${commit}   # paths: /*\n    version: 1.${services}.0\n`;
}
const withoutStar = withStar.replaceAll('/*', '/x');

const cases: Array<[string, () => unknown]> = [
  ['js-yaml load (baseline)', () => load(withoutStar, { schema: CORE_SCHEMA })],
  ['parseYamlFile, no "*" in the file', () => parseYamlFile(withoutStar, 'recipe.yaml').data],
  ['parseYamlFile, "*" in the file (measured)', () => parseYamlFile(withStar, 'recipe.yaml').data],
];
// One warm-up each, then the cases interleaved run by run so load on the machine hits all alike.
const times = cases.map(([, run]) => (run(), [] as number[]));
for (let round = 0; round < runs; round++) {
  cases.forEach(([, run], index) => {
    const start = performance.now();
    run();
    times[index]!.push(performance.now() - start);
  });
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(times[0]!);
const rows = cases.map(([label], index): [string, number] => [label, median(times[index]!)]);
console.log(`recipe of ${services} services, ${(withStar.length / 1024 / 1024).toFixed(2)} MB, median of ${runs} runs`);
for (const [label, ms] of rows) console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(2)}x`);
