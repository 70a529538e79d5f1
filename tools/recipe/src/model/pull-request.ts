// The pull request of a promotion or rollback: title, body and labels, rendered from the plan and
// what git said about it. Pure; the body always fits the forge's limit, the diff is cut first.
import { CHANGELOG_HEADINGS } from './changelog.ts';
import type { Gates } from './environments.ts';
import { formatDuration, type GateEvaluation } from './gates.ts';
import { iso } from './provenance.ts';
import { shortCommit, sourceLabel, type PromotionPlan, type ServiceChange } from './promotion.ts';
import type { Hold } from './recipe.ts';
import { isClusterSummary } from './snapshot.ts';

/** GitHub refuses a body longer than this (characters); GitLab's limit is higher. */
export const BODY_LIMIT = 65_536;

export interface ChangelogEntry {
  service: string;
  sha: string;
  /** Conventional Commit type; undefined for a subject that does not follow the convention. */
  type?: string;
  scope?: string;
  description: string;
  breaking: boolean;
  /** The BREAKING CHANGE footer: the migration note reviewers must read. */
  breakingNote?: string;
  /** True for a commit the environment runs now and stops running (rolled back, or left behind). */
  leaves?: boolean;
}

export interface ServiceHistory {
  /** Commits touching the service's project between the current and the next commit. */
  commits: number;
  /** forward: next descends from current; backward: a rollback; unrelated: neither. */
  direction: 'forward' | 'backward' | 'unrelated';
}

export interface PullRequestInput {
  plan: PromotionPlan;
  /** baseBranch: evidence files are linked where they are committed, on the base branch. */
  repository: { webUrl?: string; forge: 'github' | 'gitlab'; baseBranch?: string };
  history: Record<string, ServiceHistory>;
  changelog: ChangelogEntry[];
  /** The gate evaluation of the promoted snapshot (promotions only). */
  evaluation?: GateEvaluation;
  /** Unified diff of the rendered manifests (the environment's flux/ folder). */
  manifestDiff: string;
  /** The forge's longest title (the adapter's titleLimit); GitHub's by default. */
  titleLimit?: number;
  /** The target environment's gates as configured, so each is listed with its figure. */
  gates?: Gates;
}

export interface PullRequestContent {
  title: string;
  body: string;
  labels: string[];
  /** True when the manifest diff (or more) was cut to fit BODY_LIMIT. */
  truncated: boolean;
}


/** GitHub refuses longer pull request titles (GitLab: 255; each forge adapter says its own). */
export const TITLE_LIMIT = 256;

/**
 * `promote(prod): staging snapshot 3f9a1c2b7d10: records 1a2b3c4 -> 5d6e7f8, web unchanged`.
 * With many services the list is cut to fit TITLE_LIMIT and ends with what was left out.
 */
export function pullRequestTitle(plan: PromotionPlan, limit = TITLE_LIMIT): string {
  const only = plan.only ? ` (only ${plan.only.join(', ')})` : '';
  const source = plan.kind === 'promote' && plan.source.type === 'snapshot' ? `${plan.source.environment} ${sourceLabel(plan.source)}` : `to ${sourceLabel(plan.source)}`;
  // An overridden promotion says so where every list of pull requests shows it.
  const overridden = plan.kind === 'promote' && plan.override ? 'OVERRIDE ' : '';
  const prefix = `${plan.kind}(${plan.environment}): ${overridden}${source}${only}: `;
  const move = (c: ServiceChange) => `${c.service} ${shortCommit(c.current?.commit)} -> ${shortCommit(c.next.commit)}`;
  const full = `${prefix}${plan.changes.map((c) => (c.changed ? move(c) : `${c.service} unchanged`)).join(', ')}`;
  if (full.length <= limit) return full;
  const moved = plan.changes.filter((c) => c.changed).map(move);
  const still = plan.changes.length - moved.length;
  for (let shown = moved.length; shown >= 0; shown--) {
    const rest = moved.length - shown;
    const tail = [rest > 0 ? `${rest} more changed` : '', still > 0 ? `${still} unchanged` : ''].filter(Boolean).join(', ');
    const title = `${prefix}${[...moved.slice(0, shown), tail].filter(Boolean).join(', ')}`;
    if (title.length <= limit) return title;
  }
  return `${prefix}${moved.length} changed, ${still} unchanged`.slice(0, limit);
}

