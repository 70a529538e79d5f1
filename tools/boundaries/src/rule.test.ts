// The boundaries rule through ESLint with the workspace's own eslint.config.js, on probe files
// placed (in name only) inside the real projects.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { loadProjects, projectType, PROJECT_TYPES } from './projects.ts';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: workspaceRoot });

async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, file) });
  return result!.messages.filter((message) => message.ruleId === 'platform/boundaries').map((message) => message.message);
}

describe('the projects', () => {
  it('each carry exactly one of the five type tags', () => {
    const untyped = loadProjects(workspaceRoot)
      .filter((project) => projectType(project) === undefined)
      .map((project) => `${project.name} (${project.root}): ${JSON.stringify(project.tags)}`);
    expect(untyped, `give each project one of ${PROJECT_TYPES.join(', ')}`).toEqual([]);
  });

  it('are found where Nx finds them, with their package entries', () => {
    const byName = new Map(loadProjects(workspaceRoot).map((project) => [project.name, project]));
    expect(byName.get('recipe')).toMatchObject({ root: 'tools/recipe', packageName: '@platform/recipe', exports: ['.', './package.json'] });
    expect(byName.get('records-chart')).toMatchObject({ root: 'charts/records', tags: ['type:service', 'kind:chart'] });
  });
});

describe('platform/boundaries', () => {
  it('fails a deployable that imports a tool', async () => {
    expect(await boundaryMessages('apps/web/src/probe.ts', "import { renderEnvironment } from '@platform/recipe';\nexport const x = renderEnvironment;\n")).toEqual([
      'web (type:app) may not import recipe (type:tool): a type:app project imports only type:lib; move what both need into a type:lib project',
    ]);
  });

  it("fails an import of another project's private file through its package name", async () => {
    expect(await boundaryMessages('tools/ci/src/probe.ts', "import { renderEnvironment } from '@platform/recipe/src/model/render.ts';\nexport const x = renderEnvironment;\n")).toEqual([
      'ci imports @platform/recipe/src/model/render.ts, which recipe does not export: use its public entry (@platform/recipe, @platform/recipe/package.json), or export what is needed there',
    ]);
  });

  it("fails a relative path into another project's files", async () => {
    expect(await boundaryMessages('apps/web/src/probe.ts', "export { buildApp } from '../../../services/records/src/app.ts';\n")).toEqual([
      "web reaches into records's file ../../../services/records/src/app.ts by a relative path: import @platform/records instead (its public entry), or move what both need into a type:lib project",
    ]);
  });

  it('fails a service that loads an app, also through a dynamic import', async () => {
    expect(await boundaryMessages('services/records/src/probe.ts', "export const web = await import('@platform/web');\n")).toEqual([
      'records (type:service) may not import web (type:app): a type:service project imports only type:lib; move what both need into a type:lib project',
    ]);
  });

  it("passes a tool using another tool's public entry, an e2e project using anything's, and a project's own files", async () => {
    expect(await boundaryMessages('tools/ci/src/probe.ts', "import { renderEnvironment } from '@platform/recipe';\nimport { x } from './local.ts';\nexport const y = [renderEnvironment, x];\n")).toEqual([]);
    expect(await boundaryMessages('apps/platform-e2e/src/probe.ts', "import * as recipe from '@platform/recipe';\nexport const y = recipe;\n")).toEqual([]);
  });
});
