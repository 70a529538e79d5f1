import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from './report.ts';
import { checkoutCommit, runCli, startStack, startWebWithoutRecords, type RunningProcess } from './test-support/local-stack.ts';

const allSuites = 'health,versions,smoke,regression';
const otherCommit = 'abcdef0123456789abcdef0123456789abcdef01';

interface Case {
  name: string;
  failure?: unknown;
  skipped?: unknown;
}

/** The JUnit report as suite name -> its test cases, read with a real XML parser. */
async function junitCases(out: string): Promise<{ totals: Record<string, string>; suites: Map<string, Case[]> }> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  const xml = parser.parse(await readFile(join(out, 'junit.xml'), 'utf8')) as { testsuites: Record<string, string> & { testsuite: { name: string; testcase: Case[] }[] } };
  const { testsuite, ...totals } = xml.testsuites;
  return { totals, suites: new Map(testsuite.map((suite) => [suite.name, suite.testcase])) };
}

function failuresOf(suites: Map<string, Case[]>): string[] {
  return [...suites.values()].flat().flatMap((testCase) => (testCase.failure === undefined ? [] : [testCase.name]));
}

function failureMessage(testCase: Case | undefined): string {
  const failure = testCase?.failure as { message?: string } | string | undefined;
  return typeof failure === 'object' ? (failure.message ?? '') : (failure ?? '');
}

async function summaryOf(out: string): Promise<Summary> {
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
}

/** A repository holding only releases/: one environment "dev" at these URLs running these commits. */
async function releasesRoot(urls: { web: string; records: string }, commits: { web: string; records: string }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'platform-e2e-releases-'));
  await mkdir(join(root, 'releases', 'dev'), { recursive: true });
  await writeFile(
    join(root, 'releases', 'environments.yaml'),
    [
      'repository: { url: https://example.com/acme/platform.git }',
      'environments:',
      '  - name: dev',
      '    namespace: platform-dev',
      '    urls:',
      `      web: ${urls.web}`,
      `      records: ${urls.records}`,
      '  - name: prod',
      '    namespace: platform-prod',
      'services:',
      '  records: { project: services/records, chart: charts/records, image: ghcr.io/acme/records }',
      '  web: { project: apps/web, chart: charts/web, image: ghcr.io/acme/web }',
      '',
    ].join('\n'),
  );
  const recipe = (env: string, services: { web: string; records: string }) =>
    `environment: ${env}\nservices:\n  records:\n    commit: ${services.records}\n  web:\n    commit: ${services.web}\n`;
  await writeFile(join(root, 'releases', 'dev', 'recipe.yaml'), recipe('dev', commits));
  await mkdir(join(root, 'releases', 'prod'), { recursive: true });
  await writeFile(join(root, 'releases', 'prod', 'recipe.yaml'), recipe('prod', commits));
  return root;
}

const scratch: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

