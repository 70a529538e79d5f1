// The environment under test: its name, each deployable's URL, the commits it must run and the
// suites to run. Flags win over environment variables, which win over releases/environments.yaml.
import { parseArgs } from 'node:util';
import { defaultSuites, isSuiteName, mayWrite, suiteNames, type SuiteName } from './suites/catalogue.ts';

/** The deployables the suites talk to. */
export const deployables = ['web', 'records'] as const;
export type Deployable = (typeof deployables)[number];

export interface Target {
  environment: string;
  urls: Record<Deployable, string>;
  /** Deployable -> the commit it must answer on /version; empty when only `health` runs. */
  expected: Partial<Record<Deployable, string>>;
  /** Where `expected` comes from, named in failures: releases/<env>/recipe.yaml or --expect. */
  expectedFrom: string;
  suites: SuiteName[];
  out: string;
}

/** A mistake in how the command was called: exit 2 with the message and what to do. */
export class UsageError extends Error {
  readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

export const usage = `platform-e2e: the post-deploy suites, against an environment given by its URLs

usage: platform-e2e --env <name> [--web-url <url>] [--records-url <url>] [--suites <list>]
                    [--expect <service>=<sha> | --expect <sha>]... [--out <dir>] [--root <dir>]

  --env <name>          the environment: URLs from releases/environments.yaml (urls:), expected
                        commits from releases/<name>/recipe.yaml; any other name (e.g. local) needs
                        the URLs and --expect
  --web-url <url>       web's base URL (also E2E_WEB_URL), e.g. a kubectl port-forward
  --records-url <url>   records' base URL (also E2E_RECORDS_URL)
  --suites <list>       comma-separated: ${suiteNames.join(', ')} (also E2E_SUITES);
                        default: dev ${defaultSuites('dev').join('+')}, staging ${defaultSuites('staging').join('+')},
                        prod ${defaultSuites('prod').join('+')}, anything else ${defaultSuites('other').join('+')}
  --expect <svc>=<sha>  the commit a deployable must answer on /version instead of the recipe's;
                        a bare <sha> applies to every deployable (also E2E_EXPECT, comma-separated)
  --out <dir>           where junit.xml, summary.json and screenshots/ go (default .artifacts/e2e)
  --root <dir>          the repository holding releases/ (default: found upwards from here, or RECIPE_ROOT)

Chromium (regression and smoke): CHROMIUM_PATH or PLAYWRIGHT_CHROMIUM_EXECUTABLE, else the usual
install paths. Exit status: 0 every check passed, 1 a check failed, 2 bad usage.`;

export interface Invocation {
  environment: string;
  urls: Partial<Record<Deployable, string>>;
  expect: string[];
  suites?: string;
  out?: string;
  root?: string;
  help: boolean;
}

/** The command line and environment variables, not yet checked against releases/. */
export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        'web-url': { type: 'string' },
        'records-url': { type: 'string' },
        suites: { type: 'string' },
        expect: { type: 'string', multiple: true },
        out: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, 'run platform-e2e --help for the options');
  }
  const { values } = parsed;
  const environment = values.env ?? env.E2E_ENV ?? '';
  if (!values.help && environment === '') throw new UsageError('no environment given', 'pass --env <name>: dev, staging, prod, or a name of your own (e.g. local) with --web-url, --records-url and --expect');
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const urls: Partial<Record<Deployable, string>> = {};
  const web = values['web-url'] ?? fromEnv('E2E_WEB_URL');
  const records = values['records-url'] ?? fromEnv('E2E_RECORDS_URL');
  if (web !== undefined) urls.web = web;
  if (records !== undefined) urls.records = records;
  const expectFromEnv = fromEnv('E2E_EXPECT')?.split(',').map((entry) => entry.trim()).filter(Boolean) ?? [];
  return {
    environment,
    urls,
    expect: values.expect ?? expectFromEnv,
    suites: values.suites ?? fromEnv('E2E_SUITES'),
    out: values.out ?? fromEnv('E2E_OUT'),
    root: values.root,
    help: values.help ?? false,
  };
}

const commitPattern = /^[0-9a-f]{7,40}$/;

/** `--expect` entries as deployable -> commit. */
export function parseExpected(entries: readonly string[]): Partial<Record<Deployable, string>> {
  const expected: Partial<Record<Deployable, string>> = {};
  for (const entry of entries) {
    const [left, right] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
    const commit = (right ?? '').trim();
    if (!commitPattern.test(commit)) throw new UsageError(`--expect ${entry}: "${commit}" is not a commit SHA`, 'give 7 to 40 lowercase hex digits, e.g. --expect records=$(git rev-parse HEAD)');
    if (left === undefined) {
      for (const deployable of deployables) expected[deployable] = commit;
    } else if ((deployables as readonly string[]).includes(left)) {
      expected[left as Deployable] = commit;
    } else {
      throw new UsageError(`--expect ${entry}: "${left}" is not a deployable`, `use one of: ${deployables.join(', ')}`);
    }
  }
  return expected;
}

export function parseSuites(list: string, environment: string): SuiteName[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--suites is empty', `give one or more of: ${suiteNames.join(', ')}`);
  for (const name of names) if (!isSuiteName(name)) throw new UsageError(`--suites: unknown suite "${name}"`, `use one or more of: ${suiteNames.join(', ')}`);
  const suites = suiteNames.filter((name) => names.includes(name));
  if (suites.includes('regression') && !mayWrite(environment)) {
    throw new UsageError(`--suites: regression writes data, and ${environment} is read-only for the suites`, `run smoke there instead (its suites: ${defaultSuites(environment).join(', ')})`);
  }
  return suites;
}

/** Checks a URL from a flag, a variable or environments.yaml; `source` names where it came from. */
export function checkUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${source}: "${url}" is not a URL`, 'give an http(s) base URL such as http://127.0.0.1:8080');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${source}: "${url}" is not an http(s) URL`, 'give an http(s) base URL such as http://127.0.0.1:8080');
  return url.replace(/\/+$/, '');
}
