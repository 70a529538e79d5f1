// Offline validation of rendered objects against the Kubernetes, Gateway API, cert-manager, Sealed
// Secrets, Prometheus Operator and Flux schemas that the kubernetes-models packages compile.
import { unknownFields } from './strict.ts';

/** Where the model of an API group lives; everything else is in kubernetes-models. */
const modelPackages: ReadonlyArray<{ matches: (group: string) => boolean; pkg: string }> = [
  { matches: (group) => group === 'gateway.networking.k8s.io' || group === 'gateway.networking.x-k8s.io', pkg: '@kubernetes-models/gateway-api' },
  { matches: (group) => group === 'cert-manager.io' || group === 'acme.cert-manager.io', pkg: '@kubernetes-models/cert-manager' },
  { matches: (group) => group === 'bitnami.com', pkg: '@kubernetes-models/sealed-secrets' },
  { matches: (group) => group === 'monitoring.coreos.com', pkg: '@kubernetes-models/prometheus-operator' },
  { matches: (group) => group.endsWith('.toolkit.fluxcd.io'), pkg: '@kubernetes-models/flux-cd' },
];

interface ModelClass {
  prototype: { validate(this: unknown): void };
}

export interface SchemaFinding {
  /** What went wrong, for people: names the field. */
  message: string;
}

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

/** The model's own module: importing one kind, not the whole API group, keeps the checks fast. */
function modulePath(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const home = modelPackages.find((entry) => entry.matches(group))?.pkg ?? 'kubernetes-models';
  return `${home}/${apiVersion}/${kind}`;
}

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let module: Record<string, unknown>;
  try {
    if (!/^[A-Za-z0-9]+$/.test(kind)) return undefined;
    module = (await import(modulePath(apiVersion, kind))) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const model = module[kind];
  return typeof model === 'function' && typeof (model as ModelClass).prototype?.validate === 'function' ? (model as ModelClass) : undefined;
}

/** The model class of an apiVersion and kind, or undefined when no installed schema knows it. */
export function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion} ${kind}`;
  let model = modelCache.get(key);
  if (!model) {
    model = loadModel(apiVersion, kind);
    modelCache.set(key, model);
  }
  return model;
}

/** Schema errors, then (only when the schema passed) every field the schema does not know. */
export async function validateObject(object: Record<string, unknown>): Promise<SchemaFinding[]> {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ message: 'has no apiVersion or kind' }];
  }
  const model = await modelFor(apiVersion, kind);
  if (!model) {
    return [{ message: `no schema for ${apiVersion} ${kind}: a misspelt apiVersion or kind, or an API no installed @kubernetes-models package covers` }];
  }
  try {
    model.prototype.validate.call(object);
  } catch (error) {
    return [{ message: `does not match the ${apiVersion} ${kind} schema: ${(error as Error).message}` }];
  }
  const unknown = unknownFields(object, (proxy) => model.prototype.validate.call(proxy));
  return unknown.map((path) => ({ message: `unknown field ${path}: the ${apiVersion} ${kind} schema has no such field (misspelt?)` }));
}
