import pino from 'pino';
import { createKnex, databaseTarget } from './db/connection.ts';
import { migrateToLatest } from './db/migrator.ts';
import { ConfigError, loadConfig } from './plugins/env.ts';
import { credentialMasker } from '@platform/service-kit';

/** The migrate entry point for a Kubernetes Job (Helm pre-install/pre-upgrade): same code, same lock. */
async function migrate(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`records migrate: ${error.message}\n`);
    return 1;
  }
  const log = pino({ level: config.LOG_LEVEL, name: 'records-migrate', hooks: { streamWrite: credentialMasker(config.DATABASE_URL) } });
  const target = databaseTarget(config);
  const knex = createKnex(config, log);
  try {
    log.info({ database: target.description }, `migrating ${target.description}`);
    const applied = await migrateToLatest(knex, { config, log });
    log.info({ applied }, applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'schema is already current');
    return 0;
  } catch (error) {
    log.error({ err: error }, `migration failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await knex.destroy();
  }
}

process.exitCode = await migrate();
