import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { emitYaml, scalar } from './emit-yaml.ts';

const samples: Record<string, unknown>[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x' } } },
  { url: 'https://github.com/acme/platform.git', ssh: 'ssh://git@example.com:22/a.git', ref: { commit: '1234567890123456789012345678901234567890' } },
  { hex: '1e10000000000000000000000000000000000000', octal: '0o17', hexnum: '0x1F', float: '1.5', int: '42', neg: '-1', under: '1_000' },
  { words: ['true', 'False', 'null', 'yes', 'No', 'on', 'off', 'y', 'n', '~', '.inf', '.nan'] },
  { ignore: '/*\n!/charts/records/\n', multi: 'a\n\nb\n', trailing: 'a\n\n', noNewline: 'a\nb', tabbed: 'a\tb\n', spaced: ' a\n' },
  { special: ['a: b', 'a #b', '#x', '- x', '? x', '*x', '&x', '!x', '|x', '>x', '%x', '@x', '`x', '"x', "'x", '{x', '[x', ',x', '', ' ', 'trailing ', 'ünïcode', 'a"b', 'back\\slash'] },
  { nums: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER], bools: [true, false], nothing: null, empty: {}, none: [] },
  { nested: [[1, 2], [], [{ a: 1, b: [{ c: { d: 'e' } }] }], { x: [] }], deep: { a: { b: { c: ['x', { y: 'z' }] } } } },
  { base64: ['AgAJ+rj/GP==', '=x', '=', '+x', 'a:b', 'a:', '1:20', 'x@y', '50%', '~x', '<<'], dots: ['./charts/x', '.', '..', '.5', '/abs/path', '.hidden'], 'key with space': 1, '1': 'numeric key', 'true': 'reserved key', 'a:b': 'colon key' },
];

describe('emitYaml', () => {
  for (const [index, sample] of samples.entries()) {
    test(`sample ${index + 1} parses back to the same data`, () => {
      expect(parse(emitYaml(sample))).toEqual(sample);
    });
  }

  test('simple data is written the way the yaml library writes it', () => {
    const sample = { apiVersion: 'source.toolkit.fluxcd.io/v1', spec: { interval: '10m', url: 'https://example.test/a.git', ref: { commit: 'ab'.repeat(20) }, ignore: '/*\n!/charts/x/\n', list: ['a', { b: 1, c: [true] }] } };
    expect(emitYaml(sample)).toBe(stringify(sample, { lineWidth: 0, indentSeq: true }));
  });

  test('strings that would read as numbers, booleans or null are quoted', () => {
    expect(['123', '1e5', 'true', 'null', '0x1f', '0b101', 'abc', 'AgA+b/c='].map(scalar)).toEqual(['"123"', '"1e5"', '"true"', '"null"', '"0x1f"', '"0b101"', 'abc', 'AgA+b/c=']);
  });

  test('commit SHAs that merely start like a number stay plain, as the yaml library writes them', () => {
    for (const sha of ['0b57b106b45a044e98b1bea9fc99ad42ee128e05', '0be8e4a9a983d42a721e46a0e6004c230b336f5a', '1e10a00000000000000000000000000000000000']) {
      expect(scalar(sha)).toBe(stringify(sha).trimEnd());
    }
  });
});
