// What hold and unhold print: the checkout's change, or the branch and its pull request.
import type { HoldOutcome } from '../operations/hold.ts';
import type { CommandContext } from './command.ts';
import { landedLine } from './print.ts';
import { pushedLines } from './print-flow.ts';

/** hold and unhold. */
export function printHold(ctx: CommandContext, result: HoldOutcome): number {
  const { environment, file, hold, changed, committed, pushed, landed, request } = result;
  if (ctx.json) {
    const byRequest = request && { branch: request.branch, commit: request.commit, pullRequest: request.pullRequest, forge: request.forge, unchanged: request.unchanged, nothing: request.nothing };
    ctx.stdout(JSON.stringify({ environment, hold, changed, via: result.via, refused: result.refused, commit: !request && committed && changed ? landed.commit : undefined, pushed: !request && pushed ? { attempts: landed.attempts } : undefined, request: byRequest }, null, 2));
    return 0;
  }
  if (request) {
    if (request.nothing) {
      ctx.stdout(request.nothing);
      return 0;
    }
    const when = `once the ${request.forge === 'gitlab' ? 'merge' : 'pull'} request is merged`;
    const lines = [hold ? `${environment} goes on hold ${when}: ${hold.reason} (${file})` : `${environment} leaves its hold ${when} (${file})`];
    lines.push(...pushedLines(request));
    ctx.stdout(lines.join('\n'));
    return 0;
  }
  const lines = [hold ? `${environment} is on hold: ${hold.reason} (${file})` : changed ? `${environment} is no longer on hold (${file})` : `${environment} is not on hold: nothing to do`];
  if (committed && changed) lines.push(landedLine(landed, pushed));
  ctx.stdout(lines.join('\n'));
  return 0;
}
