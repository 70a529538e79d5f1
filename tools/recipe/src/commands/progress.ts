// A progress line for people at a terminal: shown on stderr only when it is a TTY, and only once
// the work has taken more than a second, so quick runs and logs stay clean.
import type { CommandContext } from './command.ts';

export interface Progress {
  update: (done: number, total: number) => void;
  done: () => void;
}

export function terminalProgress(ctx: Pick<CommandContext, 'stderr' | 'json'>, label: string, stream: { isTTY?: boolean } = process.stderr, delayMs = 1000): Progress | undefined {
  if (!stream.isTTY || ctx.json) return undefined;
  const started = Date.now();
  let shown = false;
  return {
    update(done, total) {
      if (Date.now() - started < delayMs) return;
      shown = true;
      ctx.stderr(`\r${label} ${done}/${total}`);
    },
    done() {
      if (shown) ctx.stderr('\r\x1b[K');
    },
  };
}
