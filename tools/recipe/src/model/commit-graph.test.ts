import { describe, expect, test } from 'vitest';
import { CommitGraph, type GraphCommit } from './commit-graph.ts';

// a - b - c - m (merge of c and d) - e
//      \- d -/
const node = (commit: string, parents: string[], time: number, files: string[]): GraphCommit => ({ commit, parents, time, author: 'Ada', email: 'a@x', subject: commit, body: '', files });
const graph = new CommitGraph([
  node('e', ['m'], 5, ['services/api/x.ts']),
  node('m', ['c', 'd'], 4, []),
  node('d', ['b'], 3, ['services/api/y.ts', 'charts/api/Chart.yaml']),
  node('c', ['b'], 2, ['apps/web/page.ts']),
  node('b', ['a'], 1, ['services/api-gateway/z.ts']),
]);

describe('commit graph', () => {
  test('between lists the commits reachable from to and not from from that touch the paths, newest first', () => {
    expect(graph.between('b', 'e', ['services/api', 'charts/api']).map((c) => c.commit)).toEqual(['e', 'd']);
    expect(graph.between('c', 'e', ['apps/web']).map((c) => c.commit)).toEqual([]);
    expect(graph.between('a', 'c', ['apps/web/']).map((c) => c.commit)).toEqual(['c']);
  });

  test('a path is a folder prefix, not a string prefix', () => {
    expect(graph.between('a', 'e', ['services/api']).map((c) => c.commit)).toEqual(['e', 'd']);
  });

  test('the prefix index built in one pass gives the same answer', () => {
    const fresh = new CommitGraph([
      node('e', ['m'], 5, ['services/api/x.ts']),
      node('m', ['c', 'd'], 4, []),
      node('d', ['b'], 3, ['services/api/y.ts', 'charts/api/Chart.yaml']),
      node('c', ['b'], 2, ['apps/web/page.ts']),
      node('b', ['a'], 1, ['services/api-gateway/z.ts']),
    ]);
    fresh.indexPaths(['services/api', 'charts/api', 'apps/web']);
    expect(fresh.between('b', 'e', ['services/api', 'charts/api']).map((c) => c.commit)).toEqual(['e', 'd']);
  });

  test('ancestry follows both parents of a merge, and commits below the graph are ancestors of all', () => {
    expect(graph.isAncestor('d', 'e')).toBe(true);
    expect(graph.isAncestor('c', 'd')).toBe(false);
    expect(graph.isAncestor('a', 'c')).toBe(true);
  });
});
