import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { MASK, normaliseManifests } from './manifests.ts';

const lastApplied = (object: unknown) => JSON.stringify(JSON.stringify(object));
const secret = (name: string, extra = '') => `{ apiVersion: v1, kind: Secret, metadata: { name: ${name}${extra} }, data: { password: cHc-${name} }, stringData: { token: s3cret-${name} } }`;

test('Secret data and stringData are masked while other objects are kept', () => {
  const text = `---\n# Source: x\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  password: cHc=\nstringData:\n  token: s3cret\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  greeting: hello\n`;
  const out = normaliseManifests(text);
  expect(out).not.toContain('s3cret');
  expect(out).not.toContain('cHc=');
  expect(out).toContain(`password: ${MASK}`);
  expect(out).toContain(`token: ${MASK}`);
  expect(out).toContain('greeting: hello');
});

test('a Secret inside a List, a List inside a List and a SecretList whose items name no kind are masked', () => {
  const text = `---
apiVersion: v1
kind: List
items:
  - ${secret('one')}
  - { apiVersion: v1, kind: List, items: [ { apiVersion: v1, kind: List, items: [ ${secret('deep')} ] } ] }
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: c }, data: { greeting: hello } }
---
apiVersion: v1
kind: SecretList
items:
  - { metadata: { name: bare }, data: { password: cHc-bare } }
`;
  const out = normaliseManifests(text);
  expect(out).not.toMatch(/cHc-|s3cret-/);
  const [list, secretList] = out.split('---\n').slice(1).map((doc) => parse(doc));
  expect(list.items[0].data).toEqual({ password: MASK });
  expect(list.items[1].items[0].items[0].stringData).toEqual({ token: MASK });
  expect(list.items[2].data).toEqual({ greeting: 'hello' });
  expect(secretList.items[0]).toEqual({ metadata: { name: 'bare' }, data: { password: MASK } });
});

test('the copy of a Secret in a last-applied-configuration annotation is masked, on the Secret itself and inside a List', () => {
  const applied = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' }, data: { password: 'cHc-applied' }, stringData: { token: 's3cret-applied' } };
  const annotation = `, annotations: { kubectl.kubernetes.io/last-applied-configuration: ${lastApplied(applied)} }`;
  const inList = `---\n{ apiVersion: v1, kind: List, items: [ ${secret('b', annotation)} ] }\n`;
  for (const manifests of [`---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: ${lastApplied(applied)}\ndata:\n  password: cHc-a\n`, inList]) {
    const out = normaliseManifests(manifests);
    expect(out).not.toMatch(/cHc-|s3cret-/);
    const object = parse(out.slice(4));
    const annotations = (object.kind === 'List' ? object.items[0] : object).metadata.annotations;
    expect(JSON.parse(annotations['kubectl.kubernetes.io/last-applied-configuration'])).toEqual({ ...applied, data: { password: MASK }, stringData: { token: MASK } });
  }
});

test('a Secret nested in another object, data that is not a map and an unreadable last-applied annotation are masked whole', () => {
  const text = `---
apiVersion: example.test/v1
kind: SecretTemplate
metadata:
  name: t
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","data":{"password":"cHc-trunc'
spec:
  template: { kind: Secret, data: { password: cHc-template } }
  other: { kind: Secret, data: "cHc-scalar" }
`;
  const out = normaliseManifests(text);
  expect(out).not.toContain('cHc-');
  const object = parse(out.slice(4));
  expect(object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(MASK);
  expect(object.spec).toEqual({ template: { kind: 'Secret', data: { password: MASK } }, other: { kind: 'Secret', data: MASK } });
});

test('JSON strings without a Secret, such as a ConfigMap value or a Deployment last-applied annotation, are kept byte for byte', () => {
  const json = '{ "spaced":  true, "kind": "ConfigMap" }';
  const text = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${json}'\ndata:\n  settings.json: '${json}'\n`;
  const object = parse(normaliseManifests(text).slice(4));
  expect(object.data['settings.json']).toBe(json);
  expect(object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(json);
});
