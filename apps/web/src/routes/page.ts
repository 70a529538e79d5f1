import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { RecordsResponseError, RecordsUnreachableError, RecordsValidationError, type RecordsClient } from '../records/client.ts';
import { checkCompatibility } from '../records/compatibility.ts';
import { recordNameMaxLength, renderPage, styleHash, type PageModel, type RecordsView } from '../views/page.ts';

const contentSecurityPolicy = `default-src 'none'; style-src '${styleHash}'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function sendPage(reply: FastifyReply, status: number, model: PageModel): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', contentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(renderPage(model));
}

function failureView(client: RecordsClient, error: unknown): RecordsView {
  if (error instanceof RecordsUnreachableError) return { status: 'unreachable', url: client.baseUrl, detail: error.detail };
  return { status: 'failing', url: client.baseUrl, detail: error instanceof Error ? error.message : String(error) };
}

/** Asks records for its version and overview at once and reduces the answers to what the page must say. */
export async function loadRecordsView(client: RecordsClient, supported: readonly number[]): Promise<RecordsView> {
  const [version, overview] = await Promise.allSettled([client.version(), client.overview()]);
  if (version.status === 'rejected') return failureView(client, version.reason);
  const apiVersion = String(version.value.apiVersion ?? 'none');
  const compatibility = checkCompatibility(version.value.apiVersion, supported);
  if (!compatibility.compatible) return { status: 'incompatible', version: version.value.version, commit: version.value.commit, apiVersion, reason: compatibility.reason };
  if (overview.status === 'rejected') return failureView(client, overview.reason);
  return { status: 'ok', version: version.value.version, commit: version.value.commit, apiVersion, environment: overview.value.environment, count: overview.value.records, secret: overview.value.secret };
}

function fieldMessage(error: RecordsValidationError): string {
  if (error.field === 'name') return `Enter a record name of 1 to ${recordNameMaxLength} characters, at least one of them visible.`;
  return `records refused the record${error.field ? ` (field ${error.field})` : ''}: ${error.message}`;
}

/** A submission's token as the form sent it back, or a new one: it becomes records' Idempotency-Key. */
const tokenPattern = /^[A-Za-z0-9-]{16,128}$/;

type Outcome = { status: number; notice?: PageModel['notice']; fieldError?: string };

/**
 * What the page says when adding failed; "not sure" whenever records may have stored the record without saying
 * so: the create call may have arrived (`creating`) and did not end in an answer that rules it out.
 */
function failedOutcome(error: unknown, creating: boolean): Outcome {
  const notSure = (why: string): Outcome => ({
    status: 503,
    notice: {
      kind: 'warning',
      text: `Not sure whether the record was added: ${why}. Check the record count before adding it again; pressing "Add record" again is safe, it will not be added twice.`,
    },
  });
  if (error instanceof RecordsValidationError) return { status: 400, fieldError: fieldMessage(error) };
  if (error instanceof RecordsUnreachableError) {
    if (!creating || !error.mayHaveArrived) return { status: 503, notice: { kind: 'error', text: 'The record was not added: records is unreachable. Try again when it is back.' } };
    return notSure(`records did not answer in time (${error.detail})`);
  }
  if (error instanceof RecordsResponseError && error.status === 429) {
    return { status: 429, notice: { kind: 'error', text: 'The record was not added: records limits how many records are added per minute. Try again in a minute.' } };
  }
  if (!creating) return { status: 502, notice: { kind: 'error', text: 'The record was not added: records answered with an error.' } };
  return notSure('records answered with an error');
}

/**
 * Why a form post comes from another site, or undefined when it does not: the browser's Sec-Fetch-Site when it
 * sends one, else its Origin against our Host (as Go's CrossOriginProtection does). Neither header: not a browser.
 */
export function crossOriginReason(request: FastifyRequest): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  return URL.parse(origin)?.host === request.headers.host ? undefined : `Origin ${origin} is not this site`;
}

/** The page (`GET /`) and the form it posts (`POST /records`, then back to the page). */
export default async function pageRoutes(fastify: FastifyInstance): Promise<void> {
  // The form's encoding only: JSON or text to this route is a 415, as records answers for what it does not take.
  fastify.removeAllContentTypeParsers();
  await fastify.register(formbody, { bodyLimit: 16_384 });

  const base = (records: RecordsView): PageModel => ({
    environment: fastify.config.APP_ENV,
    web: { version: fastify.config.APP_VERSION, commit: fastify.config.GIT_COMMIT },
    records,
    form: { name: '', token: randomUUID() },
  });

  fastify.get('/', { schema: { querystring: Type.Object({ added: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const records = await loadRecordsView(fastify.records, fastify.supportedRecordsApiMajors);
    const added = (request.query as { added?: string }).added === '1';
    // The page answers 200 whatever state records is in: the banner, not the status, tells people.
    return sendPage(reply, 200, { ...base(records), notice: added && records.status === 'ok' ? { kind: 'success', text: 'Record added.' } : undefined });
  });

  // Another site's page must not make a visitor's browser add records: refused before the body is read.
  const sameOriginOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    const reason = crossOriginReason(request);
    if (reason) return reply.code(403).header('content-type', 'text/plain; charset=utf-8').header('connection', 'close').send(`Cross-origin form posts are refused (${reason}).\n`);
  };

  fastify.post('/records', { onRequest: sameOriginOnly, schema: { body: Type.Object({ name: Type.Optional(Type.String()), token: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const body = request.body as { name?: string; token?: string };
    const name = body.name ?? '';
    const token = body.token && tokenPattern.test(body.token) ? body.token : randomUUID();
    let outcome: Outcome;
    let creating = false;
    try {
      const version = await fastify.records.version();
      const compatibility = checkCompatibility(version.apiVersion, fastify.supportedRecordsApiMajors);
      if (compatibility.compatible) {
        creating = true;
        await fastify.records.createRecord(name, token);
        // Post/Redirect/Get: a reload does not add the record twice.
        return reply.code(303).header('location', '/?added=1').send();
      }
      outcome = { status: 409, notice: { kind: 'error', text: 'The record was not added: records speaks an API version this web does not support.' } };
    } catch (error) {
      outcome = failedOutcome(error, creating);
      if (outcome.status !== 400) request.log.warn({ err: error, statusCode: outcome.status }, 'adding a record failed');
    }
    const records = await loadRecordsView(fastify.records, fastify.supportedRecordsApiMajors);
    // The same token again: submitting this form once more is a retry of the same submission, never a second record.
    return sendPage(reply, outcome.status, { ...base(records), form: { name, error: outcome.fieldError, token }, notice: outcome.notice });
  });
}
