// The image test run, inside the engine run.sh provides: base images (pulled, or stand-ins),
// the MariaDB image, both deployables' images built cold from their Dockerfiles at HEAD, the
// image checks and the combination (vitest, JUnit report), and the testcontainers suites against
// this engine, and the post-deploy suites against the combination. Prints each image's build time,
// size and what takes the space.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeployable, buildMariadb, deployables, ensureBaseImages, mariadbFolder, mariadbImage, repositoryRoot, type BuiltImage } from './build.ts';
import { biggestPackages, imageFiles, spaceReport } from './contents.ts';
import { docker, imageLabels, imageSizeMb } from './docker.ts';
import { standInLabel } from './base-images.ts';
import { startStack } from './stack.ts';

const artifacts = join(repositoryRoot, '.artifacts/images');
const begun = Date.now();
const say = (line: string) => process.stdout.write(`images: ${line}\n`);
const seconds = (value: number) => `${value.toFixed(1)} s`;

/** Runs a command with our output, in a folder; resolves with its exit code. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** The MariaDB image, rebuilt only when its folder or its base changes. */
async function mariadb(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of readdirSync(mariadbFolder).sort()) hash.update(name).update(readFileSync(join(mariadbFolder, name)));
  hash.update(docker(['image', 'inspect', '--format', '{{.Id}}', 'debian:bookworm-slim']));
  const inputs = hash.digest('hex').slice(0, 16);
  if (imageLabels(mariadbImage)?.[standInLabel] === inputs) return `${mariadbImage}: cached (${imageSizeMb(mariadbImage)} MB)`;
  const built = await buildMariadb(inputs);
  return `${mariadbImage}: built in ${seconds(built.seconds)}, ${built.sizeMb} MB`;
}

async function describeSpace(built: BuiltImage, projectRoot: string): Promise<string> {
  const files = await imageFiles(built.image);
  const groups = spaceReport(files, ['/usr/local/bin/node', '/usr/local/lib/node_modules/npm', '/app/node_modules', `/app/${projectRoot}/dist`, '/usr', '/var', '/etc']);
  const packages = biggestPackages(files, '/app/node_modules');
  return [
    `    where the space goes: ${groups.map(({ group, mb }) => `${group} ${mb} MB`).join(', ')}`,
    `    biggest packages: ${packages.map(({ name, mb }) => `${name} ${mb} MB`).join(', ')}`,
  ].join('\n');
}

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { status: string; title: string }[] }[];
}

