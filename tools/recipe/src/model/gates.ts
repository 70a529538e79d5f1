// The gates of an environment (environments.yaml `gates:`) evaluated against a snapshot: pure,
// with the clock passed in. A gate that does not hold is described in words people can act on.
import { RecipeError } from './errors.ts';
import { iso, latestRun, verificationIssues, type GitFacts, type Run } from './provenance.ts';
import { idMatches, snapshotsOf, verificationsIn, type Snapshot, type Verification } from './snapshot.ts';

export interface Gates {
  /** Only snapshots verified against the cluster of `from` (not --skip-verify). */
  verified?: boolean;
  /** Minimum time since the snapshot was verified in `from`: `<n>s|m|h|d`, or milliseconds. */
  soak?: string | number;
  /** Named checks the snapshot must carry in `from` (recorded with --check name=...). */
  evidence?: string[];
}

/** The environment being promoted into, as far as the gates are concerned. */
export interface GateTarget {
  name: string;
  /** The environment snapshots must come from. */
  from: string;
  gates?: Gates;
}

export interface GateEvaluation {
  snapshot: Snapshot;
  /** Empty when every gate holds. One line per unmet gate. */
  unmet: string[];
  /** The verification in `from` that vouches for the snapshot (the newest one that counts). */
  verification?: Verification;
  /** How long it ran in `from`: from git (soakRun) when facts were given, else since its first verification there. */
  soakedMs?: number;
  /** The run of the snapshot in `from` on the base branch the soak was measured over. */
  soakRun?: Run;
  soakMs?: number;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `24h`, `7d` (or a number of ms) to milliseconds; undefined for anything else. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(value.trim());
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}

/** `1d 2h`, `3h 12m`, `45m`, `20s`: the two largest units. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === 's' && parts.length === 0)) parts.push(`${count}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}

const FAILED_STATUS = /^(fail|failed|failure|failing|error|errored|broken)$/i;

/**
 * What a verification says of a check: undefined when it does not carry it; failed when its
 * report failed or its --check value is a failing status (failed, error, ...).
 */
export function checkOutcome(v: Verification, name: string): { passed: boolean; detail: string } | undefined {
  const reports = v.evidence.filter((e) => e.check === name);
  const value = v.checks[name];
  if (reports.length === 0 && value === undefined) return undefined;
  const failedReport = reports.find((e) => e.status === 'failed');
  if (failedReport) {
    const { tests = 0, failures = 0, errors = 0 } = failedReport;
    return { passed: false, detail: `report ${failedReport.file}: ${failures} failed, ${errors} errored of ${tests} tests` };
  }
  if (value !== undefined && FAILED_STATUS.test(value.trim())) return { passed: false, detail: `recorded as "${value}"` };
  return { passed: true, detail: reports[0] ? `report ${reports[0].file}: ${reports[0].tests} tests passed` : value! };
}

/**
 * Every gate of `target` checked against `snapshot` at `now`. With `facts` (what git says, read by
 * io/git-facts.ts; promote always passes them) only verifications that agree with git count, and
 * the soak is measured from the base branch's history of releases/<from>/recipe.yaml, never from
 * the times written in the snapshot. Without them (pure tests) the snapshot's own times are used.
 */
