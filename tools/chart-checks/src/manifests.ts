// helm template output -> objects, each with the template it came from.
import { parseAllDocuments } from 'yaml';

export interface RenderedObject {
  /** "records/templates/deployment.yaml", from helm's `# Source:` line. */
  source: string;
  object: Record<string, unknown>;
}

export function parseManifests(text: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${document.errors[0]?.message}`);
    const object: unknown = document.toJS();
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || Array.isArray(object)) throw new Error(`helm rendered a document that is not an object: ${String(object).slice(0, 80)}`);
    // helm writes `# Source: <chart>/templates/<file>` right after each `---`.
    const comments = `${document.commentBefore ?? ''}\n${(document.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    const source = /Source: (\S+)/.exec(comments)?.[1] ?? '(unknown template)';
    objects.push({ source, object: object as Record<string, unknown> });
  }
  return objects;
}

export function describe(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown };
  return `${String(object.kind)}/${String(metadata.name ?? '(no name)')}`;
}
