// The Dockerfile linter: dockerfile-utils (the parser and validator behind the Docker language
// server) for syntax and instruction errors, plus the two policies every image here follows.
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface DockerfileProblem {
  /** 1-based line. */
  line: number;
  rule: 'dockerfile-utils' | 'pinned-base-image' | 'non-root-user';
  message: string;
}

export function lintDockerfile(text: string): DockerfileProblem[] {
  const problems: DockerfileProblem[] = validate(text).map((diagnostic) => ({ line: diagnostic.range.start.line + 1, rule: 'dockerfile-utils', message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value }));
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  const stages = new Set<string>();
  for (const from of froms) {
    const image = from.getImageName();
    const line = (from.getRange()?.start.line ?? 0) + 1;
    // A reproducible build names its base by version or digest; earlier stages, scratch and ARG-built names are exempt.
    if (image && !stages.has(image.toLowerCase()) && image !== 'scratch' && !image.includes('$')) {
      const tag = from.getImageTag();
      if (!from.getImageDigest() && (!tag || tag === 'latest')) problems.push({ line, rule: 'pinned-base-image', message: `base image "${from.getImage()}" is not pinned: name a version tag or a digest` });
    }
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
  }
  const last = froms.at(-1);
  if (last) {
    const start = last.getRange()?.start.line ?? 0;
    const users = dockerfile.getInstructions().filter((instruction) => instruction.getKeyword() === 'USER' && (instruction.getRange()?.start.line ?? -1) > start);
    const user = users.at(-1)?.getArgumentsContent()?.trim().split(':')[0];
    if (!user || user === 'root' || user === '0') problems.push({ line: (last.getRange()?.start.line ?? 0) + 1, rule: 'non-root-user', message: 'the final stage runs as root: add USER with a non-root user (e.g. USER node)' });
  }
  return problems.sort((a, b) => a.line - b.line);
}
