import { createHash } from 'node:crypto';
import { html, raw, type SafeHtml } from './html.ts';

export interface ServiceVersion {
  version: string;
  commit: string;
}

/** What web learned from records for this page, one case per thing the page must say. */
export type RecordsView =
  | { status: 'ok'; version: string; commit: string; apiVersion: string; environment: string; count: number; secret: string }
  | { status: 'incompatible'; version: string; commit: string; apiVersion: string; reason: string }
  | { status: 'unreachable'; url: string; detail: string }
  | { status: 'failing'; url: string; detail: string };

export interface PageModel {
  environment: string;
  web: ServiceVersion;
  records: RecordsView;
  /**
   * The form's state: the value to put back, the error to show when the last submission was refused, and the
   * submission's token (records' Idempotency-Key), kept across retries of the same submission.
   */
  form: { name: string; error?: string | undefined; token: string };
  notice?: { kind: 'success' | 'warning' | 'error'; text: string } | undefined;
}

export const recordNameMaxLength = 200;

const styles = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; --card: #fff;
  --accent: #0b5cad; --ok-bg: #e6f4ea; --ok-ink: #1a5e2a; --warn-bg: #fff4e5; --warn-ink: #7a4100; --bad-bg: #fdecea; --bad-ink: #8a1c13; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .75rem 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
