// A promotion, rollback or hold applied to the text of releases/<env>/recipe.yaml. The services
// go through recipe.ts's edits; `snapshot:`, `override:` and `hold:` are top-level entries
// spliced in (before `services:`, as docs/formats.md shows them) or cut out as whole lines, so
// every other byte of the file stays as it was.
import { Document, isMap, isScalar, type Pair } from 'yaml';
import type { PromotionPlan } from './promotion.ts';
import { applyServiceCommits, stringifyRecipe, type Hold } from './recipe.ts';
import { parseYamlFile } from './yaml-file.ts';

export interface RecipeEdits {
  plan?: PromotionPlan;
  /** A hold to set; null to lift it; undefined to leave it (a rollback plan brings its own). */
  hold?: Hold | null;
}

/** The recipe's new text. */
export function editRecipeText(file: string, text: string, edits: RecipeEdits): string {
  let out = text;
  const { plan } = edits;
  if (plan) {
    const yaml = parseYamlFile(out, file);
    const changed = plan.changes.filter((c) => c.changed).map((c) => ({ service: c.service, commit: c.next.commit, ...(c.next.version === undefined ? {} : { version: c.next.version }) }));
    applyServiceCommits(yaml, changed);
    out = stringifyRecipe(yaml);
    // Spliced rather than recipe.ts's setRecipeSnapshot, which re-serialises a file that has none yet.
    out = setTopLevel(file, out, 'snapshot', plan.snapshotId ?? null);
    // A promotion states its own override (or none): an old reason never sits beside new commits.
    out = setTopLevel(file, out, 'override', plan.override ?? null);
  }
  const hold = edits.hold !== undefined ? edits.hold : plan?.hold ? { reason: plan.hold.reason } : undefined;
  if (hold !== undefined) out = setTopLevel(file, out, 'hold', hold);
  return out;
}

/** Sets (or with null removes) a top-level entry of a block mapping by splicing whole lines. */
export function setTopLevel(file: string, text: string, key: string, value: unknown): string {
  const yaml = parseYamlFile(text, file);
  const root = yaml.doc.contents;
  if (!isMap(root) || root.flow) return reserialised(yaml.doc, key, value);
  const keyOf = (pair: Pair) => (isScalar(pair.key) ? pair.key.value : undefined);
  const index = root.items.findIndex((pair) => keyOf(pair) === key);
  const snippet = value === null ? '' : new Document({ [key]: value }).toString({ lineWidth: 0 });
  if (index === -1) {
    if (value === null) return text;
    const services = root.items.find((pair) => keyOf(pair) === 'services');
    const at = services && isScalar(services.key) && services.key.range ? lineStart(text, services.key.range[0]) : text.length;
    const before = text.slice(0, at);
    return `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${snippet}${text.slice(at)}`;
  }
  const pair = root.items[index]!;
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? keyRange?.[1];
  if (!keyRange || valueEnd === undefined) return reserialised(yaml.doc, key, value);
  const start = lineStart(text, keyRange[0]);
  const newline = text.indexOf('\n', Math.max(valueEnd - 1, keyRange[1]));
  const end = newline === -1 ? text.length : newline + 1;
  return `${text.slice(0, start)}${snippet}${text.slice(end)}`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function reserialised(doc: Document, key: string, value: unknown): string {
  if (value === null) doc.delete(key);
  else doc.set(key, value);
  return doc.toString({ lineWidth: 0 });
}
