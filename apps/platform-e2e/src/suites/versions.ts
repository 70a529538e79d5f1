// versions: each deployable runs exactly the commit the environment's recipe records, so what is
// tested is the combination a snapshot will name.
import { getJson, preview } from '../http.ts';
import type { Suite } from '../runner.ts';
import { deployables } from '../target.ts';

export const versions: Suite = {
  name: 'versions',
  checks: (target) =>
    deployables.map((deployable) => ({
      name: `${deployable} runs the commit of ${target.expectedFrom}`,
      async run(context) {
        const answer = await getJson(target.urls[deployable], '/version');
        if (typeof answer.commit !== 'string' || typeof answer.version !== 'string') throw new Error(`GET ${target.urls[deployable]}/version has no "version" and "commit": ${preview(answer)}`);
        context.versions[deployable] = { version: answer.version, commit: answer.commit, ...(typeof answer.apiVersion === 'number' ? { apiVersion: answer.apiVersion } : {}) };
        const expected = target.expected[deployable];
        if (expected === undefined) throw new Error(`${target.expectedFrom} names no commit for ${deployable}: add it there (recipe set), or pass --expect ${deployable}=<sha>`);
        // A short SHA given with --expect matches the full one /version answers.
        if (!answer.commit.startsWith(expected)) {
          throw new Error(`${deployable} answers commit ${answer.commit} (version ${answer.version}) but ${target.expectedFrom} expects ${expected}`);
        }
      },
    })),
};
