import { afterEach, describe, expect, it } from 'vitest';
import { migrationSource } from './db/migrator.ts';
import { createTestDatabase } from './test-support/database.ts';
import { startService, untilReady, type ServiceProcess } from './test-support/service-process.ts';

// Its own file, so that Vitest runs this long test beside the others rather than after them.
const running: ServiceProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
});

function start(env: Record<string, string | undefined>): ServiceProcess {
  const service = startService(env);
  running.push(service);
  return service;
}

describe('five replicas started at the same moment on an empty database', () => {
  const rounds = 10;
  const replicas = 5;

  it(`all become ready, none exits, and each migration is recorded once (${rounds} rounds)`, async () => {
    const available = await migrationSource.getMigrations();
    for (let round = 1; round <= rounds; round++) {
      const db = await createTestDatabase(`five${round}`);
      try {
        const services = Array.from({ length: replicas }, () => start({ DATABASE_URL: db.url }));
        const urls = await Promise.all(services.map((service) => service.listening));
        await Promise.all(urls.map((url) => untilReady(url)));

        const exited = services.filter((service) => service.hasExited());
        expect(exited.map((service) => service.output.join('\n')), `round ${round}: a replica exited`).toEqual([]);
        const recorded = await db.query<{ name: string }[]>('SELECT name FROM knex_migrations ORDER BY id');
        expect(recorded.map((row) => row.name), `round ${round}`).toEqual(available);
        expect(await db.query('SELECT is_locked FROM knex_migrations_lock'), `round ${round}`).toEqual([{ is_locked: 0 }]);
        const errors = services.flatMap((service) => service.output.filter((line) => /"level":50/.test(line)));
        expect(errors, `round ${round}: error lines`).toEqual([]);
        await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
      } finally {
        await db.drop();
      }
    }
    // About 2 s a round on two idle cores; a machine busy with other work needs more.
  }, 240_000);
});
