// The docker client, as run.sh chose it ($DOCKER: one that builds with BuildKit), run as a process.
import { spawn, spawnSync } from 'node:child_process';

export const dockerClient = process.env.DOCKER || 'docker';

/** Runs docker to its end and returns stdout; throws with docker's own message on failure. */
export function docker(args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): string {
  const result = spawnSync(dockerClient, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`could not run ${dockerClient}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')} failed (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout.trim();
}

/** Runs docker with its output streamed to ours (long builds); resolves with the exit code and the output. */
export function dockerStreamed(args: readonly string[], options: { cwd?: string; prefix?: string } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(dockerClient, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const write = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.prefix !== undefined) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, options.prefix));
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The image's labels, or undefined when the engine does not have the image. */
export function imageLabels(image: string): Record<string, string> | undefined {
  const result = spawnSync(dockerClient, ['image', 'inspect', '--format', '{{json .Config.Labels}}', image], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return (JSON.parse(result.stdout) as Record<string, string> | null) ?? {};
}

/** Size of an image in MB (decimal, as `docker images` shows it). */
export function imageSizeMb(image: string): number {
  return Math.round(Number(docker(['image', 'inspect', '--format', '{{.Size}}', image])) / 1e6);
}
