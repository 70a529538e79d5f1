import { describe, expect, it } from 'vitest';
import { documentValues, endMarker, startMarker, valuesTable, withValuesSection } from './values-docs.ts';

const values = `---
# A header that documents nothing.

image:
  # -- Image repository.
  repository: ghcr.io/acme/records
  # -- Image tag; required.
  tag: ""
# -- Resources of the container,
# over two lines.
resources:
  requests:
    cpu: 100m
`;

describe('the values documentation', () => {
  it('turns each documented key into a row with its type and default', () => {
    expect(documentValues(values)).toEqual([
      { key: 'image.repository', type: 'string', default: 'ghcr.io/acme/records', description: 'Image repository.' },
      { key: 'image.tag', type: 'string', default: '', description: 'Image tag; required.' },
      { key: 'resources', type: 'object', default: { requests: { cpu: '100m' } }, description: 'Resources of the container, over two lines.' },
    ]);
  });

  it('names every key that has no comment', () => {
    expect(() => documentValues('---\nreplicaCount: 1\nimage:\n  tag: x\n', 'charts/x/values.yaml')).toThrow(
      'charts/x/values.yaml: no "# -- " comment for replicaCount, image.tag: document each key on the line above it',
    );
  });

  it('renders a Markdown table with escaped pipes', () => {
    const table = valuesTable([{ key: 'a', type: 'string', default: 'x|y', description: 'one | two' }]);
    expect(table.split('\n')[2]).toBe('| `a` | string | `"x\\|y"` | one \\| two |');
  });

  it('replaces only what stands between the markers', () => {
    const readme = `# Chart\n\n${startMarker}\nold table\n${endMarker}\n\nAfter.\n`;
    expect(withValuesSection(readme, 'new table')).toBe(`# Chart\n\n${startMarker}\n\nnew table\n\n${endMarker}\n\nAfter.\n`);
  });

  it('says where the markers go when a README lacks them', () => {
    expect(() => withValuesSection('# Chart\n', 'table', 'charts/x/README.md')).toThrow(/charts\/x\/README.md: add the lines/);
  });
});
