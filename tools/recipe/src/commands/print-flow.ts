// What promote and rollback print: the same flow, the same report.
import { shortCommit } from '../model/format.ts';
import { REMOTE, type FlowResult } from '../operations/promotion-flow.ts';
import type { CommandContext } from './command.ts';

export function printFlow(ctx: CommandContext, options: { environment: string; kind: 'promote' | 'rollback'; dryRun: boolean; push: boolean }, result: FlowResult): number {
  if (ctx.json) {
    ctx.stdout(JSON.stringify({ environment: options.environment, kind: options.kind, ...result, content: result.content && { title: result.content.title, labels: result.content.labels, truncated: result.content.truncated } }, null, 2));
    return 0;
  }
  if (result.nothing) {
    ctx.stdout(result.nothing);
    return 0;
  }
  const lines = [result.content!.title];
  if (options.dryRun) {
    lines.push('', result.content!.body, '', `dry run: nothing was written, committed, pushed or opened (branch would be ${result.branch})`);
    if (result.baseNote) lines.push(result.baseNote);
  } else if (!options.push) {
    lines.push(`committed ${shortCommit(result.commit)} on the local branch ${result.branch} (not pushed)`);
  } else {
    lines.push(...pushedLines(result));
    if (result.content!.truncated) lines.push(`the manifest diff was truncated in the ${result.forge === 'gitlab' ? 'merge' : 'pull'} request body to fit the forge limit`);
  }
  ctx.stdout(lines.join('\n'));
  return 0;
}

/** What happened to the branch and its pull request (merge request on GitLab): promote, rollback, and holds by pull request. */
export function pushedLines(result: Pick<FlowResult, 'branch' | 'commit' | 'attempts' | 'unchanged' | 'pullRequest' | 'forge'>): string[] {
  const lines: string[] = [];
  if (result.unchanged) lines.push(`${REMOTE} ${result.branch} already holds this change (${shortCommit(result.commit)}): nothing pushed, CI and approvals untouched`);
  else lines.push(`pushed ${shortCommit(result.commit)} to ${REMOTE} ${result.branch}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`);
  if (!result.pullRequest) lines.push('no repository.forge in releases/environments.yaml: open the pull request by hand');
  else {
    const name = result.forge === 'gitlab' ? `merge request !${result.pullRequest.number}` : `pull request #${result.pullRequest.number}`;
    lines.push(`${result.pullRequest.action === 'created' ? 'opened' : result.unchanged ? 'kept' : 'updated'} ${name}: ${result.pullRequest.url}`);
  }
  return lines;
}
