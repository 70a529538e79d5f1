// chart-checks: the checks of the Helm charts in charts/, run by each chart's Nx targets.
//   chart-checks lint <chart-dir>...   helm lint --strict per scenario; the README's values table is current
//   chart-checks test <chart-dir>...   render every scenario; schema, unknown-field and policy checks
//   chart-checks docs <chart-dir>...   rewrite the README's values table from values.yaml
//   chart-checks golden [--update] <chart-dir>...   compare (or rewrite) the golden renders in golden/<chart>/
//   chart-checks seal --cert <pem> --namespace <ns> --name <secret> [--scope strict] KEY=VALUE...
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { lintChart, renderGoldens, testChart, type CheckReport } from './check.ts';
import { compareGoldens, goldenDir, readGoldens, writeGoldens } from './golden.ts';
import { workspaceRoot } from './helm.ts';
import { chartName } from './scenarios.ts';
import { sealingLabel, sealValue, type SealingScope } from './seal.ts';
import { documentValues, valuesTable, withValuesSection } from './values-docs.ts';

const usage = `usage: chart-checks lint|test|docs <chart-dir>...
       chart-checks golden [--update] <chart-dir>...
       chart-checks seal --cert <pem> --namespace <ns> --name <secret> [--scope strict|namespace-wide|cluster-wide] KEY=VALUE...`;

function print(report: CheckReport, what: string): boolean {
  const scope = `${report.chart}: ${what} of ${report.scenarios} scenario(s)${report.objects ? `, ${report.objects} object(s)` : ''}`;
  if (report.findings.length === 0) {
    console.log(`${scope}: ok`);
    return true;
  }
  console.error(`${scope}: ${report.findings.length} problem(s)`);
  for (const finding of report.findings) console.error(`  ${finding.where}: ${finding.message}`);
  return false;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function docs(chartDir: string): void {
  const readmeFile = join(chartDir, 'README.md');
  const table = valuesTable(documentValues(readFileSync(join(chartDir, 'values.yaml'), 'utf8'), relative(workspaceRoot, join(chartDir, 'values.yaml'))));
  const readme = readFileSync(readmeFile, 'utf8');
  const updated = withValuesSection(readme, table, relative(workspaceRoot, readmeFile));
  if (updated !== readme) writeAtomically(readmeFile, updated);
  console.log(`${relative(workspaceRoot, readmeFile)}: values table ${updated === readme ? 'already current' : 'updated'}`);
}

function seal(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { cert: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', default: 'strict' } },
  });
  const scope = values.scope as SealingScope;
  if (!values.cert || !values.namespace || !values.name || !['strict', 'namespace-wide', 'cluster-wide'].includes(scope) || positionals.length === 0) {
    console.error(usage);
    return 2;
  }
  const certificate = new X509Certificate(readFileSync(values.cert)).publicKey;
  const label = sealingLabel(values.namespace, values.name, scope);
  const encryptedData: Record<string, string> = {};
  for (const pair of positionals) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      console.error(`chart-checks seal: "${pair}" is not KEY=VALUE`);
      return 2;
    }
    encryptedData[pair.slice(0, equals)] = sealValue(certificate, pair.slice(equals + 1), label);
  }
  process.stdout.write(stringify({ encryptedData }, { lineWidth: 0 }));
  return 0;
}

/** Compares the chart's renders with its goldens, or with --update rewrites them; true when they matched or were written. */
async function golden(chartDir: string, update: boolean): Promise<boolean> {
  const chart = chartName(chartDir);
  const dir = goldenDir(chart);
  const rendered = await renderGoldens(chartDir);
  const differences = update ? writeGoldens(dir, rendered) : compareGoldens(rendered, readGoldens(dir));
  const where = relative(workspaceRoot, dir);
  if (differences.length === 0) {
    console.log(`${where}: ${rendered.size} golden render(s) current`);
    return true;
  }
  const say = update ? console.log : console.error;
  say(`${where}: ${differences.length} golden render(s) ${update ? 'rewritten' : 'differ'}${update ? '' : `: run \`npx nx run ${chart}-chart:golden\` if the change is intended`}`);
  for (const { file, change, detail } of differences) say(`  ${file}: ${change}${change === 'changed' ? ` (${detail})` : ''}`);
  return update;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'seal') return seal(rest);
  if (command === 'golden') {
    const update = rest.includes('--update');
    const dirs = rest.filter((arg) => arg !== '--update');
    if (dirs.length === 0 || dirs.some((dir) => dir.startsWith('-'))) {
      console.error(usage);
      return 2;
    }
    let ok = true;
    for (const dir of dirs) {
      try {
        ok = (await golden(resolve(process.cwd(), dir), update)) && ok;
      } catch (error) {
        console.error(`chart-checks golden ${dir}: ${(error as Error).message}`);
        ok = false;
      }
    }
    return ok ? 0 : 1;
  }
  const chartDirs = rest.map((dir) => resolve(process.cwd(), dir));
  if (!command || !['lint', 'test', 'docs'].includes(command) || chartDirs.length === 0) {
    console.error(usage);
    return 2;
  }
  let ok = true;
  for (const chartDir of chartDirs) {
    try {
      if (command === 'docs') docs(chartDir);
      else if (command === 'lint') ok = print(await lintChart(chartDir), 'helm lint --strict') && ok;
      else ok = print(await testChart(chartDir), 'render and validate') && ok;
    } catch (error) {
      console.error(`chart-checks ${command} ${relative(workspaceRoot, chartDir)}: ${(error as Error).message}`);
      ok = false;
    }
  }
  return ok ? 0 : 1;
}
