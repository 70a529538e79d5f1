// A temporary monorepo for tests: two services with several Conventional Commits each, tiny Helm
// charts, environments.yaml, a recipe, values and rendered flux/ per environment, and a bare
// remote it is pushed to. Real git throughout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateEnvironments } from '../model/environments.ts';
import { validateRecipe } from '../model/recipe.ts';
import { renderEnvironment } from '../model/render.ts';
import { parseYamlFile } from '../model/yaml-file.ts';

export interface FixtureRepo {
  /** A working clone with `origin` = remote, on branch main. */
  root: string;
  /** The bare remote. */
  remote: string;
  /** Commits that touched each service's project folder, oldest first. */
  commits: { records: string[]; web: string[] };
  /** The commit the fixture's releases/ state was committed in (HEAD of main). */
  head: string;
  /** Runs git in `cwd` (default root), returns trimmed stdout. */
  git(args: string[], cwd?: string): string;
  /** Another working clone of the remote, e.g. a second CI job. */
  clone(name: string): string;
  cleanup(): void;
}

export const environmentsYaml = `---
# Test deployment repo.
repository:
  url: https://example.test/acme/platform.git
  webUrl: https://example.test/acme/platform
  baseBranch: main
  forge:
    type: github
    apiUrl: http://127.0.0.1:1/api
    project: acme/platform
environments:
  - name: dev
    namespace: platform-dev
    context: dev
    auto: true
  - name: staging
    namespace: platform-staging
    context: staging
    auto: false
    from: dev
    gates:
      verified: true
  - name: prod
    namespace: platform-prod
    context: prod
    auto: false
    from: staging
    gates:
      verified: true
      soak: 24h
      evidence: [e2e]
services:
  records:
    project: services/records
    chart: charts/records
    image: ghcr.io/acme/platform/records
  web:
    project: apps/web
    chart: charts/web
    image: ghcr.io/acme/platform/web
`;

