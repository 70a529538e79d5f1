// Offline validation of rendered objects against the Flux CRD schemas (kubernetes-models), so a
// render that Flux would reject fails here rather than in the cluster.
import type { FluxObject } from './render.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

let models: Promise<Record<string, ModelClass>> | undefined;

function loadModels(): Promise<Record<string, ModelClass>> {
  models ??= Promise.all([
    import('@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository'),
    import('@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease'),
  ]).then(([source, helm]) => ({
    'source.toolkit.fluxcd.io/v1/GitRepository': source.GitRepository as unknown as ModelClass,
    'helm.toolkit.fluxcd.io/v2/HelmRelease': helm.HelmRelease as unknown as ModelClass,
  }));
  return models;
}

/** One message per object that does not validate against its schema; empty when all do. */
export async function fluxSchemaProblems(objects: readonly FluxObject[]): Promise<string[]> {
  if (objects.length === 0) return [];
  const byKind = await loadModels();
  const problems: string[] = [];
  for (const object of objects) {
    const Model = byKind[`${object.apiVersion}/${object.kind}`];
    const name = (object.metadata as { name?: string } | undefined)?.name ?? '?';
    if (!Model) {
      problems.push(`${object.kind} ${name}: no schema for ${object.apiVersion}`);
      continue;
    }
    try {
      new Model(object as never).validate();
    } catch (error) {
      problems.push(`${object.kind} ${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}
