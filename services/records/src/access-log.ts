import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * At most one line per request, and at `info` only when something is off: the gateway in front already keeps an
 * access log, and a JSON line per successful request costs more CPU than the whole `GET /` handler.
 * 2xx and 3xx log at `debug`, 4xx at `info`, a deliberate 5xx (503 from /readyz, a database outage, with its
 * reason) at `warn`, errors at `error`. Errors reaching the log are the database layer's, which never quote values.
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.trace({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const { statusCode } = reply;
    if (error || statusCode === 500) {
      reply.log.error({ method: request.method, url: request.url, statusCode, responseTime: reply.elapsedTime, err: error ?? request.failure }, 'request failed');
    } else if (statusCode > 500) {
      const reason = request.failure?.message;
      reply.log.warn({ method: request.method, url: request.url, statusCode, responseTime: reply.elapsedTime, ...(reason ? { reason } : {}) }, 'request refused');
    } else if (statusCode >= 400) {
      reply.log.info({ method: request.method, url: request.url, statusCode, responseTime: reply.elapsedTime }, 'request refused');
    } else {
      reply.log.debug({ method: request.method, url: request.url, statusCode, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}
