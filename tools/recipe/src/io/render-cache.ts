// Rendered manifests kept in the user's cache (XDG_CACHE_HOME, else ~/.cache, under recipe/renders),
// keyed by everything helm template reads: the same chart commit with the same values renders the
// same manifests, so a promotion rendered once is not rendered again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export interface RenderInput {
  helm: string;
  commit: string;
  chart: string;
  chartLibraries: readonly string[];
  release: string;
  namespace: string;
  values: Record<string, unknown>;
}

/** The cache folder: $XDG_CACHE_HOME/recipe/renders, else ~/.cache/recipe/renders. */
export function renderCacheDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'recipe', 'renders');
}

/** SHA-256 of the render's inputs; the values are hashed as canonical JSON (keys sorted). */
export function renderKey(input: RenderInput): string {
  return createHash('sha256').update(JSON.stringify([1, input.helm, input.commit, input.chart, [...input.chartLibraries], input.release, input.namespace, canonical(input.values)])).digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}

export class RenderCache {
  private readonly dir: string | undefined;

  constructor(dir: string | undefined) {
    this.dir = dir;
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.dir) return undefined;
    try {
      return await readFile(path.join(this.dir, `${key}.yaml`), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written (read-only home) costs only speed. */
  async set(key: string, manifests: string): Promise<void> {
    if (!this.dir) return;
    try {
      await mkdir(this.dir, { recursive: true });
      const temp = path.join(this.dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}`);
      await writeFile(temp, manifests);
      await rename(temp, path.join(this.dir, `${key}.yaml`));
    } catch {
      // Nothing to do: the next run renders again.
    }
  }
}
