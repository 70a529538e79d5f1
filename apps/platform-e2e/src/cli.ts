// The shell: works out the target, runs its suites, writes the reports, prints, returns the exit
// status (0 passed, 1 a check failed, 2 bad usage). Nothing below it prints or exits.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findChromium, launchChromium, type RunningBrowser } from './browser.ts';
import { findRoot, readReleases, RecipeError, type ReleasesFacts } from './releases.ts';
import { summarise, writeReports, junitFile, summaryFile } from './report.ts';
import { runSuites, type CheckResult } from './runner.ts';
import { defaultSuites } from './suites/catalogue.ts';
import { needsBrowser, suites } from './suites/index.ts';
import { checkUrl, deployables, parseExpected, parseInvocation, parseSuites, usage, UsageError, type Deployable, type Invocation, type Target } from './target.ts';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = { cwd: process.cwd(), env: process.env, out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let target: Target;
  let chromiumPath: string | undefined;
  try {
    const invocation = parseInvocation(argv, io.env);
    if (invocation.help) {
      io.out(usage);
      return 0;
    }
    target = await resolveTarget(invocation, io);
    if (target.suites.some((name) => needsBrowser.has(name))) chromiumPath = findChromium(io.env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`platform-e2e: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}`);
      return 2;
    }
    if (error instanceof RecipeError) {
      io.err(`platform-e2e: ${error.format()}`);
      return 2;
    }
    throw error;
  }

  io.out(`platform-e2e: ${target.environment}: ${target.suites.join(', ')} against web ${target.urls.web} and records ${target.urls.records}`);
  // A report of an earlier run must never pass for this one's.
  await rm(resolve(target.out, 'screenshots'), { recursive: true, force: true });
  let browser: Promise<RunningBrowser> | undefined;
  const startedAt = new Date();
  const started = performance.now();
  try {
    const { results, versions } = await runSuites(
      target.suites.map((name) => suites[name]),
      {
        target,
        browser: async () => (await (browser ??= launchChromium(chromiumPath!))).context,
        onResult: (suite, result) => io.out(line(suite, result)),
      },
    );
    const summary = summarise(target, results, versions, startedAt, performance.now() - started);
    await writeReports(target.out, summary, results);
    io.out(`${summary.status === 'passed' ? 'passed' : 'FAILED'}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped in ${(summary.durationMs / 1000).toFixed(1)} s`);
    io.out(`reports: ${resolve(target.out, junitFile)}, ${resolve(target.out, summaryFile)}`);
    return summary.status === 'passed' ? 0 : 1;
  } finally {
    if (browser) await (await browser.catch(() => undefined))?.close();
  }
}

function line(suite: string, result: CheckResult): string {
  const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' }[result.status];
  const text = `${mark} ${suite} › ${result.name} (${Math.round(result.durationMs)} ms)`;
  return result.message ? `${text}\n       ${result.message}` : text;
}

/** Flags and variables first, then the environment's entry in releases/ for what they leave open. */
async function resolveTarget(invocation: Invocation, io: Io): Promise<Target> {
  const { environment } = invocation;
  const releases = await releasesFor(invocation, io);
  const known = releases?.environment;
  const urls = {} as Record<Deployable, string>;
  for (const deployable of deployables) {
    const flag = invocation.urls[deployable];
    const listed = known?.urls[deployable];
    if (flag !== undefined) urls[deployable] = checkUrl(flag, `--${deployable}-url`);
    else if (listed !== undefined) urls[deployable] = checkUrl(listed, `releases/environments.yaml: environments[${environment}].urls.${deployable}`);
    else {
      const where = known
        ? `releases/environments.yaml lists no urls.${deployable} for ${environment}: add it there, or`
        : releases
          ? `${environment} is not an environment of releases/environments.yaml (${releases.environments.join(', ')}): for another target`
          : 'without a releases/ folder';
      throw new UsageError(`no URL for ${deployable}`, `${where} pass --${deployable}-url <url> (or E2E_${deployable.toUpperCase()}_URL)`);
    }
  }
  const suiteList = invocation.suites === undefined ? defaultSuites(environment) : parseSuites(invocation.suites, environment);
  let expected: Target['expected'] = {};
  let expectedFrom = '--expect';
  if (invocation.expect.length) expected = parseExpected(invocation.expect);
  else if (known) {
    expected = Object.fromEntries(deployables.flatMap((deployable) => (known.commits[deployable] ? [[deployable, known.commits[deployable]]] : [])));
    expectedFrom = known.recipeFile;
  } else if (suiteList.includes('versions')) {
    throw new UsageError(`the versions suite needs the commits ${environment} must run`, `give --expect <service>=<sha> (or one --expect <sha> for all), or use an environment of releases/ whose recipe.yaml records them`);
  }
  return { environment, urls, expected, expectedFrom, suites: suiteList, out: resolve(io.cwd, invocation.out ?? '.artifacts/e2e') };
}

/** The releases/ facts for the environment; undefined when no releases/ folder is found and none was asked for. */
async function releasesFor(invocation: Invocation, io: Io): Promise<ReleasesFacts | undefined> {
  let root: string;
  try {
    root = invocation.root !== undefined ? resolve(io.cwd, invocation.root) : findRoot(io.cwd, io.env);
  } catch (error) {
    // Outside a checkout (e.g. an image test) every input can come from flags.
    if (error instanceof RecipeError && invocation.root === undefined) return undefined;
    throw error;
  }
  return readReleases(root, invocation.environment);
}
