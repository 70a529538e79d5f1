// releases/environments.yaml: the promotion path and the services, validated into plain data.
import { RecipeError } from './errors.ts';
import { environmentsSchema, schemaProblems } from './schema.ts';
import { problemAt, type YamlFile } from './yaml-file.ts';

export interface Gates {
  verified?: boolean;
  soak?: string;
  evidence?: string[];
}

/** A webhook told about release steps; its URL is a secret, read from the named environment variable. */
export interface Webhook {
  urlFrom: string;
  format?: 'slack' | 'json';
  /** Which events it hears; all when absent. */
  events?: ('started' | 'succeeded' | 'failed')[];
}

export interface Environment {
  name: string;
  namespace: string;
  context: string;
  auto: boolean;
  /** The environment it is promoted from; undefined for the first one. */
  from?: string;
  gates: Gates;
  /** Service -> the base URL its post-deploy suites reach it at; empty when none are listed. */
  urls: Record<string, string>;
  notify: Webhook[];
}

export interface Service {
  project: string;
  chart: string;
  /** Library charts the chart takes through file:// dependencies; Flux must get them with the chart. */
  chartLibraries?: string[];
  image: string;
}

export interface Repository {
  url: string;
  webUrl?: string;
  baseBranch: string;
  forge?: { type: 'github' | 'gitlab'; apiUrl?: string; project: string };
}

export interface Environments {
  repository: Repository;
  environments: Environment[];
  services: Record<string, Service>;
}

interface RawEnvironment {
  name: string;
  namespace: string;
  context?: string;
  auto?: boolean;
  from?: string;
  gates?: Gates;
  urls?: Record<string, string>;
  notify?: Webhook[];
}

/** Validates the parsed file; returns the value, or every problem found. */
export function validateEnvironments(yaml: YamlFile): { value?: Environments; problems: RecipeError[] } {
  const problems = schemaProblems(yaml, environmentsSchema);
  if (problems.length) return { problems };
  const raw = yaml.data as { repository: Repository; environments: RawEnvironment[]; services: Record<string, Service> | null };
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
