// Rendered Kubernetes manifests prepared for a readable diff: one stable form per object,
// Secret values masked so a diff never prints a credential.
import { parseAllDocuments, stringify } from 'yaml';

export const MASK = '<masked>';

/** Each document re-serialised in one stable form, Secret data/stringData values replaced by a mask. */
export function normaliseManifests(text: string): string {
  const out: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null || typeof value !== 'object') continue;
    if (value.kind === 'Secret') {
      for (const field of ['data', 'stringData']) {
        const data = value[field];
        if (data && typeof data === 'object') value[field] = Object.fromEntries(Object.keys(data).map((key) => [key, MASK]));
      }
    }
    out.push(`---\n${stringify(value, { lineWidth: 0 })}`);
  }
  return out.join('');
}