export function pullRequestLabels(plan: PromotionPlan): string[] {
  return [plan.kind === 'promote' ? 'promotion' : 'rollback', `env:${plan.environment}`, ...(plan.kind === 'promote' && plan.override ? ['override'] : [])];
}

export function renderPullRequest(input: PullRequestInput, limit = BODY_LIMIT): PullRequestContent {
  const { plan } = input;
  const head = [intro(input), servicesTable(input), changelogSection(input), evidenceSection(input)].filter(Boolean).join('\n\n');
  const diff = input.manifestDiff;
  const summary = diffSummary(diff);
  const open = '## Manifest diff\n\n' + summary + '\n\n```diff\n';
  const close = '\n```\n';
  let body = `${head}\n\n${open}${diff.trimEnd()}${close}`;
  let truncated = false;
  if (diff.trim() === '') {
    body = `${head}\n\n## Manifest diff\n\nNo rendered manifest changes.\n`;
  } else if (body.length >= limit) {
    truncated = true;
    const lines = diff.trimEnd().split('\n');
    const note = (shown: number) => `\n> The manifest diff was truncated to fit the pull request body: ${shown} of ${lines.length} lines shown. The branch holds the full change; run \`recipe diff\` or \`git diff\` to see all of it.\n`;
    const room = limit - 1 - head.length - 2 - open.length - close.length - note(lines.length).length;
    let kept = 0;
    let used = 0;
    while (kept < lines.length && used + lines[kept]!.length + 1 <= room) used += lines[kept++]!.length + 1;
    body = room > 0 ? `${head}\n\n${open}${lines.slice(0, kept).join('\n')}${close}${note(kept)}` : `${head}\n`;
  }
  if (body.length >= limit) {
    // Even without the diff it is too long (thousands of commits): cut the text itself.
    truncated = true;
    const note = '\n\n> This description was truncated to fit the forge\'s limit; the branch holds the full change.\n';
    body = body.slice(0, limit - 1 - note.length) + note;
  }
  return { title: pullRequestTitle(plan, input.titleLimit), body, labels: pullRequestLabels(plan), truncated };
}

