// The releases board: the facts `status`, `history` and the gates compute, rendered as a static
// site (one folder, no request outside it). Pure: plain data in, file contents out.
import { boardScript, boardStyle } from './board-assets.ts';

export interface BoardCheck {
  name: string;
  /** passed | failed | a URL or free text recorded with --check. */
  value: string;
  status: 'passed' | 'failed' | 'recorded';
  /** Relative link inside the site to the stored report, when one was recorded. */
  report?: string;
  /** "12 tests, 1 failed" when the report was parsed. */
  summary?: string;
}

export interface BoardVerification {
  environment: string;
  at: string;
  verified: boolean;
  skipReason?: string;
  context?: string;
  recipeCommit: string;
  checks: BoardCheck[];
}

export type ReadinessState = 'ready' | 'waiting' | 'blocked' | 'held' | 'current' | 'none';

export interface BoardReadiness {
  state: ReadinessState;
  /** What a person reads: "ready", "soaks until ...", "needs e2e evidence", "held: ...". */
  text: string;
  /** The snapshot the next promotion would take. */
  snapshot?: string;
  /** One line per unmet gate. */
  details: string[];
}

export interface BoardEnvironment {
  name: string;
  from?: string;
  namespace: string;
  auto: boolean;
  hold?: { reason: string; by?: string; at?: string };
  override?: string;
  /** The snapshot its recipe names. */
  snapshot?: string;
  lastVerification?: BoardVerification;
  /** Readiness of the promotion into this environment from `from`; undefined for the first one. */
  readiness?: BoardReadiness;
  gates: string[];
}

export interface BoardCell {
  commit: string;
  version?: string;
  /** Commits touching the service between this cell and the environment it is promoted from. */
  behind?: number;
  /** Commits this cell has that `from` does not (a hotfix or a rollback ahead of upstream). */
  ahead?: number;
  compareUrl?: string;
  commitUrl?: string;
}

export interface BoardServiceRow {
  service: string;
  cells: Record<string, BoardCell | null>;
}

export interface BoardSnapshot {
  id: string;
  environment: string;
  createdAt: string;
  services: { service: string; commit: string; version?: string }[];
  /** Environments whose recipe names this snapshot now. */
  runningIn: string[];
  verifications: BoardVerification[];
}

export interface BoardEvent {
  time: number;
  service: string;
  from?: string;
  to?: string;
  author: string;
  commit: string;
  subject: string;
  pullRequest?: string;
  snapshot?: string;
  kind: 'promotion' | 'rollback' | 'set' | 'hold' | 'unhold' | 'override' | 'change';
}

export interface BoardData {
  title: string;
  generatedAt: string;
  /** The releases commit the board was rendered from. */
  releasesCommit?: string;
  webUrl?: string;
  environments: BoardEnvironment[];
  services: BoardServiceRow[];
  snapshots: BoardSnapshot[];
  history: Record<string, BoardEvent[]>;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => escapes[c]!);
}

