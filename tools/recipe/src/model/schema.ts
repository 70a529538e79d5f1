// JSON Schemas of the releases files: the one source of each format. Ajv checks files against
// them (every violation becomes a RecipeError at the file, line and column of the offending node,
// naming the field and what is expected there); the TypeScript types of the files derive from
// them (FromSchema); docs/formats.md's field tables are generated from them (formats.generate.ts).
import { createRequire } from 'node:module';
import type { FromSchema } from 'json-schema-to-ts';
import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject } from 'ajv';
import * as precompiled from './schema-validators.ts';
import { problemAt, type PathSegment, type YamlFile } from './yaml-file.ts';
import type { RecipeError } from './errors.ts';

/**
 * A name of an environment or a service, in every file: a DNS label that also fits Helm's limit
 * of 53 characters for release names (each service becomes a HelmRelease of the same name).
 */
export const nameSchema = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 53, description: 'a lowercase DNS label such as "records" (letters, digits, dashes)' } as const;
export const commitSchema = { type: 'string', pattern: '^[0-9a-f]{40}$', description: 'the full 40-hex commit SHA of the monorepo (git rev-parse <commit>)' } as const;
const name = nameSchema;
const commit = commitSchema;

export const environmentsSchema = {
  $id: 'environments.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['repository', 'environments', 'services'],
  properties: {
    repository: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'where the services come from: url (what Flux clones), webUrl, baseBranch, forge',
      properties: {
        url: { type: 'string', minLength: 1, description: 'the Git URL Flux clones, e.g. https://github.com/acme/platform.git' },
        webUrl: { type: 'string', minLength: 1, description: 'the web address used for compare links, e.g. https://github.com/acme/platform' },
        baseBranch: {
          type: 'string',
          // A branch name only: the value is put into git refspecs (refs/heads/<baseBranch>), where "a:b" or "-x" would mean something else.
          pattern: '^[A-Za-z0-9_+][A-Za-z0-9_.+-]*(/[A-Za-z0-9_+][A-Za-z0-9_.+-]*)*$',
          maxLength: 200,
          description: 'the branch promotions open pull requests against, e.g. main (letters, digits, "_+.-", "/" between parts)',
        },
        forge: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          description: 'the forge pull requests are opened on: type, apiUrl, project',
          properties: {
            type: { enum: ['github', 'gitlab'], description: 'github or gitlab' },
            apiUrl: { type: 'string', minLength: 1, description: 'the API URL, e.g. https://api.github.com (GitLab in GitLab CI: default CI_API_V4_URL)' },
            project: { type: 'string', minLength: 1, description: 'owner/repo (GitHub, required) or group/project (GitLab; in GitLab CI default CI_PROJECT_PATH)' },
          },
          // GitLab CI names the pipeline's project (CI_PROJECT_PATH); GitHub needs it written here.
          if: { properties: { type: { const: 'github' } } },
          then: { required: ['project'], properties: { project: { description: 'the GitHub repository as owner/repo, e.g. acme/platform' } } },
        },
      },
    },
    environments: {
      type: 'array',
      minItems: 1,
      description: 'the environments in promotion order',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace'],
        description: 'an environment: name, namespace, context, auto, from, gates, urls, notify',
        properties: {
          name,
          namespace: { ...name, maxLength: 63, description: 'the Kubernetes namespace the services run in, e.g. platform-dev' },
          context: { type: 'string', minLength: 1, description: 'the kubeconfig context `recipe verify` uses' },
          auto: { type: 'boolean', description: 'true when CI may update it with `recipe set`' },
          from: { ...name, description: 'the environment it is promoted from (default: the one before it)' },
          gates: {
            type: 'object',
            additionalProperties: false,
            description: 'promotion gates: verified, soak, evidence',
            properties: {
              verified: { type: 'boolean', description: 'true to accept only snapshots verified against the cluster' },
              soak: { type: 'string', pattern: '^[0-9]+[smhd]$', description: 'a duration such as 30m, 24h or 2d' },
              evidence: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'a list of check names, e.g. [e2e]' },
            },
          },
          urls: {
            type: 'object',
            description: 'service -> the base URL the post-deploy suites reach it at, e.g. web: https://dev.example.com',
            propertyNames: name,
            additionalProperties: { type: 'string', pattern: '^https?://[^\\s/]+(/\\S*)?$', description: 'an http(s) URL such as https://records.dev.example.com' },
          },
          notify: {
            type: 'array',
            description: 'webhooks told when a release step of this environment starts, succeeds or fails (recipe notify)',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['urlFrom'],
              description: 'a webhook: urlFrom, format, events',
              properties: {
                urlFrom: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'the name of the environment variable (a CI secret) holding the webhook URL; never the URL itself' },
                format: { enum: ['slack', 'json'], description: 'slack (incoming-webhook JSON) or json (a plain document); default slack' },
                events: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['started', 'succeeded', 'failed'] }, description: 'which events it hears; default all' },
              },
            },
          },
        },
      },
    },
    snapshots: {
      type: 'object',
      additionalProperties: false,
      description: 'which snapshots `recipe snapshots prune` keeps in releases/snapshots/: keep, window (the others stay in git history, found by id)',
      properties: {
        keep: { type: 'integer', minimum: 1, description: 'the newest snapshots of each environment to keep, by their latest verification there (default 20)' },
        window: { type: 'string', pattern: '^[0-9]+[smhd]$', description: 'keep every snapshot an environment ran or was recorded in within this time, the rollback window, e.g. 30d (default 30d)' },
      },
    },
    services: {
      type: 'object',
      description: 'the deployables, keyed by name',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['project', 'chart', 'image'],
        description: 'a service: project, chart, chartLibraries, image',
        properties: {
          project: { type: 'string', minLength: 1, description: 'the path of the service in the monorepo, e.g. services/records' },
          chart: { type: 'string', minLength: 1, description: 'the path of its Helm chart, e.g. charts/records' },
          chartLibraries: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', minLength: 1 },
            description: 'the paths of the library charts its chart depends on through file://, shipped with the chart to Flux, e.g. [charts/platform-lib]',
          },
          image: { type: 'string', pattern: '^[^:@\\s]+$', description: 'the image repository without a tag, e.g. ghcr.io/acme/platform/records' },
        },
      },
    },
  },
} as const;

