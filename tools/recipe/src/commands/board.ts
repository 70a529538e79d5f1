import path from 'node:path';
import { serveFolder, watchFolder } from '../io/board-server.ts';
import { RecipeError } from '../model/errors.ts';
import { plural } from '../model/format.ts';
import { gatherBoard, writeBoard } from '../operations/board.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'render the releases repository as a static site: promotion graph, readiness, matrix, snapshots, history',
  usage: `Usage: recipe board [--out <dir>] [--history <n>] [--serve [--port <n>]] [--json]

Renders releases/ into a static site (index.html, board.css, board.js and the stored evidence
reports): the promotion graph with holds, overrides, the snapshot each environment runs, its last
verification and evidence, and the readiness of the next promotion from the same gates
"recipe promote" evaluates; the services x environments matrix with how far each cell is behind
the environment it is promoted from; the snapshots; each environment's history from git.
The site makes no request outside its folder; its script only adds a filter box.

Options:
  --out <dir>      where to write the site (default: .artifacts/board under the repository root);
                   written to a temporary folder first and swapped in whole
  --history <n>    newest history events shown per environment (default 50)
  --serve          serve the site on 127.0.0.1 and re-render it when releases/ changes (Ctrl-C stops)
  --port <n>       port for --serve (default 0: a free port, printed)
  --json           print the board's data instead of a summary`,
  options: {
    out: { type: 'string' },
    history: { type: 'string' },
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new RecipeError(`unexpected argument "${ctx.positionals[0]}"`, { hint: 'recipe board [--out <dir>] [--serve]' });
    const root = ctx.root();
    const historyLimit = ctx.values.history === undefined ? 50 : Number(ctx.values.history);
    if (!Number.isInteger(historyLimit) || historyLimit < 1) throw new RecipeError(`--history must be a positive whole number, not "${String(ctx.values.history)}"`, { field: '--history', hint: 'e.g. --history 20' });
    const port = ctx.values.port === undefined ? 0 : Number(ctx.values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RecipeError(`--port must be a port number, not "${String(ctx.values.port)}"`, { field: '--port', hint: 'e.g. --port 8080, or leave it out for a free port' });
    const out = path.resolve(ctx.cwd, (ctx.values.out as string | undefined) ?? path.join(root, '.artifacts', 'board'));

    const render = async () => {
      const started = performance.now();
      const site = await gatherBoard({ root, historyLimit });
      await writeBoard(root, site, out);
      return { site, ms: Math.round(performance.now() - started) };
    };
    const { site, ms } = await render();
    if (ctx.json && !ctx.values.serve) {
      ctx.stdout(JSON.stringify({ out, ...site.data }, null, 2));
      return 0;
    }
    const summary = `wrote ${path.join(out, 'index.html')} in ${ms} ms: ${plural(site.data.environments.length, 'environment')}, ${plural(site.data.services.length, 'service')}, ${plural(site.data.snapshots.length, 'snapshot')}`;
    ctx.stdout(summary);
    if (!ctx.values.serve) return 0;

    const { server, url } = await serveFolder(out, port);
    ctx.stdout(`serving ${url} (re-rendered when releases/ changes; Ctrl-C stops)`);
    let rendering = Promise.resolve();
    const watcher = watchFolder(path.join(root, 'releases'), () => {
      rendering = rendering.then(async () => {
        try {
          const again = await render();
          ctx.stdout(`re-rendered in ${again.ms} ms`);
        } catch (error) {
          ctx.stderr(`recipe board: could not re-render: ${error instanceof RecipeError ? error.format() : (error as Error).message}; still serving the last good page`);
        }
      });
    });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    watcher.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  },
};

export default command;