describe('platform-e2e against npm start (records on SQLite, web, on free ports)', () => {
  let stack: RunningProcess;
  const commit = checkoutCommit();

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('passes every suite against the checkout, writing JUnit, the summary and screenshots under --out', async () => {
    const out = await tempDir('platform-e2e-out-');
    const run = await runCli(['--env', 'local', '--web-url', stack.urls.web, '--records-url', stack.urls.records, '--suites', allSuites, '--expect', commit, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);

    const { totals, suites } = await junitCases(out);
    expect(totals).toMatchObject({ name: 'platform-e2e local', failures: '0', errors: '0', skipped: '0' });
    expect([...suites.keys()]).toEqual(['local health', 'local versions', 'local smoke', 'local regression']);
    expect(suites.get('local health')!.map((testCase) => testCase.name)).toEqual(['web answers /healthz', 'web answers /readyz', 'records answers /healthz', 'records answers /readyz']);
    expect(Number(totals.tests)).toBe([...suites.values()].flat().length);

    const summary = await summaryOf(out);
    expect(summary).toMatchObject({ environment: 'local', status: 'passed', failed: 0, skipped: 0, expectedFrom: '--expect', urls: stack.urls });
    expect(summary.versions.records?.commit).toBe(commit);
    expect(summary.versions.web?.commit).toBe(commit);
    expect(summary.versions.records?.apiVersion).toBe(1);
    expect(summary.suites.map(({ suite, passed, failed, skipped }) => [suite, passed, failed, skipped])).toEqual([
      ['health', 4, 0, 0],
      ['versions', 2, 0, 0],
      ['smoke', 3, 0, 0],
      ['regression', 5, 0, 0],
    ]);
    expect(summary.durationMs).toBeGreaterThan(0);

    const screenshots = summary.suites.flatMap((suite) => suite.checks.flatMap((check) => check.screenshots));
    expect(screenshots).toEqual(expect.arrayContaining(['screenshots/smoke-page.png', 'screenshots/regression-record-added.png', 'screenshots/regression-empty-name-refused.png']));
    for (const screenshot of screenshots) expect((await readFile(join(out, screenshot))).subarray(1, 4).toString()).toBe('PNG');
  });

  it('reads the expected commits from releases/<env>/recipe.yaml, and a mismatch fails naming both SHAs', async () => {
    const matching = await releasesRoot(stack.urls, { web: commit, records: commit });
    scratch.push(matching);
    const passed = await runCli(['--env', 'dev', '--root', matching, '--out', await tempDir('platform-e2e-out-')]);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain('dev: health, versions against');
    expect(passed.stdout).toContain('ok   versions › web runs the commit of releases/dev/recipe.yaml');

    const drifted = await releasesRoot(stack.urls, { web: otherCommit, records: commit });
    scratch.push(drifted);
    const out = await tempDir('platform-e2e-out-');
    const failed = await runCli(['--env', 'dev', '--root', drifted, '--out', out]);
    expect(failed.code).toBe(1);
    const { suites } = await junitCases(out);
    expect(failuresOf(suites)).toEqual(['web runs the commit of releases/dev/recipe.yaml']);
    const message = failureMessage(suites.get('dev versions')!.find((testCase) => testCase.name === 'web runs the commit of releases/dev/recipe.yaml'));
    expect(message).toBe(`web answers commit ${commit} (version 0.0.0-development) but releases/dev/recipe.yaml expects ${otherCommit}`);
    expect(failed.stdout).toContain(otherCommit);
    expect((await summaryOf(out)).status).toBe('failed');
  });

  it('takes URLs from flags and E2E_* variables before environments.yaml, for a port-forward', async () => {
    const nowhere = { web: 'http://127.0.0.1:9', records: 'http://127.0.0.1:9' };
    const root = await releasesRoot(nowhere, { web: commit, records: commit });
    scratch.push(root);
    const run = await runCli(['--env', 'dev', '--root', root, '--web-url', stack.urls.web, '--out', await tempDir('platform-e2e-out-')], { env: { E2E_RECORDS_URL: stack.urls.records } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`against web ${stack.urls.web} and records ${stack.urls.records}`);
  });
});

describe('platform-e2e with records stopped', () => {
  let web: RunningProcess;

  beforeAll(async () => {
    web = await startWebWithoutRecords();
  });
  afterAll(async () => {
    await web?.stop();
  });

  it('exits 1 and the JUnit names every failing check, skipping those that need them', async () => {
    const out = await tempDir('platform-e2e-out-');
    const run = await runCli(['--env', 'local', '--web-url', web.urls.web, '--records-url', web.urls.records, '--suites', allSuites, '--expect', checkoutCommit(), '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(1);

    const { totals, suites } = await junitCases(out);
    expect(failuresOf(suites)).toEqual([
      'records answers /healthz',
      'records answers /readyz',
      'records runs the commit of --expect',
      'the records API answers with the record count',
      'the page shows both versions and the record count',
      'the page loads with the record count and no API-compatibility banner',
      'the records API refuses invalid records with 400 and stores none',
    ]);
    expect(failureMessage(suites.get('local health')![2])).toContain(`GET ${web.urls.records}/healthz got no answer: ECONNREFUSED`);
    expect(failureMessage(suites.get('local smoke')![1])).toContain('records is unreachable');
    const skipped = [...suites.values()].flat().filter((testCase) => testCase.skipped !== undefined).map((testCase) => testCase.name);
    expect(skipped).toEqual(['nothing was written: the record count is unchanged', 'a record added through the page raises the count the page shows', 'the records API counts the record added through the page', 'the page refuses an empty record name, in the browser and on the server']);
    expect(totals).toMatchObject({ failures: '7', skipped: '4' });

    const summary = await summaryOf(out);
    expect(summary).toMatchObject({ status: 'failed', failed: 7, skipped: 4 });
    expect(summary.versions).toEqual({ web: { version: expect.any(String), commit: checkoutCommit() } });
    expect(run.stdout).toContain('FAIL health › records answers /healthz');
    // The page as the failing check saw it.
    expect(summary.suites.find((suite) => suite.suite === 'smoke')!.checks[1]!.screenshots).toEqual(['screenshots/smoke-the-page-shows-both-versions-and-the-record-count-failed.png']);
  });
});

describe('platform-e2e refuses bad usage with exit 2, naming the input and the fix', () => {
  it('an environment releases/ does not know, without URLs', async () => {
    const run = await runCli(['--env', 'staing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('platform-e2e: no URL for web');
    expect(run.stderr).toContain('staing is not an environment of releases/environments.yaml (dev, staging, prod): for another target pass --web-url <url> (or E2E_WEB_URL)');
  });

  it('regression against prod, which the suites only read', async () => {
    const run = await runCli(['--env', 'prod', '--suites', 'health,regression']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--suites: regression writes data, and prod is read-only for the suites');
    expect(run.stderr).toContain('run smoke there instead (its suites: health, versions, smoke)');
  });

  it('an unknown suite, a malformed commit and a URL that is not http(s)', async () => {
    const base = ['--env', 'local', '--web-url', 'http://127.0.0.1:9', '--records-url', 'http://127.0.0.1:9'];
    expect((await runCli([...base, '--suites', 'health,load'])).stderr).toContain('--suites: unknown suite "load"\n  use one or more of: health, versions, smoke, regression');
    expect((await runCli([...base, '--expect', 'records=main'])).stderr).toContain('--expect records=main: "main" is not a commit SHA');
    expect((await runCli([...base, '--expect', 'shop=abcdef0'])).stderr).toContain('"shop" is not a deployable\n  use one of: web, records');
    const ftp = await runCli(['--env', 'local', '--web-url', 'ftp://example.com', '--records-url', 'http://127.0.0.1:9', '--suites', 'health']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('--web-url: "ftp://example.com" is not an http(s) URL');
  });

  it('the versions suite without expected commits', async () => {
    const run = await runCli(['--env', 'local', '--web-url', 'http://127.0.0.1:9', '--records-url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the versions suite needs the commits local must run');
  });

  it('a CHROMIUM_PATH that does not exist, before anything runs', async () => {
    const out = await tempDir('platform-e2e-out-');
    const run = await runCli(['--env', 'local', '--web-url', 'http://127.0.0.1:9', '--records-url', 'http://127.0.0.1:9', '--suites', 'smoke', '--out', out], { env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium: no such file');
    await expect(readFile(join(out, 'junit.xml'))).rejects.toThrow(/ENOENT/);
  });

  it('a broken releases/environments.yaml, naming its file and line', async () => {
    const root = await tempDir('platform-e2e-releases-');
    await mkdir(join(root, 'releases'), { recursive: true });
    await writeFile(join(root, 'releases', 'environments.yaml'), 'repository: { url: u }\nenvironments:\n  - name: dev\n    namespace: d\n    urls: { web: dev.example.com }\nservices: { web: { project: a, chart: b, image: c } }\n');
    const run = await runCli(['--env', 'dev', '--root', root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('releases/environments.yaml:5:');
    expect(run.stderr).toContain('environments[0].urls.web');
  });
});
