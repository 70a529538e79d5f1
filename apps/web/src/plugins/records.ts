import fp from 'fastify-plugin';
import { createRecordsClient, type RecordsClient } from '../records/client.ts';
import { supportedRecordsApiMajors } from '../records/compatibility.ts';

declare module 'fastify' {
  interface FastifyInstance {
    records: RecordsClient;
    supportedRecordsApiMajors: readonly number[];
  }
}

export interface RecordsPluginOptions {
  /** Overrides the records API majors web declares; tests use it to provoke the incompatibility banner. */
  supportedApiMajors?: readonly number[] | undefined;
}

/** Decorates `fastify.records`: the records client for RECORDS_URL, timed into the metrics. */
export default fp<RecordsPluginOptions>(
  async (fastify, options) => {
    fastify.decorate(
      'records',
      createRecordsClient({
        baseUrl: fastify.config.RECORDS_URL,
        timeoutMs: fastify.config.RECORDS_TIMEOUT_MS,
        onCall: (operation, outcome, seconds) => fastify.metrics.recordsCallDuration.observe({ operation, outcome }, seconds),
      }),
    );
    fastify.decorate('supportedRecordsApiMajors', options.supportedApiMajors ?? supportedRecordsApiMajors);
  },
  { name: 'records', dependencies: ['env', 'metrics'] },
);
