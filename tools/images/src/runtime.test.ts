// Each image run as its chart runs it: read-only root filesystem with a tmpfs /tmp, uid 1000,
// every capability dropped; and stopped as Kubernetes stops it: SIGTERM, then the grace period.
import { afterEach, describe, expect, it } from 'vitest';
import { chartSecurity, freePort, removeAll, runContainer, waitForReady } from './containers.ts';
import { docker } from './docker.ts';
import { stackImagesFromEnv } from './stack.ts';

const images = stackImagesFromEnv();
// The charts' terminationGracePeriodSeconds.
const graceSeconds = 30;

afterEach(() => removeAll());

describe.each([
  ['records', images.records, {}],
  ['web', images.web, { RECORDS_URL: 'http://127.0.0.1:9' }],
] as const)('the %s image', (project, image, env) => {
  it('serves with the chart security context (read-only root, /tmp tmpfs, uid 1000, no capabilities), then exits 0 on SIGTERM within the grace period', async () => {
    const port = await freePort();
    // SHUTDOWN_DELAY_MS as the charts set it, shortened: the drain order is what counts.
    const container = runContainer({ image, name: `${project}-runtime`, flags: chartSecurity, env: { PORT: String(port), SHUTDOWN_DELAY_MS: '1000', ...env } });
    await waitForReady(container, `http://127.0.0.1:${port}/readyz`);
    const status = docker(['exec', container.id, 'cat', '/proc/1/status']);
    expect(status).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^CapBnd:\s+0+$/m);
    const write = docker(['exec', container.id, 'sh', '-c', 'touch /app/x 2>&1; touch /tmp/x && echo tmp-writable']);
    expect(write).toMatch(/Read-only file system[\s\S]*tmp-writable/);
    const stopped = container.stop(graceSeconds);
    expect(stopped, container.logs()).toMatchObject({ exitCode: 0 });
    expect(stopped.seconds).toBeLessThan(graceSeconds);
    expect(container.logs()).toMatch(/SIGTERM/);
  });
});

describe('the records image', () => {
  it('with a read-only root and no writable /tmp, stops with one line naming DATA_DIR instead of a stack trace', async () => {
    const port = await freePort();
    const flags = chartSecurity.filter((flag, i, all) => flag !== '--tmpfs' && all[i - 1] !== '--tmpfs');
    const container = runContainer({ image: images.records, name: 'records-no-tmp', flags, env: { PORT: String(port) } });
    for (let i = 0; i < 100 && container.state().running; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(container.state()).toEqual({ running: false, exitCode: 1 });
    const output = container.logs();
    expect(output.split('\n').at(-1)).toMatch(/^records: DATA_DIR \/tmp\/records-data cannot be created \(E[A-Z]+\): mount a writable folder there/);
    expect(output).not.toMatch(/^\s+at /m);
  });
});
