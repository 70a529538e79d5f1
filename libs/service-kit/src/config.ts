import { readFileSync } from 'node:fs';
import envSchema from 'env-schema';
import { Type, type Static, type TObject } from 'typebox';
import { maskCredentials } from './secrets.ts';

/** The log levels pino knows, as a configuration variable (`LOG_LEVEL`), `info` unless set. */
export const LogLevel = Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' });
export type LogLevel = Static<typeof LogLevel>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The `version` of the package.json in `packageRoot`, the default of `APP_VERSION` outside an image. */
export function packageVersion(packageRoot: URL): string {
  return (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface LoadConfigOptions<Schema extends TObject> {
  /** Appended to a variable's error: how to fix it (`set it to a port number between 0 and 65535`). */
  hints?: Partial<Record<keyof Static<Schema>, string>>;
}

// One line per variable, e.g. `PORT must be integer (got "abc")`, so the fix is obvious from the log.
function describe(errors: AjvError[], env: Record<string, string | undefined>, hints: Partial<Record<string, string>>): string {
  return errors
    .map((error) => {
      const variable = error.keyword === 'required' ? String(error.params.missingProperty) : error.instancePath.replace(/^\//, '');
      const got = env[variable];
      const hint = hints[variable];
      return `${variable} ${error.message ?? 'is invalid'}${got === undefined ? '' : ` (got ${maskCredentials(JSON.stringify(got))})`}${hint ? `: ${hint}` : ''}`;
    })
    .join('; ');
}

/** Reads and validates `env` against `schema`; throws a ConfigError naming every bad variable, credentials masked. */
export function loadEnvConfig<Schema extends TObject>(
  schema: Schema,
  env: Record<string, string | undefined>,
  { hints = {} }: LoadConfigOptions<Schema> = {},
): Static<Schema> {
  // An empty variable counts as unset, so `PORT=` in a manifest means the default rather than 0.
  const data = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  try {
    return envSchema<Static<Schema>>({ schema: structuredClone(schema), data, env: false });
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!errors) throw error;
    throw new ConfigError(`Invalid configuration: ${describe(errors, env, hints as Partial<Record<string, string>>)}`);
  }
}

const levelValues = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** The log level for chatty routes (probes, scrapes): `warn`, or LOG_LEVEL when that is quieter still. */
export function quietLogLevel(configured: LogLevel): LogLevel {
  return levelValues[configured] > levelValues.warn ? configured : 'warn';
}
