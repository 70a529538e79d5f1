import { setTimeout as sleep } from 'node:timers/promises';
import fp from 'fastify-plugin';
import { migrateToLatest, schemaStatus } from '../db/migrator.ts';

declare module 'fastify' {
  interface FastifyInstance {
    migrations: SchemaTracker;
  }
}

export type SchemaCheck = { current: true } | { current: false; reason: string };

export interface SchemaTracker {
  /** Whether the database holds every migration this build ships; once true it stays true for the process. */
  check(): Promise<SchemaCheck>;
}

const retryDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];
const retryDelay = (attempt: number) => retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)] ?? 30_000;
const pollIntervalMs = 1_000;

/**
 * Tracks whether the schema is current. With MIGRATE_ON_START (the default) it migrates in the background once
 * the app is ready, retrying with backoff; otherwise it polls until a migrate Job has done the work.
 */
export default fp(
  async (fastify) => {
    const { knex, config, log } = fastify;
    const stop = new AbortController();
    let current = false;
    let migrating = false;
    let lastFailure: string | undefined;

    const tracker: SchemaTracker = {
      async check() {
        if (current) return { current: true };
        if (migrating) return { current: false, reason: 'migrations are running (or waiting for the migration lock)' };
        const { pending } = await schemaStatus(knex);
        if (pending.length === 0) {
          current = true;
          return { current: true };
        }
        const waitingFor = config.MIGRATE_ON_START
          ? lastFailure
            ? `the last migration attempt failed: ${lastFailure}`
            : 'migrations have not run yet'
          : 'waiting for a migrate Job (MIGRATE_ON_START=false)';
        return { current: false, reason: `${pending.length} pending migration(s) (${pending.join(', ')}); ${waitingFor}` };
      },
    };
    fastify.decorate('migrations', tracker);

    const migrateUntilDone = async () => {
      for (let attempt = 0; !stop.signal.aborted; attempt++) {
        migrating = true;
        try {
          const applied = await migrateToLatest(knex, { config, signal: stop.signal, log });
          current = true;
          lastFailure = undefined;
          log.info({ applied }, applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'schema is current');
          return;
        } catch (error) {
          if (stop.signal.aborted) return;
          lastFailure = (error as Error).message;
          log.error({ err: error, attempt: attempt + 1 }, `migration failed, retrying in ${retryDelay(attempt) / 1000} s: ${lastFailure}`);
        } finally {
          migrating = false;
        }
        await sleep(retryDelay(attempt), undefined, { signal: stop.signal }).catch(() => undefined);
      }
    };

    const pollUntilCurrent = async () => {
      let announced = false;
      while (!stop.signal.aborted) {
        const result = await tracker.check().catch((error: Error) => ({ current: false, reason: `database unavailable: ${error.message}` }) as const);
        if (result.current) {
          log.info('schema is current');
          return;
        }
        if (!announced) log.info({ reason: result.reason }, `not ready until the schema is current: ${result.reason}`);
        announced = true;
        await sleep(pollIntervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    };

    let running: Promise<void> | undefined;
    fastify.addHook('onReady', async () => {
      // Not awaited: the server listens (and answers /healthz) while a replica waits for the lock or migrates.
      running = config.MIGRATE_ON_START ? migrateUntilDone() : pollUntilCurrent();
    });
    fastify.addHook('onClose', async () => {
      stop.abort();
      // A migration that has the lock finishes before the pool goes away; a wait for the lock is cut short.
      await running;
    });
  },
  { name: 'migrations', dependencies: ['knex'] },
);
