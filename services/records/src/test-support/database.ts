import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  /** DATABASE_URL for this database. */
  url: string;
  /** A connection of the test's own, outside the service. */
  query<T = unknown>(sql: string, values?: unknown[]): Promise<T>;
  drop(): Promise<void>;
}

/** A uniquely named, empty database on the test server; tests in parallel (and other projects) never meet. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = new URL(inject('mysqlServerUrl'));
  const name = `records_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: serverUrl.href, multipleStatements: false });
  await admin.query(`CREATE DATABASE \`${name}\``);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const connection = await mysql.createConnection({ uri: url.href });
  return {
    name,
    url: url.href,
    async query<T>(sql: string, values?: unknown[]) {
      const [rows] = await connection.query(sql, values);
      return rows as T;
    },
    async drop() {
      await connection.end().catch(() => connection.destroy());
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
