// Rendered Kubernetes manifests prepared for a readable diff: one stable form per object,
// Secret values masked so a diff never prints a credential.
import { parseAllDocuments, stringify } from 'yaml';

export const MASK = '<masked>';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Secret's data and stringData with every value replaced by the mask (a non-map field entirely). */
function maskSecretFields(secret: Record<string, unknown>): void {
  for (const field of ['data', 'stringData']) {
    if (!(field in secret)) continue;
    const data = secret[field];
    secret[field] = isObject(data) ? Object.fromEntries(Object.keys(data).map((key) => [key, MASK])) : MASK;
  }
}

/** A string holding JSON (a last-applied annotation, a JSON ConfigMap value) with any Secret in it masked; unchanged when it holds none. */
function maskJsonString(text: string): string {
  if (!/^\s*[[{]/.test(text)) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return maskSecrets(parsed) ? JSON.stringify(parsed) : text;
}

/**
 * Masks, in place, the data and stringData of every Secret anywhere in `value`: the object itself,
 * the items of a List or SecretList at any nesting, Secrets embedded in other objects (templates),
 * and Secrets inside JSON strings such as the last-applied-configuration annotation (which is
 * masked whole when it cannot be read). Returns whether anything was masked.
 */
export function maskSecrets(value: unknown, secretItems = false): boolean {
  let masked = false;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (typeof item === 'string') {
        const next = maskJsonString(item);
        if (next !== item) [value[index], masked] = [next, true];
      } else if (maskSecrets(item, secretItems)) masked = true;
    });
    return masked;
  }
  if (!isObject(value)) return false;
  if (value.kind === 'Secret' || (secretItems && value.kind === undefined)) {
    maskSecretFields(value);
    masked = true;
  }
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string') {
      const next = key === LAST_APPLIED && !isJson(child) ? MASK : maskJsonString(child);
      if (next !== child) [value[key], masked] = [next, true];
    } else if (maskSecrets(child, key === 'items' && value.kind === 'SecretList')) masked = true;
  }
  return masked;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Each document re-serialised in one stable form, the data of every Secret in it masked (see maskSecrets). */
export function normaliseManifests(text: string): string {
  const out: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const value = doc.toJS() as unknown;
    if (value === null || typeof value !== 'object') continue;
    maskSecrets(value);
    out.push(`---\n${stringify(value, { lineWidth: 0 })}`);
  }
  return out.join('');
}
