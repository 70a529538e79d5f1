// A promotion, rollback or hold applied to the text of releases/<env>/recipe.yaml. The services
// and `snapshot:` go through recipe.ts's edits (only the changed lines move); `override:` and
// `hold:` are set through the yaml Document, before `services:` as docs/formats.md shows them.
import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { PromotionPlan } from './promotion.ts';
import { applyServiceCommits, setRecipeSnapshot, stringifyRecipe, type Hold } from './recipe.ts';
import { parseYamlFile } from './yaml-file.ts';

export interface RecipeEdits {
  plan?: PromotionPlan;
  /** A hold to set; null to lift it; undefined to leave it. */
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
    setRecipeSnapshot(yaml, plan.snapshotId);
    out = stringifyRecipe(yaml);
    // A promotion states its own override (or none): an old reason never sits beside new commits.
    out = setTopLevel(file, out, 'override', plan.override ?? null);
    if (plan.hold) out = setTopLevel(file, out, 'hold', edits.hold ?? { reason: plan.hold.reason });
  }
  if (edits.hold !== undefined && !plan?.hold) out = setTopLevel(file, out, 'hold', edits.hold);
  return out;
}

function setTopLevel(file: string, text: string, key: string, value: unknown): string {
  const yaml = parseYamlFile(text, file);
  const root = yaml.doc.contents;
  if (!isMap(root)) return text;
  const map = root as YAMLMap;
  const index = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === key);
  if (value === null) {
    if (index === -1) return text;
    map.items.splice(index, 1);
  } else if (index !== -1) {
    map.items[index]!.value = yaml.doc.createNode(value);
  } else {
    const services = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'services');
    map.items.splice(services === -1 ? map.items.length : services, 0, yaml.doc.createPair(key, value));
  }
  return yaml.doc.toString({ lineWidth: 0 });
}