/** Only http(s) and relative links reach an href; anything else (javascript:, data:) is dropped. */
export function safeHref(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (/^https?:\/\//i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  return url;
}

function link(url: string | undefined, text: string, attributes = ''): string {
  const href = safeHref(url);
  return href === undefined ? escapeHtml(text) : `<a href="${escapeHtml(href)}"${attributes}>${escapeHtml(text)}</a>`;
}

const short = (commit: string | undefined, length = 7) => (commit ? commit.slice(0, length) : '-');
const when = (iso: string) => iso.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1 UTC');
const whenSeconds = (seconds: number) => when(new Date(seconds * 1000).toISOString());

function badge(kind: string, text: string, title?: string): string {
  return `<span class="badge badge-${kind}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(text)}</span>`;
}

function checkItem(check: BoardCheck): string {
  const label = `${check.name}: ${check.status === 'recorded' ? check.value : check.status}`;
  const report = check.report ? ` ${link(check.report, 'report', ` aria-label="${escapeHtml(`${check.name} report`)}"`)}` : '';
  const summary = check.summary ? ` <span class="muted">(${escapeHtml(check.summary)})</span>` : '';
  const value = check.status !== 'recorded' && /^https?:\/\//.test(check.value) ? ` ${link(check.value, 'run')}` : '';
  return `<li>${badge(check.status, label)}${summary}${report}${value}</li>`;
}

function verificationBlock(v: BoardVerification | undefined): string {
  if (!v) return '<p class="muted">never verified</p>';
  const result = v.verified ? badge('passed', 'verified') : badge('warn', 'not verified', v.skipReason);
  const where = v.context ? ` against <code>${escapeHtml(v.context)}</code>` : '';
  const reason = v.verified ? '' : ` <span class="muted">(${escapeHtml(v.skipReason ?? 'no reason')})</span>`;
  const checks = v.checks.length ? `<ul class="checks">${v.checks.map(checkItem).join('')}</ul>` : '<p class="muted">no checks recorded</p>';
  return `<p>${result} <time datetime="${escapeHtml(v.at)}">${escapeHtml(when(v.at))}</time>${where}${reason}</p>${checks}`;
}

function environmentCard(env: BoardEnvironment, data: BoardData): string {
  const badges = [
    env.auto ? badge('info', 'auto') : '',
    env.hold ? badge('held', 'held', env.hold.reason) : '',
    env.override ? badge('override', 'override', env.override) : '',
  ].filter(Boolean).join(' ');
  const snapshot = env.snapshot ? `<a href="#snapshot-${escapeHtml(env.snapshot.slice(0, 12))}"><code>${escapeHtml(env.snapshot.slice(0, 12))}</code></a>` : '<span class="muted">none</span>';
  const readiness = env.readiness
    ? `<div class="readiness readiness-${env.readiness.state}"><strong>Promotion from ${escapeHtml(env.from ?? '')}:</strong> <span class="readiness-text">${escapeHtml(env.readiness.text)}</span>${
        env.readiness.details.length ? `<ul>${env.readiness.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>` : ''
      }</div>`
    : '';
  const fed = data.environments.filter((other) => other.from === env.name).map((other) => other.name);
  return `<article class="env" id="env-${escapeHtml(env.name)}" aria-labelledby="env-${escapeHtml(env.name)}-title">
<h3 id="env-${escapeHtml(env.name)}-title">${escapeHtml(env.name)} ${badges}</h3>
<dl>
<dt>Namespace</dt><dd><code>${escapeHtml(env.namespace)}</code></dd>
<dt>Promoted from</dt><dd>${env.from ? `<a href="#env-${escapeHtml(env.from)}">${escapeHtml(env.from)}</a>` : '<span class="muted">first environment</span>'}</dd>
<dt>Promotes to</dt><dd>${fed.length ? fed.map((n) => `<a href="#env-${escapeHtml(n)}">${escapeHtml(n)}</a>`).join(', ') : '<span class="muted">none</span>'}</dd>
<dt>Gates</dt><dd>${env.gates.length ? escapeHtml(env.gates.join(', ')) : '<span class="muted">none</span>'}</dd>
<dt>Runs snapshot</dt><dd>${snapshot}</dd>
${env.hold ? `<dt>Hold</dt><dd>${escapeHtml(env.hold.reason)}${env.hold.by ? ` <span class="muted">by ${escapeHtml(env.hold.by)}</span>` : ''}</dd>` : ''}
${env.override ? `<dt>Override</dt><dd>${escapeHtml(env.override)}</dd>` : ''}
</dl>
<h4>Last verification</h4>
${verificationBlock(env.lastVerification)}
${readiness}
</article>`;
}

/** The promotion graph: environments by depth from the first, so a fan-out shows side by side. */
function promotionGraph(data: BoardData): string {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen = new Set<string>()): number => {
    if (depth.has(name)) return depth.get(name)!;
    const env = data.environments.find((e) => e.name === name);
    const d = env?.from && !seen.has(env.from) ? depthOf(env.from, seen.add(name)) + 1 : 0;
    depth.set(name, d);
    return d;
  };
  for (const env of data.environments) depthOf(env.name);
  const levels: BoardEnvironment[][] = [];
  for (const env of data.environments) (levels[depth.get(env.name)!] ??= []).push(env);
  return `<ol class="graph" aria-label="Promotion path">${levels
    .map((level) => `<li><ul class="level">${level.map((env) => `<li>${environmentCard(env, data)}</li>`).join('')}</ul></li>`)
    .join('')}</ol>`;
}

function cell(c: BoardCell | null | undefined, env: BoardEnvironment): string {
  if (!c) return '<td class="muted">-</td>';
  const commit = link(c.commitUrl, short(c.commit));
  const version = c.version ? ` <span class="version">${escapeHtml(c.version)}</span>` : '';
  let relation = '';
  if (env.from && c.behind !== undefined && c.behind > 0) {
    const text = `${c.behind} behind ${env.from}`;
    relation = ` <span class="behind">${c.compareUrl ? link(c.compareUrl, text) : escapeHtml(text)}</span>`;
  } else if (env.from && c.ahead !== undefined && c.ahead > 0) {
    relation = ` <span class="ahead">${escapeHtml(`${c.ahead} ahead of ${env.from}`)}</span>`;
  }
  return `<td data-behind="${c.behind ?? 0}"><code>${commit}</code>${version}${relation}</td>`;
}

function matrix(data: BoardData): string {
  const head = data.environments.map((env) => `<th scope="col">${escapeHtml(env.name)}${env.hold ? ` ${badge('held', 'held')}` : ''}</th>`).join('');
  const rows = data.services
    .map((row) => `<tr data-service="${escapeHtml(row.service)}"><th scope="row">${escapeHtml(row.service)}</th>${data.environments.map((env) => cell(row.cells[env.name], env)).join('')}</tr>`)
    .join('\n');
  return `<div class="filter"><label for="service-filter">Filter services</label> <input id="service-filter" type="search" placeholder="name contains…" autocomplete="off" aria-controls="matrix"> <span id="filter-count" aria-live="polite"></span></div>
<div class="scroll"><table id="matrix">
<caption>Services × environments: commit, version, and how far each is behind the environment it is promoted from</caption>
<thead><tr><th scope="col">Service</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function snapshotsSection(data: BoardData): string {
  if (data.snapshots.length === 0) return '<p class="muted">No snapshot recorded yet: <code>recipe snapshot &lt;env&gt;</code> records one.</p>';
  return data.snapshots
    .map((s) => {
      const id = s.id.slice(0, 12);
      const running = s.runningIn.length ? ` ${s.runningIn.map((env) => badge('info', `runs in ${env}`)).join(' ')}` : '';
      const services = s.services.map((svc) => `<tr><th scope="row">${escapeHtml(svc.service)}</th><td><code>${escapeHtml(short(svc.commit))}</code></td><td>${escapeHtml(svc.version ?? '')}</td></tr>`).join('');
      const verifications = s.verifications.length
        ? `<ul class="verifications">${s.verifications.map((v) => `<li><strong>${escapeHtml(v.environment)}</strong>: ${verificationBlock(v)}</li>`).join('')}</ul>`
        : '';
      return `<details class="snapshot" id="snapshot-${escapeHtml(id)}"><summary><code>${escapeHtml(id)}</code> of ${escapeHtml(s.environment)}, <time datetime="${escapeHtml(s.createdAt)}">${escapeHtml(when(s.createdAt))}</time>, ${s.services.length} services${running}</summary>
<table><caption>Services of snapshot ${escapeHtml(id)}</caption><thead><tr><th scope="col">Service</th><th scope="col">Commit</th><th scope="col">Version</th></tr></thead><tbody>${services}</tbody></table>
${verifications}</details>`;
    })
    .join('\n');
}

const kindLabel: Record<BoardEvent['kind'], string> = {
  promotion: 'promotion',
  rollback: 'rollback',
  set: 'set by CI',
  hold: 'hold',
  unhold: 'unhold',
  override: 'override',
  change: 'change',
};

function historySection(data: BoardData): string {
  return data.environments
    .map((env) => {
      const events = data.history[env.name] ?? [];
      const body = events.length
        ? `<table><caption>History of ${escapeHtml(env.name)}, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Service</th><th scope="col">Change</th><th scope="col">By</th><th scope="col">Pull request</th><th scope="col">Snapshot</th></tr></thead><tbody>${events
            .map(
              (e) => `<tr class="event-${e.kind}"><td><time datetime="${escapeHtml(new Date(e.time * 1000).toISOString())}">${escapeHtml(whenSeconds(e.time))}</time></td><td>${badge(e.kind === 'rollback' ? 'failed' : e.kind === 'hold' ? 'held' : e.kind === 'override' ? 'override' : 'info', kindLabel[e.kind])}</td><td>${escapeHtml(e.service)}</td><td>${e.service ? `<code>${escapeHtml(short(e.from))}</code> → <code>${escapeHtml(short(e.to))}</code><br>` : ''}<span class="muted">${escapeHtml(e.subject)}</span></td><td>${escapeHtml(e.author)}</td><td>${escapeHtml(e.pullRequest ?? '-')}</td><td>${e.snapshot ? `<code>${escapeHtml(e.snapshot.slice(0, 12))}</code>` : '-'}</td></tr>`,
            )
            .join('')}</tbody></table>`
        : '<p class="muted">no recorded changes</p>';
      return `<section aria-labelledby="history-${escapeHtml(env.name)}"><h3 id="history-${escapeHtml(env.name)}">${escapeHtml(env.name)}</h3>${body}</section>`;
    })
    .join('\n');
}

/** The site's files: index.html, board.css, board.js. Evidence reports are copied by the caller. */
export function renderBoard(data: BoardData): Record<string, string> {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'">
<title>${escapeHtml(data.title)}</title>
<link rel="stylesheet" href="board.css">
<script src="board.js" defer></script>
</head>
<body>
<a class="skip" href="#matrix-section">Skip to the services matrix</a>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="muted">Rendered <time datetime="${escapeHtml(data.generatedAt)}">${escapeHtml(when(data.generatedAt))}</time>${data.releasesCommit ? ` from releases commit <code>${escapeHtml(short(data.releasesCommit, 12))}</code>` : ''} by <code>recipe board</code>.</p>
<nav aria-label="Sections"><ul><li><a href="#environments">Environments</a></li><li><a href="#matrix-section">Services</a></li><li><a href="#snapshots">Snapshots</a></li><li><a href="#history">History</a></li></ul></nav>
</header>
<main>
<section id="environments" aria-labelledby="environments-title"><h2 id="environments-title">Environments and promotions</h2>
${promotionGraph(data)}
</section>
<section id="matrix-section" aria-labelledby="matrix-title"><h2 id="matrix-title">What runs where</h2>
${matrix(data)}
</section>
<section id="snapshots" aria-labelledby="snapshots-title"><h2 id="snapshots-title">Snapshots</h2>
${snapshotsSection(data)}
</section>
<section id="history" aria-labelledby="history-title"><h2 id="history-title">History</h2>
${historySection(data)}
</section>
</main>
</body>
</html>
`;
  return { 'index.html': html, 'board.css': boardStyle, 'board.js': boardScript };
}
