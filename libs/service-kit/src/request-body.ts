import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

const body = JSON.stringify({ statusCode: 408, error: 'Request Timeout', message: 'The request body did not arrive in time.' });
const timedOut = `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const hasBody = (raw: IncomingMessage) => {
  const { 'content-length': length, 'transfer-encoding': encoding } = raw.headers;
  return encoding !== undefined || (length !== undefined && length !== '0');
};

/**
 * Request bodies the service does not want or that come too slowly.
 * - A body must arrive within `timeoutMs` of the request (the server's requestTimeout): Node checks that timeout
 *   only while the headers arrive, so a body trickling in a byte every 2 s held its socket 85-90 s instead of 30.
 *   Past it the client gets a 408 and the connection is closed.
 * - An answer given before the body was read (404, 413, 415, a refusal) closes the connection: Node would
 *   otherwise read and discard the rest of the body to keep the connection alive, all 100 MB of it.
 */
export const requestBody = fp<{ timeoutMs: number }>(
  async (fastify, { timeoutMs }) => {
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (!request.raw.complete && hasBody(request.raw)) reply.header('connection', 'close');
      done(null, payload);
    });
    if (timeoutMs <= 0) return;
    fastify.addHook('onRequest', (request, _reply, done) => {
      const raw = request.raw;
      if (raw.complete || !hasBody(raw)) return done();
      const timer = setTimeout(() => {
        if (raw.complete) return;
        // Written on the socket itself: fastify is still waiting for the body and will find the request aborted.
        raw.socket.end(timedOut);
        raw.socket.destroySoon();
      }, timeoutMs);
      raw.once('end', () => clearTimeout(timer));
      raw.once('close', () => clearTimeout(timer));
      done();
    });
  },
  { name: 'request-body' },
);
