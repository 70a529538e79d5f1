// The part of the history between environments, held in memory so that the commits of hundreds
// of services come from one `git log` instead of one git process per service. Commits are
// numbered and reachability is a byte array per start commit, so comparing 500 services stays
// in the milliseconds.

export interface GraphCommit {
  commit: string;
  parents: string[];
  time: number;
  author: string;
  email: string;
  subject: string;
  body: string;
  /** Paths the commit changed against its first parent (none listed for merges). */
  files: string[];
}

export class CommitGraph {
  readonly #nodes: GraphCommit[];
  readonly #index = new Map<string, number>();
  readonly #parents: number[][];
  readonly #reachable = new Map<number, Uint8Array>();
  readonly #byPrefix = new Map<string, number[]>();

  constructor(commits: Iterable<GraphCommit>) {
    this.#nodes = [...commits];
    this.#nodes.forEach((node, i) => this.#index.set(node.commit, i));
    this.#parents = this.#nodes.map((node) => node.parents.flatMap((parent) => (this.#index.has(parent) ? [this.#index.get(parent)!] : [])));
  }

  has(commit: string): boolean {
    return this.#index.has(commit);
  }

  #reach(start: number): Uint8Array {
    let seen = this.#reachable.get(start);
    if (seen) return seen;
    seen = new Uint8Array(this.#nodes.length);
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen[id]) continue;
      seen[id] = 1;
      for (const parent of this.#parents[id]!) if (!seen[parent]) stack.push(parent);
    }
    this.#reachable.set(start, seen);
    return seen;
  }

  /** True when `ancestor` is `descendant` or one of its ancestors. Commits below the graph are ancestors of all of it. */
  isAncestor(ancestor: string, descendant: string): boolean {
    const a = this.#index.get(ancestor);
    if (a === undefined) return true;
    const d = this.#index.get(descendant);
    return d !== undefined && this.#reach(d)[a] === 1;
  }

  /** Commits whose changed files lie under `prefix`, indexed on first use of that prefix. */
  #touching(prefix: string): number[] {
    let list = this.#byPrefix.get(prefix);
    if (list) return list;
    list = [];
    const under = `${prefix}/`;
    this.#nodes.forEach((node, i) => {
      if (node.files.some((file) => file === prefix || file.startsWith(under))) list!.push(i);
    });
    this.#byPrefix.set(prefix, list);
    return list;
  }

  /** Builds the prefix index for many paths in one pass over the files (for hundreds of services). */
  indexPaths(paths: Iterable<string>): void {
    const wanted = new Set([...paths].map((p) => p.replace(/\/+$/, '')).filter((p) => !this.#byPrefix.has(p)));
    if (wanted.size === 0) return;
    for (const prefix of wanted) this.#byPrefix.set(prefix, []);
    this.#nodes.forEach((node, i) => {
      for (const file of node.files) {
        let at = file.indexOf('/');
        const hit = (prefix: string) => {
          const list = wanted.has(prefix) ? this.#byPrefix.get(prefix)! : undefined;
          if (list && list.at(-1) !== i) list.push(i);
        };
        while (at !== -1) {
          hit(file.slice(0, at));
          at = file.indexOf('/', at + 1);
        }
        hit(file);
      }
    });
  }

  /** Like `git log from..to -- paths`: reachable from `to`, not from `from`, touching a path; newest first. */
  between(from: string, to: string, paths: readonly string[]): GraphCommit[] {
    const t = this.#index.get(to);
    if (t === undefined) return [];
    const f = this.#index.get(from);
    const inTo = this.#reach(t);
    const inFrom = f === undefined ? undefined : this.#reach(f);
    const picked = new Set<number>();
    for (const path of paths) for (const i of this.#touching(path.replace(/\/+$/, ''))) if (inTo[i] && !inFrom?.[i]) picked.add(i);
    return [...picked].map((i) => this.#nodes[i]!).sort((a, b) => b.time - a.time || (a.commit < b.commit ? -1 : 1));
  }
}