.env { display: inline-block; padding: .15rem .6rem; border-radius: 999px; background: var(--accent); color: #fff; font-weight: 600; font-size: .9rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .6rem; padding: 1.25rem; margin-bottom: 1.25rem; }
.banner { border-radius: .6rem; padding: .9rem 1.1rem; margin-bottom: 1.25rem; border: 1px solid; }
.banner strong { display: block; margin-bottom: .2rem; }
.banner p { margin: 0; }
.banner.success { background: var(--ok-bg); color: var(--ok-ink); border-color: #a6d8b4; }
.banner.warning { background: var(--warn-bg); color: var(--warn-ink); border-color: #f0c48a; }
.banner.error { background: var(--bad-bg); color: var(--bad-ink); border-color: #f1aea6; }
.table-scroll { overflow-x: auto; }
.table-scroll:focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
table { width: 100%; border-collapse: collapse; }
td code { white-space: nowrap; word-break: normal; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }
tbody tr:last-child th, tbody tr:last-child td { border-bottom: 0; }
code { font: .9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); border: 1px solid var(--line); border-radius: .3rem; padding: .05rem .35rem; word-break: break-all; }
.unknown { color: var(--muted); font-style: italic; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1.25rem; }
.facts { margin-bottom: 1.25rem; }
.facts .card { margin-bottom: 0; }
.count { font-size: 2.6rem; font-weight: 700; line-height: 1.1; margin: 0; }
.count.unknown { font-size: 1.4rem; font-weight: 600; }
.label { color: var(--muted); margin: 0 0 .35rem; }
.stack { display: grid; gap: .5rem; }
label { font-weight: 600; }
.row { display: flex; flex-wrap: wrap; gap: .6rem; }
input[type=text] { flex: 1 1 16rem; font: inherit; padding: .55rem .7rem; border: 1px solid #8c959f; border-radius: .4rem; background: #fff; color: var(--ink); }
input[aria-invalid=true] { border-color: var(--bad-ink); }
button { font: inherit; font-weight: 600; padding: .55rem 1.1rem; border: 1px solid var(--accent); border-radius: .4rem; background: var(--accent); color: #fff; cursor: pointer; }
button:hover { background: #094a8b; }
button:disabled { background: #8c959f; border-color: #8c959f; cursor: not-allowed; }
@media (max-width: 36rem) { main { padding: 1.25rem .75rem 2rem; } .card { padding: 1rem; } th, td { padding: .45rem .4rem; } }
input:focus-visible, button:focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
.hint { color: var(--muted); font-size: .9rem; margin: 0; }
.field-error { color: var(--bad-ink); font-weight: 600; margin: 0; }
fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
footer { color: var(--muted); font-size: .85rem; }
`;

/** The Content-Security-Policy hash of the page's only inline style; nothing else inline is allowed. */
export const styleHash = `sha256-${createHash('sha256').update(styles).digest('base64')}`;

function commitCode(commit: string): SafeHtml {
  // Full SHAs are long; show the usual 12 characters and keep the whole one in the title.
  return commit.length > 12 ? html`<code title="${commit}">${commit.slice(0, 12)}</code>` : html`<code>${commit}</code>`;
}

function banner(model: PageModel): SafeHtml[] {
  const banners: SafeHtml[] = [];
  if (model.notice) {
    const role = model.notice.kind === 'success' ? 'status' : 'alert';
    // A warning says "not sure": records may have stored the record without confirming it.
    banners.push(html`<div class="banner ${model.notice.kind}" role="${role}"><p>${model.notice.text}</p></div>`);
  }
  const records = model.records;
  if (records.status === 'unreachable') {
    banners.push(html`<div class="banner error" role="alert" id="records-unreachable"><strong>records is unreachable</strong>
<p>web could not reach the records service at <code>${records.url}</code> (${records.detail}). The record count and the demo secret are unknown until it answers again; this page keeps working.</p></div>`);
  } else if (records.status === 'failing') {
    banners.push(html`<div class="banner error" role="alert" id="records-failing"><strong>records answered with an error</strong>
<p>The records service at <code>${records.url}</code> did not answer as expected: ${records.detail}</p></div>`);
  } else if (records.status === 'incompatible') {
    banners.push(html`<div class="banner warning" role="alert" id="records-incompatible"><strong>records API is incompatible</strong>
<p>${records.reason} Deploy a records version this web supports, or a web version that supports this records; adding records is disabled meanwhile.</p></div>`);
  }
  return banners;
}

function recordsRow(records: RecordsView): SafeHtml {
  if (records.status === 'ok' || records.status === 'incompatible') {
    const environment = records.status === 'ok' ? html`${records.environment}` : html`<span class="unknown">unknown</span>`;
    return html`<tr><th scope="row">records</th><td data-testid="records-version">${records.version}</td><td>${commitCode(records.commit)}</td><td>${records.apiVersion}</td><td>${environment}</td></tr>`;
  }
  return html`<tr><th scope="row">records</th><td data-testid="records-version" colspan="4" class="unknown">unknown: records is ${records.status === 'unreachable' ? 'unreachable' : 'failing'}</td></tr>`;
}

/** The whole page as HTML; every value from outside is escaped by `html`. */
export function renderPage(model: PageModel): string {
  const records = model.records;
  const count = records.status === 'ok' ? html`<p class="count" id="record-count" data-testid="record-count">${records.count}</p>` : html`<p class="count unknown" id="record-count" data-testid="record-count">unknown</p>`;
  const secret =
    records.status !== 'ok'
      ? html`<p class="unknown" data-testid="demo-secret">unknown</p>`
      : records.secret === ''
        ? html`<p class="unknown" data-testid="demo-secret">not set</p>`
        : html`<p><code data-testid="demo-secret">${records.secret}</code></p>`;
  const formDisabled = records.status === 'incompatible';
  const error = model.form.error;
  const describedBy = error ? 'name-error name-hint' : 'name-hint';

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${model.environment} · platform demo</title>
<style>${raw(styles)}</style>
</head>
<body>
<main>
<header>
<h1>Platform demo</h1>
<span class="env" data-testid="environment" aria-label="Environment: ${model.environment}">${model.environment}</span>
</header>
${banner(model)}
<section class="card" aria-labelledby="versions-title">
<h2 id="versions-title">What runs here</h2>
<div class="table-scroll" role="region" aria-labelledby="versions-title" tabindex="0">
<table>
<thead><tr><th scope="col">Service</th><th scope="col">Version</th><th scope="col">Commit</th><th scope="col">API</th><th scope="col">Environment</th></tr></thead>
<tbody>
<tr><th scope="row">web</th><td data-testid="web-version">${model.web.version}</td><td>${commitCode(model.web.commit)}</td><td>–</td><td>${model.environment}</td></tr>
${recordsRow(records)}
</tbody>
</table>
</div>
</section>
<div class="facts">
<section class="card" aria-labelledby="count-title">
<h2 id="count-title">Records stored</h2>
${count}
</section>
<section class="card" aria-labelledby="secret-title">
<h2 id="secret-title">Demo secret</h2>
${secret}
<p class="hint">Delivered to records as <code>DEMO_SECRET</code>; shown here to prove secrets reach the pods.</p>
</section>
</div>
<section class="card" aria-labelledby="add-title">
<h2 id="add-title">Add a record</h2>
<form method="post" action="/records">
<input type="hidden" name="token" value="${model.form.token}">
<fieldset${formDisabled ? raw(' disabled') : ''}>
<div class="stack">
<label for="name">Record name</label>
${error ? html`<p class="field-error" id="name-error">${error}</p>` : ''}
<div class="row">
<input type="text" id="name" name="name" value="${model.form.name}" required maxlength="${recordNameMaxLength}" autocomplete="off" aria-describedby="${describedBy}"${error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">Add record</button>
</div>
<p class="hint" id="name-hint">1 to ${recordNameMaxLength} characters. Press Enter to add.</p>
</div>
</fieldset>
</form>
</section>
<footer><p>web ${model.web.version} talks to records at the URL in <code>RECORDS_URL</code>. Health: <code>/healthz</code>, <code>/readyz</code>; version: <code>/version</code>; metrics: <code>/metrics</code>.</p></footer>
</main>
</body>
</html>
`;
  return page.value;
}