export function evaluateGates(target: GateTarget, snapshot: Snapshot, now: Date, facts?: GitFacts): GateEvaluation {
  const gates = target.gates ?? {};
  const short = snapshot.id.slice(0, 12);
  const recorded = verificationsIn(snapshot, target.from);
  if (recorded.length === 0) {
    const seen = [...new Set(snapshot.verifications.map((v) => v.environment))].join(', ');
    return { snapshot, unmet: [`from ${target.from}: snapshot ${short} was never recorded in ${target.from} (only in ${seen}); ${target.name} takes snapshots of ${target.from}`] };
  }
  const unmet: string[] = [];
  let inFrom = recorded;
  if (facts) {
    const issues = verificationIssues(snapshot, facts);
    const bad = new Set(issues.map((issue) => issue.index));
    inFrom = snapshot.verifications.filter((v, index) => v.environment === target.from && !bad.has(index));
    if (inFrom.length === 0) {
      const why = issues.filter((issue) => issue.index === -1 || snapshot.verifications[issue.index]!.environment === target.from).map((issue) => (issue.index === -1 ? `${issue.field}: ${issue.message}` : `verifications[${issue.index}].${issue.field}: ${issue.message}`));
      unmet.push(`from ${target.from}: no record of snapshot ${short} in ${target.from} agrees with git (${why.join('; ')}); run "recipe lint", then "recipe snapshot ${target.from}" while it runs there`);
    }
  }
  const counting = gates.verified ? inFrom.filter((v) => v.verified) : inFrom;
  if (gates.verified && counting.length === 0 && inFrom.length > 0) {
    const reasons = inFrom.map((v) => `"${v.skipReason ?? 'no reason'}"`).join(', ');
    unmet.push(`verified: snapshot ${short} was never verified against the ${target.from} cluster (recorded with --skip-verify: ${reasons}); run "recipe snapshot ${target.from}" while it runs there`);
  }
  const byTime = [...counting].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const first = byTime[0];
  const verification = byTime.at(-1) ?? inFrom.at(-1) ?? recorded.at(-1);

  let soakMs: number | undefined;
  let soakedMs: number | undefined;
  let soakRun: Run | undefined;
  if (gates.soak !== undefined) {
    soakMs = parseDuration(gates.soak);
    if (soakMs === undefined) {
      throw new RecipeError(`soak "${gates.soak}" is not a duration`, { file: 'environments.yaml', field: `environments.${target.name}.gates.soak`, hint: 'write a number and a unit: 90s, 30m, 24h, 7d' });
    }
    // Shown as configured ("24h", not "1d"): what people wrote in environments.yaml.
    const soak = typeof gates.soak === 'string' ? gates.soak.trim() : formatDuration(soakMs);
    if (facts) {
      soakRun = latestRun(facts.histories[target.from] ?? [], snapshot);
      if (soakRun === undefined) {
        unmet.push(`soak ${soak}: snapshot ${short} never ran in ${target.from} on ${facts.baseBranch} (the first-parent history of releases/${target.from}/recipe.yaml); promote it to ${target.from} and let it run there`);
      } else {
        const end = soakRun.until?.time ?? now.getTime();
        soakedMs = end - soakRun.since.time;
        if (soakedMs < soakMs) {
          const since = `since releases commit ${soakRun.since.commit.slice(0, 7)} made ${target.from} run it on ${facts.baseBranch} at ${iso(soakRun.since.time)}`;
          unmet.push(
            soakRun.until
              ? `soak ${soak}: ran ${formatDuration(Math.max(0, soakedMs))} in ${target.from} (measured from git) ${since}, until ${soakRun.until.commit.slice(0, 7)} replaced it at ${iso(soakRun.until.time)}; it no longer runs there`
              : `soak ${soak}: soaked ${formatDuration(Math.max(0, soakedMs))} in ${target.from} (measured from git) ${since}; ready at ${iso(soakRun.since.time + soakMs)}`,
          );
        }
      }
    } else if (first === undefined) {
      unmet.push(`soak ${soak}: nothing ${gates.verified ? 'verified ' : ''}in ${target.from} to measure the soak time from`);
    } else {
      soakedMs = now.getTime() - Date.parse(first.at);
      if (soakedMs < soakMs) {
        const ready = new Date(Date.parse(first.at) + soakMs).toISOString().replace(/\.000Z$/, 'Z');
        unmet.push(`soak ${soak}: soaked ${formatDuration(Math.max(0, soakedMs))} in ${target.from} since ${first.at}; ready at ${ready}`);
      }
    }
  }
  for (const name of gates.evidence ?? []) {
    // The newest verification that carries the check decides: a later failing run is not hidden by an earlier pass.
    const outcome = byTime.map((v) => checkOutcome(v, name)).filter((o) => o !== undefined).at(-1);
    if (outcome === undefined) {
      unmet.push(`evidence ${name}: no "${name}" check recorded for snapshot ${short} in ${target.from}; add it with "recipe snapshot ${target.from} --check ${name}=<url-or-status>" or "--evidence ${name}=<junit.xml>"`);
    } else if (!outcome.passed) {
      unmet.push(`evidence ${name}: the "${name}" check of snapshot ${short} in ${target.from} failed (${outcome.detail}); fix what failed, run the suite again and record it with "recipe snapshot ${target.from} --evidence ${name}=<junit.xml>"`);
    }
  }
  return { snapshot, unmet, ...(verification ? { verification } : {}), ...(soakedMs === undefined ? {} : { soakedMs }), ...(soakMs === undefined ? {} : { soakMs }), ...(soakRun ? { soakRun } : {}) };
}

/**
 * The snapshot to promote: the one named by `id` (a prefix of at least 7 hex digits), or the
 * newest snapshot of `from` whose gates all hold. When none holds, the newest one with what it
 * misses, so the refusal can say why.
 */
export function chooseSnapshot(target: GateTarget, snapshots: Snapshot[], now: Date, id?: string, facts?: GitFacts): GateEvaluation {
  if (id !== undefined) {
    const matching = snapshots.filter((s) => idMatches(s.id, id));
    if (matching.length === 0) {
      throw new RecipeError(`no snapshot ${id}`, { field: '--snapshot', hint: `give the id (at least 7 hex digits) of a file in releases/snapshots/; "recipe snapshot ${target.from}" records one` });
    }
    if (matching.length > 1) {
      throw new RecipeError(`snapshot id ${id} is ambiguous: ${matching.map((s) => s.id.slice(0, 12)).join(', ')}`, { field: '--snapshot', hint: 'give more digits' });
    }
    return evaluateGates(target, matching[0]!, now, facts);
  }
  const candidates = snapshotsOf(snapshots, target.from);
  if (candidates.length === 0) {
    throw new RecipeError(`no snapshot of ${target.from} to promote to ${target.name}`, {
      exitCode: 1,
      hint: `record what runs in ${target.from} with "recipe snapshot ${target.from}", or name one with --snapshot <id>`,
    });
  }
  const evaluations = candidates.map((snapshot) => evaluateGates(target, snapshot, now, facts));
  return evaluations.find((evaluation) => evaluation.unmet.length === 0) ?? evaluations[0]!;
}
