// platform/boundaries: a file imports another project only through that project's public entry
// (its package name and `exports`), never its files by path, and only in the directions the type
// tags allow: a deployable (app, service) imports libraries, never a tool or another deployable.
import { dirname, resolve } from 'node:path';
import type { Rule } from 'eslint';
import { loadProjects, projectOf, projectType, type Project, type ProjectType } from './projects.ts';

/** What each type of project may import. */
export const ALLOWED_IMPORTS: Record<ProjectType, readonly ProjectType[]> = {
  'type:app': ['type:lib'],
  'type:service': ['type:lib'],
  'type:lib': ['type:lib'],
  'type:tool': ['type:lib', 'type:tool'],
  'type:e2e': ['type:app', 'type:service', 'type:lib', 'type:tool', 'type:e2e'],
};

const projectsByRoot = new Map<string, Project[]>();

function projects(workspaceRoot: string): Project[] {
  let known = projectsByRoot.get(workspaceRoot);
  if (!known) {
    known = loadProjects(workspaceRoot);
    projectsByRoot.set(workspaceRoot, known);
  }
  return known;
}

function exported(project: Project, subpath: string): boolean {
  if (!project.exports) return subpath === '.';
  return project.exports.some((key) => {
    const star = key.indexOf('*');
    return star < 0 ? key === subpath : subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

export const boundariesRule: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'keep project boundaries: public entries only, in the directions the type tags allow' },
    schema: [{ type: 'object', properties: { workspaceRoot: { type: 'string' } }, required: ['workspaceRoot'], additionalProperties: false }],
    messages: {
      relative: '{{from}} reaches into {{to}}\'s file {{path}} by a relative path: import {{entry}} instead (its public entry), or move what both need into a type:lib project',
      private: '{{from}} imports {{specifier}}, which {{to}} does not export: use its public entry ({{entries}}), or export what is needed there',
      direction: '{{from}} ({{fromType}}) may not import {{to}} ({{toType}}): a {{fromType}} project imports only {{allowed}}; move what both need into a type:lib project',
    },
  },
  create(context) {
    const { workspaceRoot } = context.options[0] as { workspaceRoot: string };
    const all = projects(workspaceRoot);
    const own = projectOf(all, workspaceRoot, context.filename);
    if (!own) return {};

    function check(node: Rule.Node, specifier: unknown): void {
      if (typeof specifier !== 'string') return;
      let target: Project | undefined;
      if (specifier.startsWith('.')) {
        const path = resolve(dirname(context.filename), specifier);
        target = projectOf(all, workspaceRoot, path);
        if (!target || target === own) return;
        context.report({ node, messageId: 'relative', data: { from: own!.name, to: target.name, path: specifier, entry: target.packageName ?? `the ${target.name} package` } });
        return;
      }
      target = all.find((project) => project.packageName && (specifier === project.packageName || specifier.startsWith(`${project.packageName}/`)));
      if (!target || target === own) return;
      const subpath = specifier === target.packageName ? '.' : `.${specifier.slice(target.packageName!.length)}`;
      if (!exported(target, subpath)) {
        const entries = (target.exports ?? ['.']).map((key) => (key === '.' ? target!.packageName : `${target!.packageName}${key.slice(1)}`)).join(', ');
        context.report({ node, messageId: 'private', data: { from: own!.name, to: target.name, specifier, entries } });
      }
      const fromType = projectType(own!);
      const toType = projectType(target);
      if (fromType && toType && !ALLOWED_IMPORTS[fromType].includes(toType)) {
        context.report({ node, messageId: 'direction', data: { from: own!.name, fromType, to: target.name, toType, allowed: ALLOWED_IMPORTS[fromType].join(', ') } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node as Rule.Node, node.source.value),
      ExportNamedDeclaration: (node) => check(node as Rule.Node, node.source?.value),
      ExportAllDeclaration: (node) => check(node as Rule.Node, node.source.value),
      ImportExpression: (node) => check(node as Rule.Node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};
