// The `release` Nx target: runs semantic-release for one project with the configuration from
// release-config.ts. In CI on main it tags `<project>-v<version>` and publishes the release on
// the forge; `--dry-run --no-ci` shows what it would do from anywhere.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import semanticRelease from 'semantic-release';
import type { Result } from 'semantic-release';
import { repositoryRoot } from './git.ts';
import { serviceCharts } from './environments.ts';
import { detectForge, releaseConfig, type Forge } from './release-config.ts';

export interface ReleaseRun {
  project: string;
  paths: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  ci?: boolean;
  forge?: Forge;
  repositoryUrl?: string | undefined;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Runs semantic-release for one project; resolves to false when no release is due. */
export async function release(run: ReleaseRun): Promise<Result> {
  const env = run.env ?? process.env;
  const options = {
    ...releaseConfig({ project: run.project, paths: run.paths, forge: run.forge ?? detectForge(env), repositoryUrl: run.repositoryUrl }),
    dryRun: run.dryRun ?? false,
    ci: run.ci ?? true,
  };
  return semanticRelease(options, { cwd: run.cwd, env, ...(run.stdout ? { stdout: run.stdout } : {}), ...(run.stderr ? { stderr: run.stderr } : {}) });
}

const usage = `Usage: node tools/ci/src/release.ts <project> --path <dir> [--path <dir>...] [options]

Runs semantic-release for <project>: commits touching the paths (and the project's chart, from
releases/environments.yaml) decide the next version, the tag is
<project>-v<version>, and the release (with its notes) is published on the forge CI runs on.

Options:
  --dry-run               compute and print the next version and notes; tag and publish nothing
  --no-ci                 allow running outside CI (and on a branch other than the CI one)
  --forge github|gitlab|none  where to publish (default: detected from the CI environment)
  --repository-url <url>  the remote to tag (default: the origin remote)`;

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      path: { type: 'string', multiple: true, default: [] },
      'dry-run': { type: 'boolean', default: false },
      ci: { type: 'boolean', default: true },
      'no-ci': { type: 'boolean', default: false },
      forge: { type: 'string' },
      'repository-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const project = positionals[0];
  if (values.help || !project || values.path.length === 0) {
    (values.help ? process.stdout : process.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const forge = values.forge as Forge | undefined;
  if (forge !== undefined && !['github', 'gitlab', 'none'].includes(forge)) {
    process.stderr.write(`release: --forge must be github, gitlab or none, not "${forge}"\n`);
    return 2;
  }
  const root = repositoryRoot(cwd);
  // The chart (and the library charts it takes) ships with the service: a fix in it is a fix of the service.
  const charts = (await serviceCharts(root)).get(project) ?? [];
  const result = await release({
    project,
    paths: [...values.path, ...charts.filter((folder) => !values.path.includes(folder))],
    cwd: root,
    dryRun: values['dry-run'],
    ci: values.ci && !values['no-ci'],
    forge,
    repositoryUrl: values['repository-url'],
  });
  process.stdout.write(result ? `${project}: ${result.nextRelease.type} release ${result.nextRelease.version} (${result.nextRelease.gitTag})\n` : `${project}: no release due\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`release: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
