import { describe, expect, it } from 'vitest';
import { gitlabJobs, gitlabScripts, scriptReferences, workflowScripts } from './pipeline-references.ts';

describe('scriptReferences', () => {
  it('finds the targets of nx affected, run-many and run', () => {
    const refs = scriptReferences(['npx nx affected -t lint typecheck test build', 'npx nx run-many --targets=release,container --parallel=1', 'nx run records:container']);
    expect(refs.nxTargets).toEqual(['build', 'container', 'lint', 'release', 'test', 'typecheck']);
  });

  it('finds recipe commands and repository scripts, ignoring comments', () => {
    const refs = scriptReferences(['npx recipe set dev $SERVICES --commit --push # not recipe nothing', 'x=$(node tools/ci/src/deployables.ts)\nnpx recipe lint']);
    expect(refs).toMatchObject({ recipeCommands: ['lint', 'set'], recipeFlags: ['set --commit', 'set --push'], nodeScripts: ['tools/ci/src/deployables.ts'] });
  });

  it('finds the flags given to the post-deploy suites and the shell scripts a job runs', () => {
    const refs = scriptReferences(['npx platform-e2e --env "$ENVIRONMENT" --out "$RUNNER_TEMP/e2e" # --not-this', 'bash tools/ci/kind/e2e-cluster.sh create && npm run e2e -w apps/platform-e2e -- --web-url http://127.0.0.1:8080']);
    expect(refs).toMatchObject({ platformE2eFlags: ['--env', '--out', '--web-url'], nodeScripts: ['tools/ci/kind/e2e-cluster.sh'] });
  });

  it('collects the run steps of every job of a workflow', () => {
    expect(workflowScripts({ jobs: { a: { steps: [{ uses: 'x' }, { run: 'echo a' }] }, b: { steps: [{ run: 'echo b' }] } } })).toEqual(['echo a', 'echo b']);
  });

  it('treats keywords and hidden keys of a GitLab pipeline as not jobs', () => {
    const pipeline = { stages: ['a'], default: { before_script: ['npm ci'] }, '.template': { script: ['x'] }, build: { script: ['nx run-many -t build', ['nested']] } };
    expect(Object.keys(gitlabJobs(pipeline))).toEqual(['build']);
    expect(gitlabScripts(pipeline)).toEqual(['npm ci', 'nx run-many -t build', 'nested']);
  });
});
