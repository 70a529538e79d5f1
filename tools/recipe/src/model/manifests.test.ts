import { expect, test } from 'vitest';
import { MASK, normaliseManifests } from './manifests.ts';

test('Secret data and stringData are masked while other objects are kept', () => {
  const text = `---\n# Source: x\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  password: cHc=\nstringData:\n  token: s3cret\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  greeting: hello\n`;
  const out = normaliseManifests(text);
  expect(out).not.toContain('s3cret');
  expect(out).not.toContain('cHc=');
  expect(out).toContain(`password: ${MASK}`);
  expect(out).toContain(`token: ${MASK}`);
  expect(out).toContain('greeting: hello');
});