function chartFiles(service: string, greeting: string): Record<string, string> {
  return {
    [`charts/${service}/Chart.yaml`]: `apiVersion: v2\nname: ${service}\nversion: 0.1.0\nappVersion: "1.0.0"\n`,
    [`charts/${service}/values.yaml`]: `replicaCount: 1\nimage:\n  repository: example/${service}\n  tag: latest\n`,
    [`charts/${service}/templates/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: ${greeting}\n  replicas: "{{ .Values.replicaCount }}"\n  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n`,
    [`charts/${service}/templates/secret.yaml`]: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-demo\ntype: Opaque\nstringData:\n  token: "s3cret-{{ .Values.image.tag | trunc 7 }}"\ndata:\n  password: {{ printf "pw-%s" .Values.image.tag | b64enc | quote }}\n`,
  };
}

function recipeYaml(env: string, records: string, web: string): string {
  return `---
# What runs in ${env}.
environment: ${env}
services:
  records:
    commit: ${records}   # the records service
    version: 1.0.0
  web:
    commit: ${web}
    version: 2.0.0
`;
}

/** path -> SHA-256 of content for every file under dir except .git: compare before and after a command. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(child);
      else out[child] = createHash('sha256').update(readFileSync(path.join(dir, child))).digest('hex');
    }
  };
  walk('');
  return out;
}

/** Writes rendered flux/ folders for every environment of the repository at `root`, as `recipe render` would. */
export function renderFixture(root: string): void {
  const environments = validateEnvironments(parseYamlFile(readFileSync(path.join(root, 'releases/environments.yaml'), 'utf8'), 'releases/environments.yaml')).value!;
  for (const env of environments.environments) {
    const file = `releases/${env.name}/recipe.yaml`;
    const recipe = validateRecipe(parseYamlFile(readFileSync(path.join(root, file), 'utf8'), file), env.name, environments).value!;
    const values: Record<string, Record<string, unknown>> = {};
    for (const service of Object.keys(recipe.services)) {
      try {
        values[service] = parseYamlFile(readFileSync(path.join(root, `releases/${env.name}/values/${service}.yaml`), 'utf8'), 'values').doc.toJS() ?? {};
      } catch {
        values[service] = {};
      }
    }
    const dir = path.join(root, 'releases', env.name, 'flux');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of renderEnvironment({ environments, env, recipe, values })) writeFileSync(path.join(dir, name), text);
  }
}

let template: { base: string; commits: FixtureRepo['commits']; head: string } | undefined;

/**
 * A fresh copy of the fixture (its own working clone and bare remote). The repository is built
 * once per process and copied: the commit dates are fixed, so every copy has the same SHAs.
 */
export function createFixtureRepo(): FixtureRepo {
  template ??= buildTemplate();
  const base = mkdtempSync(path.join(tmpdir(), 'recipe-fixture-'));
  cpSync(template.base, base, { recursive: true });
  const root = path.join(base, 'work');
  const remote = path.join(base, 'remote.git');
  const git = (args: string[], cwd = root) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git(['remote', 'set-url', 'origin', remote]);
  return {
    root,
    remote,
    commits: structuredClone(template.commits),
    head: template.head,
    git,
    clone(name: string) {
      const dir = path.join(base, name);
      git(['clone', '-q', remote, dir], base);
      git(['config', 'user.name', `CI ${name}`], dir);
      git(['config', 'user.email', `${name}@example.test`], dir);
      git(['config', 'commit.gpgsign', 'false'], dir);
      return dir;
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function buildTemplate(): { base: string; commits: FixtureRepo['commits']; head: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'recipe-fixture-template-'));
  process.once('exit', () => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'work');
  const remote = path.join(base, 'remote.git');
  mkdirSync(root);
  let clock = Date.parse('2026-11-01T10:00:00Z') / 1000;
  const env = () => {
    clock += 3600;
    return { ...process.env, GIT_AUTHOR_DATE: `${clock} +0000`, GIT_COMMITTER_DATE: `${clock} +0000`, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.test', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.test' };
  };
  const git = (args: string[], cwd = root) => execFileSync('git', args, { cwd, encoding: 'utf8', env: env(), stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
  };
  const commit = (message: string, files: Record<string, string>) => {
    write(files);
    git(['add', '-A']);
    git(['commit', '-q', '-m', message]);
    return git(['rev-parse', 'HEAD']);
  };

  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Ada Lovelace']);
  git(['config', 'user.email', 'ada@example.test']);
  git(['config', 'commit.gpgsign', 'false']);
  commit('chore: initial layout', {
    'README.md': '# fixture monorepo\n',
    ...chartFiles('records', 'hello'),
    ...chartFiles('web', 'welcome'),
  });
  const records: string[] = [];
  const web: string[] = [];
  records.push(commit('feat(records): store records in MySQL', { 'services/records/src/server.ts': 'export const version = 1;\n' }));
  web.push(commit('feat(web): show the record count', { 'apps/web/src/page.ts': 'export const page = 1;\n' }));
  records.push(commit('fix(records): close the pool on shutdown\n\nThe pool leaked connections.', { 'services/records/src/server.ts': 'export const version = 2;\n', ...chartFiles('records', 'hello-again') }));
  commit('docs: explain the layout', { 'README.md': '# fixture monorepo\n\nTwo services.\n' });
  web.push(commit('fix(web): escape record names', { 'apps/web/src/page.ts': 'export const page = 2;\n' }));
  records.push(commit('feat(records)!: rename /items to /records\n\nBREAKING CHANGE: clients must call /records.', { 'services/records/src/server.ts': 'export const version = 3;\n' }));
  records.push(commit('perf(records): index the name column', { 'services/records/src/server.ts': 'export const version = 4;\n', 'services/records/README.md': 'records\n' }));

  write({
    'releases/environments.yaml': environmentsYaml,
    'releases/dev/recipe.yaml': recipeYaml('dev', records[3]!, web[1]!),
    'releases/staging/recipe.yaml': recipeYaml('staging', records[1]!, web[0]!),
    'releases/prod/recipe.yaml': recipeYaml('prod', records[0]!, web[0]!),
    'releases/dev/values/records.yaml': '---\n# dev: one replica\nreplicaCount: 1\n',
    'releases/prod/values/records.yaml': '---\nreplicaCount: 3\n',
  });
  renderFixture(root);
  const head = commit('chore(releases): seed environments', {});
  git(['init', '-q', '--bare', '-b', 'main', remote], base);
  git(['remote', 'add', 'origin', remote]);
  git(['push', '-q', '-u', 'origin', 'main']);

  return { base, commits: { records, web }, head };
}
