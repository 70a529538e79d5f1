// The inputs/outputs tables of a module README, generated from its HCL so they cannot drift.
import { expression, type HclValue, type TerraformConfig } from './hcl.ts';

export const BEGIN_MARKER = '<!-- BEGIN_TF_DOCS -->';
export const END_MARKER = '<!-- END_TF_DOCS -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

function describeDefault(value: HclValue | undefined): string {
  if (value === undefined) return 'n/a';
  if (typeof value === 'string') return code(JSON.stringify(expression(value)));
  return code(JSON.stringify(value));
}

export function renderDocs(config: TerraformConfig): string {
  const lines = [BEGIN_MARKER, '## Requirements', '', '| Name | Version |', '|------|---------|'];
  const requiredVersion = config.terraform.find((block) => block.requiredVersion !== undefined)?.requiredVersion;
  if (requiredVersion !== undefined) lines.push(`| terraform | ${code(requiredVersion)} |`);
  for (const provider of config.terraform.flatMap((block) => block.requiredProviders)) {
    lines.push(`| ${provider.body.source ?? provider.name} | ${code(provider.body.version ?? 'any')} |`);
  }

  lines.push('', '## Inputs', '', '| Name | Description | Type | Default | Required |', '|------|-------------|------|---------|:--------:|');
  for (const { name, body } of [...config.variables].sort((a, b) => a.name.localeCompare(b.name))) {
    const type = expression(body.type) ?? 'any';
    const required = !('default' in body);
    lines.push(`| ${name} | ${cell(String(body.description ?? ''))} | ${code(type)} | ${describeDefault(body.default)} | ${required ? 'yes' : 'no'} |`);
  }

  lines.push('', '## Outputs', '', '| Name | Description |', '|------|-------------|');
  for (const { name, body } of [...config.outputs].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`| ${name} | ${cell(String(body.description ?? ''))} |`);
  }
  lines.push(END_MARKER);
  return lines.join('\n');
}

/** The README with its generated block replaced (or appended when it has none). */
export function updateReadme(readme: string, config: TerraformConfig): string {
  const docs = renderDocs(config);
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin === -1 || end === -1 || end < begin) return `${readme.trimEnd()}\n\n${docs}\n`;
  return `${readme.slice(0, begin)}${docs}${readme.slice(end + END_MARKER.length)}`;
}

/** The generated block currently in a README, or undefined. */
export function docsBlock(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin === -1 || end === -1 || end < begin) return undefined;
  return readme.slice(begin, end + END_MARKER.length);
}
