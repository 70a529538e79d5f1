import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeAll(() => {
  repo = createFixtureRepo();
});
afterAll(() => repo.cleanup());

const short = (sha: string) => sha.slice(0, 7);

test('diff lists per service the commits between, grouped by type with breaking changes first', async () => {
  const result = await runRecipe(repo.root, ['diff', 'staging', 'dev']);
  expect(result.code).toBe(0);
  const [r0, r1, r2, r3] = repo.commits.records.map(short);
  expect(result.stdout).toContain(`records: ${r1} -> ${r3} (1.0.0 -> 1.0.0)\n  2 commits added  https://example.test/acme/platform/compare/${repo.commits.records[1]}...${repo.commits.records[3]}\n  BREAKING CHANGES:\n    - records: clients must call /records. (${r2}, Ada Lovelace)\n  Features:\n    - records: rename /items to /records (${r2}, Ada Lovelace)\n  Performance:\n    - records: index the name column (${r3}, Ada Lovelace)\n`);
  expect(result.stdout).not.toContain(r0);
  expect(result.stdout).toContain(`web: ${short(repo.commits.web[0]!)} -> ${short(repo.commits.web[1]!)}`);
  expect(result.stdout).not.toContain('explain the layout');
});

test('diff towards an older commit says it goes back and lists what would be removed', async () => {
  const result = await runRecipe(repo.root, ['diff', 'staging', 'prod', '--json']);
  const [records] = JSON.parse(result.stdout).services;
  expect(records.direction).toBe('backward');
  expect(records.commits.map((c: { commit: string }) => c.commit)).toEqual([repo.commits.records[1]]);
  expect((await runRecipe(repo.root, ['diff', 'staging', 'prod'])).stdout).toContain('goes BACK: 1 commit removed');
});

test('diff between environments that run the same commits says so', async () => {
  const result = await runRecipe(repo.root, ['diff', 'prod', 'prod']);
  expect(result.stdout).toBe('prod and prod run the same commits\n');
});

test('diff needs two known environments', async () => {
  expect((await runRecipe(repo.root, ['diff', 'dev'])).code).toBe(2);
  const result = await runRecipe(repo.root, ['diff', 'dev', 'qa']);
  expect([result.code, result.stderr]).toEqual([2, 'recipe: releases/environments.yaml: environments: unknown environment "qa"\n  fix: use one of: dev, staging, prod\n']);
});

test('diff --manifests prints the unified diff of helm template at each commit with each environment values, Secret data masked', async () => {
  const result = await runRecipe(repo.root, ['diff', 'prod', 'dev', '--manifests']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const patch = result.stdout.slice(result.stdout.indexOf('==='));
  expect(patch).toContain(`--- prod/records\t${short(repo.commits.records[0]!)}\n+++ dev/records\t${short(repo.commits.records[3]!)}`);
  expect(patch).toContain('-  greeting: hello\n-  replicas: "3"\n');
  expect(patch).toContain('+  greeting: hello-again\n+  replicas: "1"\n');
  expect(patch).toContain(`+  image: ghcr.io/acme/platform/records:${repo.commits.records[3]}`);
  expect(result.stdout).not.toMatch(/s3cret|cHct/);
  expect(result.stdout).toContain('--- prod/web');
});

test('a service that only one environment runs is reported as added or removed', async () => {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const file = `${repo.root}/releases/prod/recipe.yaml`;
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, before.replace(/ {2}web:\n {4}commit: [0-9a-f]{40}\n {4}version: 2.0.0\n/, ''));
  try {
    const services = JSON.parse((await runRecipe(repo.root, ['diff', 'prod', 'dev', '--json'])).stdout).services as Array<{ service: string; direction: string }>;
    expect(services.map((s) => [s.service, s.direction])).toEqual([['records', 'forward'], ['web', 'added']]);
    const text = (await runRecipe(repo.root, ['diff', 'dev', 'prod'])).stdout;
    expect(text).toContain(`web: ${short(repo.commits.web[1]!)} -> - (2.0.0 -> -)\n  not in prod`);
  } finally {
    writeFileSync(file, before);
  }
});