function intro({ plan }: PullRequestInput): string {
  const lines: string[] = [];
  if (plan.kind === 'promote' && plan.source.type === 'snapshot') {
    lines.push(`Promotes **${plan.environment}** to snapshot \`${plan.source.id}\`, the combination recorded in **${plan.source.environment}**.`);
  } else {
    lines.push(`Rolls **${plan.environment}** back to ${sourceLabel(plan.source)}${plan.source.type === 'revision' ? ` (\`${plan.source.revision}\`)` : ''}.`);
  }
  if (plan.hold) lines.push('', `Merging puts **${plan.environment}** on hold: \`recipe set\` refuses to move it until \`recipe unhold ${plan.environment}\`. Reason: ${plan.hold.reason}`);
  if (plan.only) lines.push('', `**Partial promotion**: only ${plan.only.join(', ')} taken from the snapshot; this combination was never tested together.`);
  if (plan.override && plan.kind === 'rollback') {
    lines.push('', `> [!NOTE]`, `> No snapshot vouches for the combination this rolls back to; the recipe says so in \`override:\`: ${plan.override}`);
  } else if (plan.override) {
    lines.push('', `> [!WARNING]`, `> **Gates overridden**: ${plan.override}`);
    for (const unmet of plan.unmetGates) lines.push(`> - ${unmet}`);
  }
  return lines.join('\n');
}

function servicesTable({ plan, repository, history }: PullRequestInput): string {
  const rows = ['## Services', '', '| service | current | new | compare | commits |', '| --- | --- | --- | --- | --- |'];
  for (const change of plan.changes) {
    const current = change.current ? `\`${shortCommit(change.current.commit)}\`${change.current.version ? ` ${change.current.version}` : ''}` : '(none)';
    const next = change.changed ? `\`${shortCommit(change.next.commit)}\`${change.next.version ? ` ${change.next.version}` : ''}` : 'unchanged';
    rows.push(`| ${change.service} | ${current} | ${next} | ${compareLink(change, repository)} | ${commitCount(change, history[change.service])} |`);
  }
  return rows.join('\n');
}

function compareLink(change: ServiceChange, repository: PullRequestInput['repository']): string {
  if (!change.changed || !change.current || !repository.webUrl) return '';
  const web = repository.webUrl.replace(/\/+$/, '');
  const path = repository.forge === 'gitlab' ? '/-/compare/' : '/compare/';
  return `[${shortCommit(change.current.commit)}...${shortCommit(change.next.commit)}](${web}${path}${change.current.commit}...${change.next.commit})`;
}

function commitCount(change: ServiceChange, history: ServiceHistory | undefined): string {
  if (!change.changed || history === undefined) return change.changed ? '' : '0';
  if (history.direction === 'backward') return `${history.commits} rolled back`;
  if (history.direction === 'unrelated') return `${history.commits} (diverged)`;
  return String(history.commits);
}

function changelogSection({ plan, changelog, repository }: PullRequestInput): string {
  const link = (sha: string) => {
    if (!repository.webUrl) return `\`${sha.slice(0, 7)}\``;
    const web = repository.webUrl.replace(/\/+$/, '');
    return `[\`${sha.slice(0, 7)}\`](${web}${repository.forge === 'gitlab' ? '/-/commit/' : '/commit/'}${sha})`;
  };
  const line = (e: ChangelogEntry) => `- **${e.service}**: ${e.scope && e.scope !== e.service ? `${e.scope}: ` : ''}${e.description} (${link(e.sha)})`;
  const section = (title: string, entries: ChangelogEntry[], empty?: string): string[] => {
    if (entries.length === 0) return empty === undefined ? [] : [title, '', empty];
    const out = [title];
    const breaking = entries.filter((e) => e.breaking);
    if (breaking.length > 0) {
      out.push('', '### ⚠ Breaking changes', '');
      for (const e of breaking) {
        out.push(line(e));
        // The footer is the migration note: quoted in full under its commit.
        if (e.breakingNote && e.breakingNote !== e.description) out.push(...e.breakingNote.split('\n').map((text) => `  > ${text}`));
      }
    }
    const known = new Set(CHANGELOG_HEADINGS.map(([type]) => type));
    for (const [type, heading] of CHANGELOG_HEADINGS) {
      const typed = entries.filter((e) => !e.breaking && e.type === type);
      if (typed.length > 0) out.push('', `### ${heading}`, '', ...typed.map(line));
    }
    const other = entries.filter((e) => !e.breaking && (e.type === undefined || !known.has(e.type)));
    if (other.length > 0) out.push('', '### Other changes', '', ...other.map(line));
    return out;
  };
  const arriving = changelog.filter((e) => !e.leaves);
  const leaving = changelog.filter((e) => e.leaves);
  const none = "No commits touch the services' projects between these versions.";
  const parts =
    plan.kind === 'rollback'
      ? [section(`## Changes rolled back (they leave ${plan.environment})`, leaving, arriving.length === 0 ? none : undefined), section(`## Changes that come back to ${plan.environment}`, arriving)]
      : [section('## Changelog', arriving, leaving.length === 0 ? none : undefined), section(`## Commits that leave ${plan.environment}`, leaving)];
  return parts.filter((p) => p.length > 0).map((p) => p.join('\n')).join('\n\n');
}

/** The file on the forge's web UI at the base branch, or undefined without a webUrl. */
function fileLink(repository: PullRequestInput['repository'], file: string): string | undefined {
  if (!repository.webUrl) return undefined;
  const web = repository.webUrl.replace(/\/+$/, '');
  return `${web}${repository.forge === 'gitlab' ? '/-/blob/' : '/blob/'}${repository.baseBranch ?? 'main'}/${file}`;
}

function evidenceSection({ plan, evaluation, repository, gates }: PullRequestInput): string {
  if (plan.kind !== 'promote' || evaluation === undefined) return '';
  const out = ['## Evidence', ''];
  const v = evaluation.verification;
  if (v === undefined) {
    out.push(`No verification of this snapshot in ${plan.source.type === 'snapshot' ? plan.source.environment : 'the source environment'}.`);
  } else if (v.verified) {
    out.push(`- Verified against the **${v.environment}** cluster${v.cluster ? ` (context \`${v.cluster.context}\`)` : ''} at ${v.at}, releases commit \`${v.recipeCommit.slice(0, 7)}\`.`);
    if (v.cluster && isClusterSummary(v.cluster)) {
      out.push(`  - ${v.cluster.checked} services checked, each at its recipe's image with every replica ready and its HelmRelease ready (what was seen has SHA-256 \`${v.cluster.digest.slice(0, 12)}\`).`);
    }
    for (const [service, seen] of Object.entries(v.cluster && !isClusterSummary(v.cluster) ? v.cluster.services : {})) {
      const release = seen.helmRelease ? `, HelmRelease ${seen.helmRelease.ready ? 'ready' : 'not ready'}${seen.helmRelease.revision ? ` at ${seen.helmRelease.revision}` : ''}` : '';
      out.push(`  - ${service}: ${seen.replicas.ready}/${seen.replicas.desired} replicas ready${release}`);
    }
  } else {
    out.push(`- **Not verified** against the ${v.environment} cluster: recorded at ${v.at} with --skip-verify: "${v.skipReason ?? ''}".`);
  }
  if (evaluation.soakedMs !== undefined) {
    const run = evaluation.soakRun;
    const measured = run
      ? `, measured from git: releases commit \`${run.since.commit.slice(0, 7)}\` made it run there at ${iso(run.since.time)}${run.until ? `, until \`${run.until.commit.slice(0, 7)}\` replaced it at ${iso(run.until.time)}` : ''}`
      : '';
    out.push(`- Soak time in ${v?.environment ?? 'the source environment'}: ${formatDuration(Math.max(0, evaluation.soakedMs))}${evaluation.soakMs !== undefined ? ` (gate: ${gates?.soak ?? formatDuration(evaluation.soakMs)})` : ''}${measured}.`);
  }
  const checks = Object.entries(v?.checks ?? {});
  out.push(checks.length > 0 ? `- Checks: ${checks.map(([name, value]) => `${name}: ${value}`).join('; ')}.` : '- Checks: none recorded.');
  for (const file of v?.evidence ?? []) {
    const link = fileLink(repository, file.file);
    const name = link ? `[\`${file.file}\`](${link})` : `\`${file.file}\``;
    if (file.check === undefined) out.push(`- Evidence file ${name} (sha256 \`${file.sha256.slice(0, 12)}\`).`);
    else out.push(`- ${file.check} report ${name}: **${file.status}**, ${file.tests} tests, ${file.failures} failed, ${file.errors} errored, ${file.skipped} skipped.`);
  }
  return [out.join('\n'), gatesSection(plan, evaluation, gates ?? {})].join('\n\n');
}

/** Each configured gate with what was measured: a reviewer sees the figures, not "all passed". */
function gatesSection(plan: PromotionPlan, evaluation: GateEvaluation, gates: Gates): string {
  const from = plan.source.type === 'snapshot' ? plan.source.environment : 'the source environment';
  const unmet = (prefix: string) => plan.unmetGates.find((line) => line.startsWith(prefix));
  const mark = (failed: string | undefined) => (failed ? (plan.override ? '⚠️ overridden' : '❌ not met') : '✅ met');
  const rows = ['## Gates', '', '| gate | required | measured | result |', '| --- | --- | --- | --- |'];
  const fromGate = unmet('from ');
  rows.push(`| from | a snapshot recorded in ${from} | ${fromGate ? fromGate.split(': ').slice(1).join(': ') : `recorded in ${from}`} | ${mark(fromGate)} |`);
  const v = evaluation.verification;
  if (gates.verified) {
    const failed = unmet('verified');
    const seen = v?.verified ? `verified against ${v.cluster?.context ? `context \`${v.cluster.context}\`` : `the ${v.environment} cluster`} at ${v.at}` : 'never verified against the cluster';
    rows.push(`| verified | verified against the ${from} cluster | ${seen} | ${mark(failed)} |`);
  }
  if (gates.soak !== undefined) {
    const failed = unmet('soak');
    const measured = evaluation.soakedMs === undefined ? 'nothing to measure from' : formatDuration(Math.max(0, evaluation.soakedMs));
    rows.push(`| soak | ${gates.soak} | ${measured} | ${mark(failed)} |`);
  }
  for (const name of gates.evidence ?? []) {
    const failed = unmet(`evidence ${name}`);
    const report = v?.evidence.find((e) => e.check === name);
    const value = v?.checks[name];
    const measured = report ? `${report.status}: ${report.tests} tests, ${(report.failures ?? 0) + (report.errors ?? 0)} failed` : value ? value : 'no such check recorded';
    rows.push(`| evidence ${name} | a passing ${name} check | ${measured} | ${mark(failed)} |`);
  }
  if (plan.unmetGates.length > 0 && plan.override) rows.push('', `Overridden: ${plan.override}`);
  return rows.join('\n');
}

/** `3 files changed, +12 -8` and one line per file, from a unified diff (git's or `diff`'s). */
export function diffSummary(diff: string): string {
  const files: { name: string; added: number; removed: number }[] = [];
  const lines = diff.split('\n');
  let oldName = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('--- ')) oldName = line.slice(4).split('\t')[0]!.replace(/^a\//, '');
    else if (line.startsWith('+++ ')) {
      const name = line.slice(4).split('\t')[0]!;
      files.push({ name: name === '/dev/null' ? oldName : name.replace(/^b\//, ''), added: 0, removed: 0 });
    } else {
      const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      const file = files.at(-1);
      if (!hunk || !file) continue;
      // Read exactly the hunk's lines, so content that looks like a header is counted as content.
      let [oldLeft, newLeft] = [Number(hunk[1] ?? 1), Number(hunk[2] ?? 1)];
      while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
        const body = lines[++i]!;
        if (body.startsWith('\\')) continue;
        if (body.startsWith('+')) {
          file.added += 1;
          newLeft -= 1;
        } else if (body.startsWith('-')) {
          file.removed += 1;
          oldLeft -= 1;
        } else {
          oldLeft -= 1;
          newLeft -= 1;
        }
      }
    }
  }
  if (files.length === 0) return 'No rendered manifest changes.';
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  return [`${files.length} file${files.length === 1 ? '' : 's'} changed, +${added} -${removed}:`, '', ...files.map((f) => `- \`${f.name}\` +${f.added} -${f.removed}`)].join('\n');
}

