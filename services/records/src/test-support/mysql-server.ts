import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MySQL server URL whose user may create and drop databases. */
    mysqlServerUrl: string;
  }
}

const howToProvide =
  'The records tests need a MySQL-compatible server. Either set DATABASE_URL (e.g. DATABASE_URL=mysql://root@127.0.0.1:3306/test) ' +
  'or run a Docker engine so that @testcontainers/mysql can start one.';

async function assertReachable(url: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 5_000 }).catch((error: Error) => {
    throw new Error(`DATABASE_URL=${url.replace(/:[^:@/]*@/, ':***@')} does not answer (${error.message}). ${howToProvide}`);
  });
  await connection.end();
}

/** Vitest global setup: DATABASE_URL when given, else a MySQL container; with neither, fail at once and say how. */
export default async function setup(project: TestProject) {
  const given = process.env.DATABASE_URL;
  if (given) {
    await assertReachable(given);
    project.provide('mysqlServerUrl', given);
    return;
  }
  const { MySqlContainer } = await import('@testcontainers/mysql');
  // Any image speaking the official images' MYSQL_* variables; the image tests pass their local MariaDB build.
  const image = process.env.TESTCONTAINERS_MYSQL_IMAGE || 'mysql:8.4';
  const container = await new MySqlContainer(image).start().catch((error: Error) => {
    throw new Error(`DATABASE_URL is not set and no MySQL container (${image}) could be started (${error.message}). ${howToProvide}`);
  });
  project.provide('mysqlServerUrl', container.getConnectionUri(true));
  return async () => {
    await container.stop();
  };
}