test('a side can be an environment at a git revision, to review a rollback before it merges', async () => {
  const other = createFixtureRepo();
  try {
    await runRecipe(other.root, ['set', 'dev', `records=${other.commits.records[1]}@0.9.0`, '--commit']);
    const result = await runRecipe(other.root, ['diff', 'dev@HEAD~1', 'dev', '--json', '--manifests']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect([report.from, report.to]).toEqual(['dev@HEAD~1', 'dev']);
    expect(report.services.map((s: { service: string; direction: string; commits: unknown[] }) => [s.service, s.direction, s.commits.length])).toEqual([['records', 'backward', 2]]);
    expect(report.manifests.map((m: { service: string }) => m.service)).toEqual(['records']);
    expect(report.manifests[0].patch).toContain('--- dev@HEAD~1/records');
  } finally {
    other.cleanup();
  }
});

test('a revision where the recipe does not exist is refused with exit 2', async () => {
  const result = await runRecipe(repo.root, ['diff', `dev@${repo.commits.records[0]}`, 'dev']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`releases/dev/recipe.yaml does not exist at "${repo.commits.records[0]}"`);
});

test('a revision that git would read as an option is refused before git runs, and nothing is written', async () => {
  const { mkdirSync, mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const out = mkdtempSync(`${tmpdir()}/recipe-injection-`);
  try {
    // `git show --output=<out>/x:releases/prod/recipe.yaml` would write there: make that folder exist.
    mkdirSync(`${out}/x:releases/prod`, { recursive: true });
    for (const side of [`prod@--output=${out}/x`, 'prod@-p', 'prod@HEAD:releases/dev/recipe.yaml']) {
      const result = await runRecipe(repo.root, ['diff', 'dev', side, '--manifests']);
      expect(readdirSync(`${out}/x:releases/prod`)).toEqual([]);
      expect([side, result.code, result.stdout]).toEqual([side, 2, '']);
      expect(result.stderr).toContain(`recipe: ${side}: ${JSON.stringify(side.slice(5))} is not a git revision recipe accepts\n  fix: give a commit SHA, HEAD`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('diff --manifests masks a Secret inside a List and its copy in the last-applied-configuration annotation', async () => {
  const other = createFixtureRepo();
  try {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${other.root}/charts/records/templates`, { recursive: true });
    // The annotation holds the Secret as JSON, as `kubectl apply` leaves it; both depend on the commit so both sides differ.
    writeFileSync(
      `${other.root}/charts/records/templates/secret-list.yaml`,
      `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Secret
        metadata:
          name: listed
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: {{ dict "apiVersion" "v1" "kind" "Secret" "data" (dict "password" (printf "applied-pw-%s" .Values.image.tag | b64enc)) "stringData" (dict "token" (printf "applied-t0ken-%s" .Values.image.tag)) | toJson | quote }}
        data:
          password: {{ printf "listed-pw-%s" .Values.image.tag | b64enc | quote }}
        stringData:
          token: "listed-t0ken-{{ .Values.image.tag }}"
`,
    );
    other.git(['add', '-A']);
    other.git(['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', 'feat(records): a secret list']);
    const commit = other.git(['rev-parse', 'HEAD']);
    expect((await runRecipe(other.root, ['set', 'dev', `records=${commit}`])).code).toBe(0);
    const result = await runRecipe(other.root, ['diff', 'prod', 'dev', '--manifests']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('+kind: List\n+items:\n+  - apiVersion: v1\n+    kind: List\n');
    expect(result.stdout).toContain('+        data:\n+          password: <masked>\n+        stringData:\n+          token: <masked>\n');
    expect(result.stdout).toContain('kubectl.kubernetes.io/last-applied-configuration: \'{"apiVersion":"v1","data":{"password":"<masked>"},"kind":"Secret","stringData":{"token":"<masked>"}}\'');
    const encoded = (text: string) => Buffer.from(text).toString('base64').slice(0, 12);
    for (const leak of ['applied-t0ken', 'listed-t0ken', encoded('applied-pw-'), encoded('listed-pw-')]) expect([leak, result.stdout.includes(leak)]).toEqual([leak, false]);
  } finally {
    other.cleanup();
  }
});

test('diff --manifests builds a chart with the library chart it takes through file:// at the same commit', async () => {
  const other = createFixtureRepo();
  try {
    const { mkdirSync, writeFileSync, readFileSync } = await import('node:fs');
    mkdirSync(`${other.root}/charts/common/templates`, { recursive: true });
    writeFileSync(`${other.root}/charts/common/Chart.yaml`, 'apiVersion: v2\nname: common\ntype: library\nversion: 0.1.0\n');
    writeFileSync(`${other.root}/charts/common/templates/_banner.tpl`, '{{- define "common.banner" -}}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-banner\ndata:\n  chart: {{ .Chart.Name }}\n  from: the-library\n{{- end }}\n');
    const chartFile = `${other.root}/charts/records/Chart.yaml`;
    writeFileSync(chartFile, `${readFileSync(chartFile, 'utf8')}dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n`);
    writeFileSync(`${other.root}/charts/records/templates/banner.yaml`, '{{- include "common.banner" . }}\n');
    other.git(['add', '-A']);
    other.git(['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', 'feat(records): a banner from the library chart']);
    const commit = other.git(['rev-parse', 'HEAD']);
    expect((await runRecipe(other.root, ['set', 'dev', `records=${commit}`])).code).toBe(0);
    const result = await runRecipe(other.root, ['diff', 'prod', 'dev', '--manifests']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('+  name: records-banner\n+data:\n+  chart: records\n+  from: the-library\n');
  } finally {
    other.cleanup();
  }
});

test('diff --manifests renders only what differs, and the same inputs again come from the render cache', async () => {
  const { readdirSync, readFileSync, writeFileSync, rmSync } = await import('node:fs');
  const cache = `${process.env.XDG_CACHE_HOME}/recipe/renders`;
  rmSync(cache, { recursive: true, force: true });
  // The same commits and values on both sides: nothing to render at all.
  const same = await runRecipe(repo.root, ['diff', 'dev@HEAD', 'dev', '--manifests']);
  expect([same.code, same.stdout.trim().split('\n').at(-1)]).toEqual([0, 'rendered manifests are identical']);
  expect(() => readdirSync(cache)).toThrow();
  const first = await runRecipe(repo.root, ['diff', 'prod', 'dev', '--manifests']);
  const renders = readdirSync(cache).filter((name) => name.endsWith('.yaml'));
  expect(renders).toHaveLength(4);
  // A second run reads the cache: a marker put into every cached render shows up in the diff.
  for (const name of renders) writeFileSync(`${cache}/${name}`, `${readFileSync(`${cache}/${name}`, 'utf8')}# cached ${name}\n`);
  const second = await runRecipe(repo.root, ['diff', 'prod', 'dev', '--manifests']);
  expect(second.code).toBe(0);
  expect(second.stdout).not.toBe(first.stdout);
  expect(second.stdout).toMatch(/[-+]# cached [0-9a-f]{64}\.yaml/);
});
