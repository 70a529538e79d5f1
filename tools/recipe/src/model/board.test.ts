import { describe, expect, test } from 'vitest';
import { escapeHtml, renderBoard, safeHref, type BoardData } from './board.ts';

const data = (over: Partial<BoardData> = {}): BoardData => ({
  title: 'Releases',
  generatedAt: '2026-12-01T10:00:00Z',
  environments: [
    { name: 'dev', namespace: 'platform-dev', auto: true, gates: [] },
    { name: 'prod', from: 'dev', namespace: 'platform-prod', auto: false, gates: ['verified'], readiness: { state: 'ready', text: 'ready: snapshot 0123456789ab', details: [] } },
  ],
  services: [{ service: 'records', cells: { dev: { commit: 'a'.repeat(40) }, prod: { commit: 'b'.repeat(40), behind: 2, compareUrl: 'https://example.test/compare/b...a' } } }],
  snapshots: [],
  history: {},
  ...over,
});

describe('board page', () => {
  test('escapes everything that comes from the repository', () => {
    const html = renderBoard(data({ environments: [{ name: 'dev', namespace: 'ns', auto: false, gates: [], hold: { reason: '<script>alert(1)</script>' }, override: '" onmouseover="x' }] }))['index.html']!;
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('" onmouseover="x');
  });

  test('links only to http(s) or inside the site', () => {
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref('evidence/abc.xml')).toBe('evidence/abc.xml');
    expect(safeHref('https://example.test/a')).toBe('https://example.test/a');
    expect(escapeHtml(`a&b<'"`)).toBe('a&amp;b&lt;&#39;&quot;');
  });

  test('the page loads nothing but its own stylesheet and script, under a strict content security policy', () => {
    const html = renderBoard(data())['index.html']!;
    expect(html).toContain(`content="default-src 'none'; style-src 'self'; script-src 'self'`);
    expect([...html.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((m) => m[1]).filter((url) => !url!.startsWith('https://example.test/compare'))).toEqual([]);
    expect(html).toContain('<a href="https://example.test/compare/b...a">2 behind dev</a>');
  });
});
