import Fastify from 'fastify';
import mysql, { type RowDataPacket } from 'mysql2/promise';

/**
 * The benchmark's baseline: bare fastify (no logger, hooks or schemas) answering GET / with the same mysql2 query
 * the service runs through knex, over a pool of the same size, and GET /hello with a constant.
 * Run: DATABASE_URL=... PORT=... node src/test-support/bare-app.ts
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 10 });
const app = Fastify();

app.get('/', async () => {
  const [rows] = await pool.query<RowDataPacket[]>('select `count` from `record_count` where `id` = 1');
  return { records: Number(rows[0]?.count ?? 0), version: '0.0.0', commit: 'unknown', environment: 'bench', secret: '' };
});

app.get('/hello', async () => ({ hello: 'world' }));

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`bare app listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => pool.end()));
