import { RecipeError } from '../model/errors.ts';
import { migrateSnapshots, pruneSnapshots, type FilesOutcome } from '../operations/snapshot-files.ts';
import { commitOptions, type Command, type CommandContext } from './command.ts';
import { landedLine } from './print.ts';

const command: Command = {
  summary: 'keep releases/snapshots/ small: migrate old files to format 2, prune by the retention policy',
  usage: `Usage: recipe snapshots migrate [--dry-run] [--commit] [--push] [--json]
       recipe snapshots prune [--dry-run] [--commit] [--push] [--json]

migrate  rewrites every format 1 snapshot (a copy of every service, about 120 bytes per service)
         in format 2, which names the releases commit that holds the combination: a few hundred
         bytes whatever the number of services. Ids, verifications and evidence do not change,
         so gates, tamper checks and rollback give the same answers.
prune    removes from the working tree the snapshots that environments.yaml's "snapshots:"
         policy does not keep (keep: the newest N per environment, default 20; window: every
         snapshot an environment ran or was recorded in within it, default 30d; always the one
         each recipe names). They stay in git history: recipe still finds them by id.

Options:
  --dry-run  say what would change; write nothing
  --commit   commit the change
  --push     commit and push; when the remote moved, fetch, plan again on top and retry
  --json     machine-readable output`,
  options: { 'dry-run': { type: 'boolean', default: false }, ...commitOptions },
  async run(ctx) {
    const [action, ...extra] = ctx.positionals;
    if ((action !== 'migrate' && action !== 'prune') || extra.length > 0) {
      throw new RecipeError(action === undefined ? 'expected migrate or prune' : `unknown action "${[action, ...extra].join(' ')}"`, { hint: 'recipe snapshots migrate | recipe snapshots prune (add --dry-run to see what would change)' });
    }
    const options = { root: ctx.root(), dryRun: Boolean(ctx.values['dry-run']), commit: Boolean(ctx.values.commit), push: Boolean(ctx.values.push) };
    if (action === 'migrate') {
      const outcome = await migrateSnapshots(options);
      if (ctx.json) return json(ctx, outcome, { migrated: outcome.migrated, left: outcome.left, current: outcome.current });
      const lines = [`${options.dryRun ? 'would migrate' : 'migrated'} ${outcome.migrated.length} snapshot file${outcome.migrated.length === 1 ? '' : 's'} to format 2 (${size(outcome.bytesBefore)} -> ${size(outcome.bytesAfter)}); ${outcome.current} already in format 2`];
      for (const { file, why } of outcome.left) lines.push(`left in format 1: ${file}: ${why}`);
      ctx.stdout(withLanded(lines, outcome).join('\n'));
      return 0;
    }
    const outcome = await pruneSnapshots(options);
    if (ctx.json) return json(ctx, outcome, { pruned: outcome.pruned, kept: outcome.kept });
    const lines = [`${options.dryRun ? 'would prune' : 'pruned'} ${outcome.pruned.length} snapshot${outcome.pruned.length === 1 ? '' : 's'} from the working tree, kept ${outcome.kept.length} (${size(outcome.bytesBefore)} -> ${size(outcome.bytesAfter)})`];
    for (const { id, createdAt } of outcome.pruned) lines.push(`  - ${id.slice(0, 12)} recorded ${createdAt}`);
    if (outcome.pruned.length > 0) lines.push('they stay in git history: "recipe promote --snapshot", "rollback --to" and "notify" still find them by id');
    ctx.stdout(withLanded(lines, outcome).join('\n'));
    return 0;
  },
};

function json(ctx: CommandContext, outcome: FilesOutcome, extra: object): number {
  ctx.stdout(JSON.stringify({ ...extra, bytesBefore: outcome.bytesBefore, bytesAfter: outcome.bytesAfter, commit: outcome.landed?.commit, pushed: outcome.pushed ? { attempts: outcome.landed?.attempts } : undefined }, null, 2));
  return 0;
}

function withLanded(lines: string[], outcome: FilesOutcome): string[] {
  return outcome.landed ? [...lines, landedLine(outcome.landed, outcome.pushed)] : lines;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

export default command;
