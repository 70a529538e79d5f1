// helm through its command line: find the binary, template a chart with given values.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecipeError } from '../model/errors.ts';

/**
 * HELM, else <root>/node_modules/.bin/helm, else the one installed beside recipe itself (a
 * node_modules/.bin above this package), else `helm` on PATH.
 */
export function findHelm(root: string, env: NodeJS.ProcessEnv): string {
  if (env.HELM) return env.HELM;
  const candidates = [path.join(root, 'node_modules', '.bin', 'helm')];
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); path.dirname(dir) !== dir; dir = path.dirname(dir)) candidates.push(path.join(dir, 'node_modules', '.bin', 'helm'));
  return candidates.find((candidate) => existsSync(candidate)) ?? 'helm';
}

export interface TemplateOptions {
  helm: string;
  chartDir: string;
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  /** A scratch folder for the values file. */
  workDir: string;
}

/** helm's environment with its cache, config and data inside the scratch folder, so no run touches the user's. */
export function helmEnv(workDir: string): NodeJS.ProcessEnv {
  return { ...process.env, HELM_CACHE_HOME: path.join(workDir, '.helm-cache'), HELM_CONFIG_HOME: path.join(workDir, '.helm-config'), HELM_DATA_HOME: path.join(workDir, '.helm-data') };
}

/** `helm template` of a chart folder with the values given; the rendered manifests. */
export async function helmTemplate(options: TemplateOptions): Promise<string> {
  const valuesFile = path.join(options.workDir, `values-${options.release}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(valuesFile, JSON.stringify(options.values));
  return new Promise((resolve, reject) => {
    execFile(
      options.helm,
      ['template', options.release, options.chartDir, '--namespace', options.namespace, '--values', valuesFile],
      { maxBuffer: 64 * 1024 * 1024, env: helmEnv(options.workDir) },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new RecipeError(`helm not found (tried "${options.helm}")`, { hint: 'install helm, run "npm install" in the repository (it adds node_modules/.bin/helm), or set HELM to its path' }));
        } else if (error) {
          reject(new RecipeError(`helm template of ${options.chartDir} failed: ${stderr.trim() || error.message}`, { hint: 'the chart or the values do not render; run the same helm template yourself to see why' }));
        } else resolve(stdout);
      },
    );
  });
}