/** A suite of another project, run with vitest against this engine; resolves with its counts. */
async function testcontainersSuite(project: string, files: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; report: VitestJson }> {
  const output = join(artifacts, `testcontainers-${project.replaceAll('/', '-')}.json`);
  const junit = join(artifacts, `testcontainers-${project.replaceAll('/', '-')}.junit.xml`);
  const code = await run('npx', ['vitest', 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${output}`, '--reporter=junit', `--outputFile.junit=${junit}`], join(repositoryRoot, project), env);
  return { code, report: JSON.parse(readFileSync(output, 'utf8')) as VitestJson };
}

async function main(): Promise<number> {
  mkdirSync(artifacts, { recursive: true });
  say(`engine ${docker(['version', '--format', '{{.Server.Version}}'])} at ${process.env.DOCKER_HOST ?? 'the default socket'}`);

  const dockerfiles = [join(mariadbFolder, 'Dockerfile'), ...deployables.map((each) => join(repositoryRoot, each.projectRoot, 'Dockerfile'))];
  for (const base of await ensureBaseImages(dockerfiles)) say(`base image ${base.image}: ${base.origin} (${seconds(base.seconds)}, ${imageSizeMb(base.image)} MB)`);
  say(`database image ${await mariadb()}`);

  // Cold builds, as CI's first build of a commit: no layer or npm cache from an earlier run; and
  // no untagged images of earlier runs filling the disk.
  docker(['image', 'prune', '--force']);
  if (!process.env.PLATFORM_IMAGES_WARM) docker(['builder', 'prune', '--all', '--force']);
  const built: Record<string, BuiltImage> = {};
  for (const deployable of deployables) {
    const image = await buildDeployable(deployable);
    built[deployable.project] = image;
    say(`${image.image}: built in ${seconds(image.seconds)}${process.env.PLATFORM_IMAGES_WARM ? ' (warm cache)' : ' (cold)'}, ${image.sizeMb} MB`);
    process.stdout.write(`${await describeSpace(image, deployable.projectRoot)}\n`);
  }
  const commit = built.records!.commit;

  const env: NodeJS.ProcessEnv = { ...process.env, IMAGES_MARIADB: mariadbImage, IMAGES_RECORDS: built.records!.image, IMAGES_WEB: built.web!.image, IMAGES_COMMIT: commit };
  say('image checks and the combination (tools/images/src/*.test.ts)');
  const checks = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=junit', `--outputFile.junit=${join(artifacts, 'junit.xml')}`], join(repositoryRoot, 'tools/images'), env);

  // The post-deploy suites against the combination, exactly as against an environment's URLs.
  say('post-deploy suites (apps/platform-e2e) against the images');
  let e2e: number;
  const stack = await startStack({ mariadb: mariadbImage, records: built.records!.image, web: built.web!.image }, { name: 'e2e' });
  try {
    say(`stack up: records ${stack.recordsUrl} ready in ${seconds(stack.readySeconds.records)}, web ${stack.webUrl} ready in ${seconds(stack.readySeconds.web)}, MariaDB ${stack.databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
    e2e = await run(
      process.execPath,
      ['apps/platform-e2e/bin/platform-e2e.js', '--env', 'images', '--web-url', stack.webUrl, '--records-url', stack.recordsUrl, '--expect', commit, '--suites', 'health,versions,smoke,regression', '--out', join(artifacts, 'e2e')],
      repositoryRoot,
      process.env,
    );
    if (e2e !== 0) process.stdout.write(`the containers' output:\n--- records\n${stack.records.logs().split('\n').slice(-20).join('\n')}\n--- web\n${stack.web.logs().split('\n').slice(-20).join('\n')}\n`);
  } finally {
    stack.stop();
  }

  // The testcontainers suites, against this engine: Ryuk's image cannot be pulled where no registry
  // answers (the run removes its containers itself), and MySQL is the MariaDB image built above.
  const ryuk = docker(['image', 'ls', '--quiet', 'testcontainers/ryuk']) !== '';
  const suiteEnv: NodeJS.ProcessEnv = { ...process.env, TESTCONTAINERS_MYSQL_IMAGE: mariadbImage, ...(ryuk ? {} : { TESTCONTAINERS_RYUK_DISABLED: 'true' }) };
  delete suiteEnv.DATABASE_URL;
  say(`testcontainers suites (Ryuk ${ryuk ? 'on' : 'disabled: its image cannot be pulled here'}, MySQL image ${mariadbImage})`);
  const records = await testcontainersSuite('services/records', [], suiteEnv);
  const k3s = await testcontainersSuite('tools/recipe', ['src/io/cluster.k3s.test.ts'], suiteEnv);

  const executed = records.report.numPassedTests + records.report.numFailedTests + k3s.report.numPassedTests + k3s.report.numFailedTests;
  const skipped = records.report.numPendingTests + k3s.report.numPendingTests;
  say(`testcontainers: ${executed} tests executed (records: ${records.report.numPassedTests} passed, ${records.report.numFailedTests} failed, against ${mariadbImage}), ${skipped} skipped (k3s: ${k3s.report.numPendingTests}; its reason is printed above)`);
  if (records.report.numPendingTests > 0) say(`FAIL: ${records.report.numPendingTests} records tests skipped: every one must run against the container`);

  const failed = [checks !== 0 && 'image checks', e2e !== 0 && 'post-deploy suites', records.code !== 0 && 'records testcontainers suite', k3s.code !== 0 && 'k3s suite', records.report.numPendingTests > 0 && 'skipped records tests'].filter(Boolean);
  say(`${failed.length ? `FAILED: ${failed.join(', ')}` : 'passed'} in ${seconds((Date.now() - begun) / 1000)}; reports in ${artifacts}`);
  return failed.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`images: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
