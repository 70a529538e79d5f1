import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** Major version of this HTTP API; clients (apps/web) refuse a major they do not know. */
export const apiVersion = 1;

const Version = Type.Object({ version: Type.String(), commit: Type.String(), apiVersion: Type.Integer() });

const version: FastifyPluginAsyncTypebox = async (fastify) => {
  const body = { version: fastify.config.APP_VERSION, commit: fastify.config.GIT_COMMIT, apiVersion };
  fastify.get('/version', { schema: { response: { 200: Version } } }, async () => body);
};

export default version;