export const recipeSchema = {
  $id: 'recipe.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['environment', 'services'],
  properties: {
    environment: { ...name, description: 'the name of the environment, the same as its folder' },
    snapshot: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'the full 64-hex id of the snapshot this recipe was filled from' },
    override: { type: 'string', minLength: 1, description: 'why a promotion gate was overridden' },
    hold: {
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      description: 'a hold: reason, since, by (remove it with `recipe unhold <env>`)',
      properties: {
        reason: { type: 'string', minLength: 1, description: 'why the environment is held' },
        since: { type: 'string', description: 'when, as an ISO 8601 time' },
        by: { type: 'string', description: 'who held it' },
      },
    },
    services: {
      type: ['object', 'null'],
      description: 'service -> { commit, version }',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['commit'],
        description: 'a service entry: commit, version',
        properties: {
          commit,
          version: { type: 'string', minLength: 1, description: 'the semantic version of that commit, e.g. 1.4.0' },
        },
      },
    },
  },
} as const;

/** releases/environments.yaml as written, before defaults are filled in (see environments.ts). */
export type EnvironmentsDocument = FromSchema<typeof environmentsSchema>;
/** releases/<env>/recipe.yaml as written (see recipe.ts). */
export type RecipeDocument = FromSchema<typeof recipeSchema>;

export const ajvOptions = { allErrors: true, verbose: true, strict: true, strictTuples: false } as const;

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let ajv: Ajv | undefined;
const compiled = new Map<object, Validate>([
  [environmentsSchema, precompiled.environments as Validate],
  [recipeSchema, precompiled.recipe as Validate],
]);

/** The validator of a schema: compiled ahead of time for the releases files, else by Ajv on first use. */
function validator(schema: object): Validate {
  let validate = compiled.get(schema);
  if (!validate) {
    // Loaded only here: the releases files' validators are precompiled (schema-validators.ts).
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    ajv ??= new AjvClass(ajvOptions);
    validate = ajv.compile(schema) as Validate;
    compiled.set(schema, validate);
  }
  return validate;
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describe(error: ErrorObject): { path: PathSegment[]; message: string; hint?: string; key?: boolean } {
  const path = pathOf(error.instancePath);
  const parent = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, { description?: string }> };
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const what = parent.properties?.[missing]?.description;
      return { path, message: `missing required field "${missing}"`, hint: `add "${missing}:"${what ? ` with ${what}` : ''}` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent.properties ?? {});
      return { path: [...path, extra], key: true, message: `unknown field "${extra}"`, hint: allowed.length ? `remove it or fix its spelling; allowed fields here: ${allowed.join(', ')}` : 'remove it' };
    }
    case 'propertyNames': {
      const bad = (error.params as { propertyName: string }).propertyName;
      return { path: [...path, bad], key: true, message: `"${bad}" is not a valid name`, hint: `use ${name.description}` };
    }
    case 'minItems':
      return { path, message: `must not be empty`, hint: parent.description ? `list ${parent.description}` : undefined };
    case 'type': {
      const expected = (error.params as { type: string | string[] }).type;
      return { path, message: `must be ${Array.isArray(expected) ? expected.join(' or ') : `a${/^[aeiou]/.test(String(expected)) ? 'n' : ''} ${expected}`}`, hint: parent.description ? `expected ${parent.description}` : undefined };
    }
    default:
      return { path, message: `${JSON.stringify(error.data)} ${error.message ?? 'is not valid'}`, hint: parent.description ? `expected ${parent.description}` : undefined };
  }
}

/** Every schema violation of the file's content, each located in the file; empty when valid. */
export function schemaProblems(yaml: YamlFile, schema: object): RecipeError[] {
  const validate = validator(schema);
  if (validate(yaml.data)) return [];
  const problems: RecipeError[] = [];
  for (const error of validate.errors ?? []) {
    // propertyNames reports the name and again through its inner keyword; keep the outer one.
    if (error.propertyName !== undefined && error.keyword !== 'propertyNames') continue;
    // if/then reports what "then" requires, and again that "then" failed; keep the first.
    if (error.keyword === 'if') continue;
    const { path, message, hint, key } = describe(error);
    problems.push(problemAt(yaml, path, message, hint, { key }));
  }
  return problems;
}
