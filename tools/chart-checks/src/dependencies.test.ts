// The library dependency is built in a private copy: the working tree is never written, and a
// missing library folder is an error that names the chart.
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtChart, localDependencies } from './dependencies.ts';
import { workspaceRoot } from './helm.ts';

describe('a chart with a file:// library dependency', () => {
  it('names the library folder helm resolves', () => {
    expect(localDependencies(join(workspaceRoot, 'charts', 'records'))).toEqual([join(workspaceRoot, 'charts', 'platform-lib')]);
  });

  it('is built in a copy with the library packed in, leaving the working tree as it was', async () => {
    const chart = join(workspaceRoot, 'charts', 'web');
    const before = existsSync(join(chart, 'charts'));
    const built = await builtChart(chart);
    expect(built.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(built, 'charts', 'platform-lib-0.1.0.tgz'))).toBe(true);
    expect(existsSync(join(chart, 'charts'))).toBe(before);
  });

  it('fails naming the chart when the library folder is missing', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'chart-checks-nolib-')), 'records');
    cpSync(join(workspaceRoot, 'charts', 'records'), copy, { recursive: true });
    await expect(builtChart(copy)).rejects.toThrow(`${join(copy, 'Chart.yaml')}: the file:// dependency ${join(copy, '..', 'platform-lib')} holds no Chart.yaml`);
  });
});
