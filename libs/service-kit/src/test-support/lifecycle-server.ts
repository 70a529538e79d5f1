// A minimal deployable for lifecycle.test.ts: readiness, listen and closeGracefully, as records and web use them.
import Fastify from 'fastify';
import { closeGracefully, listen } from '../lifecycle.ts';

let ready = true;
const app = Fastify({ logger: true });
app.get('/readyz', async (_request, reply) => (ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })));
closeGracefully(app, {
  shutdownDelayMs: Number(process.env.SHUTDOWN_DELAY_MS),
  notReady: () => {
    ready = false;
  },
  onSignal: (signal) => app.log.info(`${signal} received`),
  onError: (err) => app.log.error({ err }, 'stopping after an error'),
});
const url = await listen(app, { port: 0, host: '127.0.0.1' });
app.log.info(`listening on ${url}`);
