// What several commands print the same way.
import type { HoldOutcome } from '../operations/hold.ts';
import type { CommandContext } from './command.ts';

/** "committed 1a2b3c4, pushed after 2 attempts" */
export function landedLine(landed: { commit: string; attempts: number }, pushed: boolean): string {
  return `committed ${landed.commit.slice(0, 7)}${pushed ? `, pushed${landed.attempts > 1 ? ` after ${landed.attempts} attempts` : ''}` : ''}`;
}

/** hold and unhold. */
export function printHold(ctx: CommandContext, result: HoldOutcome): number {
  const { environment, file, hold, changed, committed, pushed, landed } = result;
  if (ctx.json) {
    ctx.stdout(JSON.stringify({ environment, hold, changed, commit: committed && changed ? landed.commit : undefined, pushed: pushed ? { attempts: landed.attempts } : undefined }, null, 2));
    return 0;
  }
  const lines = [hold ? `${environment} is on hold: ${hold.reason} (${file})` : changed ? `${environment} is no longer on hold (${file})` : `${environment} is not on hold: nothing to do`];
  if (committed && changed) lines.push(landedLine(landed, pushed));
  ctx.stdout(lines.join('\n'));
  return 0;
}
