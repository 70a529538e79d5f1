// Builds a synthetic monorepo with N services x 3 environments (history written with
// `git fast-import`, so thousands of commits take a moment), for the benchmark.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SyntheticRepo {
  root: string;
  services: string[];
  /** Commits per service, oldest first. */
  commits: Map<string, string[]>;
  cleanup(): void;
}

export function buildSyntheticRepo(serviceCount: number, commitsPerService = 3): SyntheticRepo {
  const root = mkdtempSync(path.join(tmpdir(), 'recipe-bench-'));
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: root, input, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Bench']);
  git(['config', 'user.email', 'bench@example.test']);
  // No automatic gc in the background: the benchmark packs once, before it measures.
  git(['config', 'gc.auto', '0']);
  const services = Array.from({ length: serviceCount }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  const types = ['feat', 'fix', 'perf', 'refactor'];
  let stream = '';
  let mark = 0;
  let time = 1_790_000_000;
  const marks = new Map<string, number[]>();
  const commit = (message: string, files: Record<string, string>) => {
    mark += 1;
    time += 60;
    const body = Buffer.byteLength(message);
    stream += `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${time} +0000\ndata ${body}\n${message}\n`;
    for (const [file, text] of Object.entries(files)) stream += `M 100644 inline ${file}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    return mark;
  };
  const initial: Record<string, string> = { 'README.md': '# synthetic monorepo\n' };
  for (const name of services) initial[`charts/${name}/Chart.yaml`] = `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
  commit('chore: initial layout', initial);
  for (let round = 0; round < commitsPerService; round++) {
    services.forEach((name, index) => {
      const type = types[(index + round) % types.length]!;
      const id = commit(`${type}(${name}): change ${round}${round === 2 && index % 7 === 0 ? '\n\nBREAKING CHANGE: the API moved.' : ''}`, { [`services/${name}/src/index.ts`]: `export const round = ${round};\n` });
      marks.set(name, [...(marks.get(name) ?? []), id]);
    });
  }
  stream += 'done\n';
  git(['fast-import', '--quiet', '--done'], stream);
  git(['reset', '-q', '--hard', 'main']);
  const markToSha = new Map<number, string>();
  for (const line of git(['rev-list', '--reverse', 'main']).trim().split('\n').entries()) markToSha.set(line[0] + 1, line[1]);
  const commits = new Map(services.map((name) => [name, (marks.get(name) ?? []).map((id) => markToSha.get(id)!)]));
  return { root, services, commits, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
