// `npm run check -w infra`: the structural checks of the test suite, as a command for people.
import path from 'node:path';
import { checkInfra, formatFindings } from './workspace.ts';

const infraDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const { layout, findings } = await checkInfra(infraDir);
if (findings.length > 0) {
  console.error(formatFindings(findings));
  console.error(`\n${findings.length} finding(s) in ${infraDir}`);
  process.exitCode = 1;
} else {
  console.log(`${layout.modules.length} modules, ${layout.examples.length} examples, ${layout.liveRoots.length} live roots: no findings`);
}
