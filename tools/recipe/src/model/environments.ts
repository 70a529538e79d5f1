// releases/environments.yaml: the promotion path and the services, validated into plain data.
import { RecipeError } from './errors.ts';
import { environmentsSchema, schemaProblems, type EnvironmentsDocument } from './schema.ts';
import { problemAt, type PathSegment, type YamlFile } from './yaml-file.ts';

// The types derive from the schema (schema.ts); only what validation adds is written here.
type RawEnvironment = EnvironmentsDocument['environments'][number];

/** Promotion gates of an environment: verified, soak, evidence. */
export type Gates = NonNullable<RawEnvironment['gates']>;

/** A webhook told about release steps; its URL is a secret, read from the named environment variable. */
export type Webhook = NonNullable<RawEnvironment['notify']>[number];

/** An environment with its defaults filled in. */
export type Environment = Omit<RawEnvironment, 'context' | 'auto' | 'from' | 'gates' | 'urls' | 'notify'> & {
  /** Default: the environment's name. */
  context: string;
  auto: boolean;
  /** The environment it is promoted from (default: the one before it); undefined for the first one. */
  from?: string;
  gates: Gates;
  /** Service -> the base URL its post-deploy suites reach it at; empty when none are listed. */
  urls: Record<string, string>;
  notify: Webhook[];
};

export type Service = EnvironmentsDocument['services'][string];

export type Repository = Omit<EnvironmentsDocument['repository'], 'baseBranch'> & {
  /** Default: main. */
  baseBranch: string;
};

/** Which snapshots `recipe snapshots prune` keeps in the working tree (defaults filled in). */
export interface SnapshotRetention {
  /** The newest snapshots of each environment, by their latest verification there. */
  keep: number;
  /** Every snapshot an environment ran or was recorded in within this time: `30d`. */
  window: string;
}

export const DEFAULT_RETENTION: SnapshotRetention = { keep: 20, window: '30d' };

export interface Environments {
  repository: Repository;
  /** In promotion order. */
  environments: Environment[];
  services: Record<string, Service>;
  snapshots: SnapshotRetention;
}

/** Validates the parsed file; returns the value, or every problem found. */
export function validateEnvironments(yaml: YamlFile): { value?: Environments; problems: RecipeError[] } {
  const problems = schemaProblems(yaml, environmentsSchema);
  if (problems.length) return { problems };
  const raw = yaml.data as EnvironmentsDocument;
  const seen = new Map<string, number>();
  raw.environments.forEach((env, index) => {
    if (seen.has(env.name)) {
      problems.push(problemAt(yaml, ['environments', index, 'name'], `environment "${env.name}" is listed twice (also at environments[${seen.get(env.name)}])`, 'give each environment a unique name'));
    }
    seen.set(env.name, index);
  });
  raw.environments.forEach((env, index) => {
    if (env.from !== undefined && (!seen.has(env.from) || env.from === env.name)) {
      problems.push(problemAt(yaml, ['environments', index, 'from'], `"${env.from}" is not another environment`, `use one of: ${[...seen.keys()].filter((n) => n !== env.name).join(', ')}`));
    }
  });
  const services = Object.keys(raw.services ?? {});
  raw.environments.forEach((env, index) => {
    for (const service of Object.keys(env.urls ?? {})) {
      if (!services.includes(service)) {
        problems.push(problemAt(yaml, ['environments', index, 'urls', service], `"${service}" is not a service of services:`, `use one of: ${services.join(', ') || '(none listed)'}`));
      }
    }
  });
  for (const [service, entry] of Object.entries(raw.services ?? {})) {
    const paths: Array<[PathSegment[], unknown]> = [
      [['services', service, 'project'], entry.project],
      [['services', service, 'chart'], entry.chart],
      ...((entry as { chartLibraries?: unknown[] }).chartLibraries ?? []).map((library, n): [PathSegment[], unknown] => [['services', service, 'chartLibraries', n], library]),
    ];
    for (const [at, value] of paths) {
      const why = typeof value === 'string' ? repositoryPathProblem(value) : undefined;
      if (why) problems.push(problemAt(yaml, at, `"${String(value)}" ${why}`, 'write a path inside the monorepo relative to its root, e.g. services/records or charts/records'));
    }
  }
  if (problems.length) return { problems };
  const environments = raw.environments.map((env, index): Environment => ({
    name: env.name,
    namespace: env.namespace,
    context: env.context ?? env.name,
    auto: env.auto ?? false,
    from: env.from ?? (index > 0 ? raw.environments[index - 1]?.name : undefined),
    gates: env.gates ?? {},
    urls: env.urls ?? {},
    notify: env.notify ?? [],
  }));
  return {
    value: {
      repository: { ...raw.repository, baseBranch: raw.repository.baseBranch ?? 'main' },
      environments,
      services: raw.services ?? {},
      snapshots: { ...DEFAULT_RETENTION, ...raw.snapshots },
    },
    problems,
  };
}

/** The environment named `name`, or a usage error listing the known ones. */
export function findEnvironment(environments: Environments, name: string | undefined): Environment {
  const env = environments.environments.find((candidate) => candidate.name === name);
  if (!env) {
    const known = environments.environments.map((candidate) => candidate.name).join(', ');
    throw new RecipeError(name === undefined ? 'no environment given' : `unknown environment "${name}"`, {
      file: 'releases/environments.yaml',
      field: 'environments',
      hint: `use one of: ${known}`,
    });
  }
  return env;
}

export function serviceNames(environments: Environments): string[] {
  return Object.keys(environments.services).sort();
}

/**
 * Why a path of environments.yaml cannot name a folder of the monorepo: absolute, climbing out
 * with "..", or not in plain form. Undefined when it is fine. Render writes these paths into
 * every environment's GitRepository, so one that leaves the repository must never pass.
 */
export function repositoryPathProblem(value: string): string | undefined {
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return 'is an absolute path: it must be relative to the repository root';
  if (value.includes('\\')) return 'uses backslashes: write it with "/"';
  const parts = value.replace(/\/+$/, '').split('/');
  if (parts.includes('..')) return 'climbs out with "..": it must stay inside the repository';
  if (parts.some((part) => part === '' || part === '.')) return 'is not in plain form (empty or "." segments)';
  return undefined;
}
