// The run's evidence, under one folder: junit.xml (what every CI shows, and what `recipe snapshot
// --evidence` stores) and summary.json beside it (which versions were tested, where, how long).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import type { CheckContext, CheckStatus, SuiteResult } from './runner.ts';
import type { Target } from './target.ts';

// The package's typings describe an ES default export; at run time (CommonJS) the module itself is the builder.
const junit = junitModule as unknown as Builder;

export const junitFile = 'junit.xml';
export const summaryFile = 'summary.json';

export interface SuiteSummary {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  checks: { name: string; status: CheckStatus; durationMs: number; message?: string; screenshots: string[] }[];
}

export interface Summary {
  environment: string;
  status: 'passed' | 'failed';
  startedAt: string;
  durationMs: number;
  urls: Target['urls'];
  /** Deployable -> what its /version answered (only what the versions suite saw). */
  versions: CheckContext['versions'];
  expected: Target['expected'];
  expectedFrom: string;
  suites: SuiteSummary[];
  passed: number;
  failed: number;
  skipped: number;
  junit: string;
}

export function summarise(target: Target, results: SuiteResult[], versions: CheckContext['versions'], startedAt: Date, durationMs: number): Summary {
  const suites = results.map((suite): SuiteSummary => ({
    suite: suite.name,
    passed: suite.checks.filter((check) => check.status === 'passed').length,
    failed: suite.checks.filter((check) => check.status === 'failed').length,
    skipped: suite.checks.filter((check) => check.status === 'skipped').length,
    durationMs: Math.round(suite.durationMs),
    checks: suite.checks.map((check) => ({ ...check, durationMs: Math.round(check.durationMs) })),
  }));
  const total = (key: 'passed' | 'failed' | 'skipped') => suites.reduce((sum, suite) => sum + suite[key], 0);
  return {
    environment: target.environment,
    status: total('failed') === 0 ? 'passed' : 'failed',
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    urls: target.urls,
    versions,
    expected: target.expected,
    expectedFrom: target.expectedFrom,
    suites,
    passed: total('passed'),
    failed: total('failed'),
    skipped: total('skipped'),
    junit: junitFile,
  };
}

/** One <testsuite> per suite, one <testcase> per check; the environment and seen commits as properties. */
export function junitReport(summary: Summary, results: SuiteResult[]): string {
  const builder = junit.newBuilder().name(`platform-e2e ${summary.environment}`);
  for (const suite of results) {
    const element = builder
      .testSuite()
      .name(`${summary.environment} ${suite.name}`)
      .timestamp(suite.startedAt)
      .time(seconds(suite.durationMs))
      .property('environment', summary.environment);
    for (const [deployable, seen] of Object.entries(summary.versions)) element.property(`${deployable}.commit`, seen.commit);
    for (const check of suite.checks) {
      const testCase = element.testCase().className(`platform-e2e.${suite.name}`).name(check.name).time(seconds(check.durationMs));
      if (check.status === 'failed') testCase.failure(check.message);
      if (check.status === 'skipped') testCase.skipped().standardOutput(check.message);
      // GitLab and Jenkins show [[ATTACHMENT|path]] entries as the test's attachments.
      for (const screenshot of check.screenshots) testCase.errorAttachment(screenshot);
    }
  }
  return builder.build();
}

/** Milliseconds as seconds to the millisecond, as JUnit's time attributes carry them. */
function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export async function writeReports(out: string, summary: Summary, results: SuiteResult[]): Promise<void> {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, junitFile), junitReport(summary, results));
  await writeFile(join(out, summaryFile), `${JSON.stringify(summary, null, 2)}\n`);
}
