import { RecipeError } from '../model/errors.ts';
import { parseChecks, recordSnapshot } from '../operations/snapshot.ts';
import { formatReport } from '../operations/verify.ts';
import { clusterOptions, commitOptions, parseTimeout, type Command } from './command.ts';
import { landedLine } from './print.ts';

const snapshot: Command = {
  summary: 'verify an environment, then record its combination as a snapshot with the evidence',
  usage: `Usage: recipe snapshot <env> [--skip-verify "<reason>"] [--check <name>=<url-or-status>]...
                       [--evidence <check>=<junit.xml> | <file>]... [--commit] [--push] [--context <name>] [--json]

Runs "recipe verify <env>" and refuses (exit 1, nothing written) when the cluster does not match
the recipe. Then records the environment's combination (each service's commit, version and
image) in releases/snapshots/<first 12 hex of id>.yaml, the id being the SHA-256 of the sorted
"<service>=<image>:<commit>" lines. A combination recorded before keeps its file and services:
a verification is appended to it.

Options:
  --skip-verify "<reason>"  do not ask the cluster; the verification says so, with the reason
                            (gates that require verified snapshots will not accept it)
  --check <name>=<value>    a check: a URL (CI run) or a status (failed, error... count as failed); repeatable
  --evidence <check>=<junit.xml>
                            the JUnit XML report of a check: its counts and verdict are recorded
                            (a report with failures or errors records the check as failed), and
                            the report is stored in releases/snapshots/evidence/<sha256>.xml and
                            committed with the snapshot. A summary.json beside the report must
                            name this environment and the snapshot's commits, else exit 2 and
                            nothing is written. Repeatable, one report per check
  --evidence <file>         any other file, recorded by path and SHA-256 only (not stored); repeatable
  --commit                  commit the snapshot file: chore(releases): snapshot <env> <id>
  --push                    commit and push; when the remote moved, fetch, record again on top and retry
  --context <name>          kubeconfig context (default: the environment's, from environments.yaml)
  --timeout <seconds>       how long to wait for the API server (default 20)
  --json                    machine-readable output`,
  options: {
    ...clusterOptions,
    'skip-verify': { type: 'string' },
    check: { type: 'string', multiple: true, default: [] },
    evidence: { type: 'string', multiple: true, default: [] },
    ...commitOptions,
  },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length) throw new RecipeError('expected exactly one environment', { hint: 'recipe snapshot <env>, e.g. recipe snapshot staging' });
    const skipReason = ctx.values['skip-verify'] as string | undefined;
    if (skipReason !== undefined && skipReason.trim() === '') {
      throw new RecipeError('--skip-verify needs a reason', { field: '--skip-verify', hint: 'say why the cluster was not checked, e.g. --skip-verify "cluster down for maintenance, e2e passed"' });
    }
    const result = await recordSnapshot({
      root: ctx.root(),
      environment: envName,
      cwd: ctx.cwd,
      env: ctx.env,
      ...(skipReason === undefined ? {} : { skipReason }),
      checks: parseChecks(ctx.values.check as string[]),
      evidence: ctx.values.evidence as string[],
      context: ctx.values.context as string | undefined,
      timeoutMs: parseTimeout(ctx.values.timeout),
      commit: Boolean(ctx.values.commit),
      push: Boolean(ctx.values.push),
    });
    if (!result.ok) {
      if (ctx.json) ctx.stdout(JSON.stringify({ ok: false, refused: result.refused, verification: result.report }, null, 2));
      else {
        ctx.stdout(formatReport(result.report));
        ctx.stderr(`recipe: ${result.refused}\n  fix: wait for the rollout to finish or fix what is named above, then run it again; or record it unverified with --skip-verify "<reason>"`);
      }
      return 1;
    }
    const { landed } = result;
    if (ctx.json) {
      ctx.stdout(
        JSON.stringify(
          { ok: true, id: result.id, file: result.file, created: result.created, verification: result.verification, commit: landed?.commit, pushed: result.pushed ? { attempts: landed?.attempts } : undefined },
          null,
          2,
        ),
      );
    } else {
      const lines = result.report ? [formatReport(result.report), ''] : [`${result.verification.environment} was not verified against its cluster: ${skipReason}`];
      lines.push(
        result.created
          ? `snapshot ${result.id.slice(0, 12)} of ${result.verification.environment} written to ${result.file}`
          : `snapshot ${result.id.slice(0, 12)} already records this combination: verification in ${result.verification.environment} appended to ${result.file}`,
      );
      if (landed) lines.push(landedLine(landed, result.pushed));
      ctx.stdout(lines.join('\n'));
    }
    return 0;
  },
};

export default snapshot;
