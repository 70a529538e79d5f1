// What an image holds, read from its exported filesystem (no shell needed inside the image): the
// file list the hygiene checks search, and where the megabytes go.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { docker, dockerClient } from './docker.ts';

export interface ImageFile {
  /** Absolute path inside the image. */
  path: string;
  size: number;
  type: 'file' | 'directory' | 'link' | 'other';
}

/** Every file of the image's filesystem, as `docker export | tar -tv` lists it. */
export async function imageFiles(image: string): Promise<ImageFile[]> {
  const id = docker(['create', image]);
  try {
    const exporter = spawn(dockerClient, ['export', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-tv', '--numeric-owner'], { stdio: ['pipe', 'pipe', 'pipe'] });
    exporter.stdout.pipe(tar.stdin);
    const files: ImageFile[] = [];
    const lines = createInterface({ input: tar.stdout });
    lines.on('line', (line) => {
      // -rw-r--r-- 0/0    1234 2026-12-01 06:00 app/package.json
      const match = /^(\S)\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+?)(?: -> .*| link to .*)?$/.exec(line);
      if (!match) return;
      const kind = match[1];
      files.push({ path: `/${match[3]!.replace(/^\.?\//, '').replace(/\/$/, '')}`, size: Number(match[2]), type: kind === '-' ? 'file' : kind === 'd' ? 'directory' : kind === 'l' || kind === 'h' ? 'link' : 'other' });
    });
    const [code] = await Promise.all([new Promise<number>((resolve) => tar.on('close', (status) => resolve(status ?? 1))), new Promise((resolve) => lines.on('close', resolve))]);
    if (code !== 0) throw new Error(`listing the files of ${image} failed (tar exit ${code})`);
    return files;
  } finally {
    docker(['rm', id]);
  }
}

/** Sizes in MB by the folders that matter for a Node image, biggest first. */
export function spaceReport(files: ImageFile[], groups: readonly string[]): { group: string; mb: number }[] {
  const totals = new Map<string, number>();
  for (const file of files) {
    if (file.type !== 'file') continue;
    const group = groups.find((prefix) => file.path === prefix || file.path.startsWith(`${prefix}/`)) ?? 'everything else';
    totals.set(group, (totals.get(group) ?? 0) + file.size);
  }
  return [...totals].map(([group, bytes]) => ({ group, mb: Math.round(bytes / 1e5) / 10 })).sort((a, b) => b.mb - a.mb);
}

/** The biggest packages under a node_modules folder, in MB. */
export function biggestPackages(files: ImageFile[], nodeModules: string, count = 5): { name: string; mb: number }[] {
  const totals = new Map<string, number>();
  for (const file of files) {
    if (file.type !== 'file' || !file.path.startsWith(`${nodeModules}/`)) continue;
    const parts = file.path.slice(nodeModules.length + 1).split('/');
    const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    totals.set(name, (totals.get(name) ?? 0) + file.size);
  }
  return [...totals].map(([name, bytes]) => ({ name, mb: Math.round(bytes / 1e5) / 10 })).sort((a, b) => b.mb - a.mb).slice(0, count);
}
