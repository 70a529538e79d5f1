import { renderReleases } from '../operations/render.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: "write (or --check) every environment's flux/ folder from its recipe and values",
  usage: `Usage: recipe render [<env>...] [--check] [--json]

Renders releases/<env>/flux/ for every environment (or only those named): per service a Flux
GitRepository pinned to the commit and a HelmRelease with the environment's values, plus a
kustomization.yaml. Output is byte-for-byte deterministic.

Options:
  --check   write nothing; exit 1 and name the stale files when a folder is out of date
  --json    machine-readable output`,
  options: { check: { type: 'boolean', default: false } },
  async run(ctx) {
    const { environments: names, check, stale } = await renderReleases(ctx.root(), { environments: ctx.positionals, check: Boolean(ctx.values.check) });
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ check, environments: names, stale: check ? stale : [], written: check ? [] : stale }, null, 2));
    } else if (check) {
      if (stale.length === 0) ctx.stdout(`flux/ is up to date for ${names.join(', ')}`);
      else ctx.stdout(`stale renders (run "recipe render" and commit the result):\n${stale.map((s) => `  ${s.file} (${s.change === 'added' ? 'missing' : s.change === 'removed' ? 'should not exist' : 'out of date'})`).join('\n')}`);
    } else {
      ctx.stdout(stale.length === 0 ? `flux/ already up to date for ${names.join(', ')}` : stale.map((s) => `${s.change === 'removed' ? 'removed' : 'wrote'} ${s.file}`).join('\n'));
    }
    return check && stale.length > 0 ? 1 : 0;
  },
};

export default command;