export interface HoldRequestInput {
  environment: string;
  /** The hold to set; null to lift `lifted`. */
  hold: Hold | null;
  /** The hold in place on the base branch (what an unhold lifts). */
  lifted?: Hold;
  baseBranch: string;
  /** "pull request" or "merge request". */
  noun: string;
  titleLimit?: number;
}

/**
 * The pull request of a hold or unhold where the base branch takes no direct pushes: who holds,
 * why, and what merging it does.
 */
export function holdPullRequest(input: HoldRequestInput): PullRequestContent {
  const { environment: env, hold, lifted, baseBranch, noun } = input;
  const file = `releases/${env}/recipe.yaml`;
  const limit = input.titleLimit ?? TITLE_LIMIT;
  const cut = (text: string) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);
  if (hold) {
    const body = [
      `## Hold ${env}`,
      '',
      `- **Why:** ${hold.reason}`,
      `- **Who:** ${hold.by ?? 'unknown'}`,
      ...(hold.since ? [`- **Since:** ${hold.since} (when \`recipe hold\` ran)`] : []),
      ...(lifted ? [`- **Replaces:** the hold in place since ${lifted.since ?? '(unknown)'} by ${lifted.by ?? 'unknown'}: ${lifted.reason}`] : []),
      '',
      '## What merging does',
      '',
      `Merging this ${noun} writes \`hold:\` into \`${file}\` on \`${baseBranch}\`. From then on \`recipe set ${env}\` refuses to change the environment and \`recipe promote ${env}\` refuses without \`--override\`. Nothing is deployed or rolled back: ${env} keeps running what it runs now.`,
      '',
      `Lift it with \`recipe unhold ${env} --push\` (a ${noun} too where \`${baseBranch}\` is protected).`,
    ].join('\n');
    return { title: cut(`hold(${env}): ${hold.reason.split('\n')[0]}`), body: `${body}\n`, labels: ['hold', `env:${env}`], truncated: false };
  }
  const reason = lifted?.reason.split('\n')[0] ?? '';
  const body = [
    `## Unhold ${env}`,
    '',
    ...(lifted ? [`- **Lifts:** ${lifted.reason}`, `- **Held by:** ${lifted.by ?? 'unknown'}${lifted.since ? ` since ${lifted.since}` : ''}`] : []),
    '',
    '## What merging does',
    '',
    `Merging this ${noun} removes \`hold:\` from \`${file}\` on \`${baseBranch}\`. From then on \`recipe set ${env}\` may move the environment again (when it is \`auto\`) and \`recipe promote ${env}\` needs no \`--override\` for the hold. Nothing is deployed by this change itself.`,
  ].join('\n');
  return { title: cut(`unhold(${env}): ${reason ? `lift "${reason}"` : 'lift the hold'}`), body: `${body}\n`, labels: ['unhold', `env:${env}`], truncated: false };
}
