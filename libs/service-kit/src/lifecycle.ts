import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/** Time a process gets to finish in-flight requests once it stops listening. */
export const drainTimeoutMs = 10_000;

/** Listens and returns the origin: fastify logs one line per network interface for 0.0.0.0, people and scripts want one URL. */
export async function listen(app: FastifyInstance, { port, host }: { port: number; host: string }): Promise<string> {
  const level = app.log.level;
  app.log.level = 'warn';
  const address = await app.listen({ port, host }).finally(() => {
    app.log.level = level;
  });
  return new URL(address).origin;
}

export interface GracefulShutdownOptions {
  /** SHUTDOWN_DELAY_MS: time between readiness turning false and the server closing. */
  shutdownDelayMs: number;
  /** Turns readiness false. */
  notReady(): void;
  /** Logs the signal that starts the shutdown, in the deployable's words. */
  onSignal(signal: string | undefined): void;
  /** Logs the unexpected error that starts the shutdown. */
  onError(err: Error): void;
}

/**
 * podinfo's order on SIGTERM or SIGINT: readiness false, wait for the endpoints to drop this pod, then stop
 * listening and drain; after an unexpected error, close at once. Past delay + drain, close-with-grace exits.
 */
export function closeGracefully(app: FastifyInstance, { shutdownDelayMs, notReady, onSignal, onError }: GracefulShutdownOptions): void {
  closeWithGrace({ delay: shutdownDelayMs + drainTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err) onError(err);
    else onSignal(signal);
    notReady();
    if (!err) await sleep(shutdownDelayMs);
    await app.close();
    app.log.info('closed');
  });
}
