import { createGunzip } from 'node:zlib';
import { VigilError } from '@vigil/core';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServiceContext } from './context.ts';
import { errorBody, makeErrorHandler } from './http-errors.ts';
import { makeTokenCheck } from './auth.ts';
import { healthRoutes } from './routes/health.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { modelRoutes } from './routes/models.ts';
import { queryRoutes } from './routes/query.ts';
import { streamRoutes } from './routes/stream.ts';

export const VERSION = '0.1.0';

export interface AppOptions {
  ctx: ServiceContext;
  adminToken: string;
  bodyLimit: number;
  heartbeatMs?: number;
  /** Ingest requests parsed and held at once (VIGIL_INGEST_CONCURRENCY). */
  ingestConcurrency?: number;
  /** True once shutdown began: responses then close their connection so keep-alive cannot hold it open. */
  isClosing?: () => boolean;
}

/** Routes that answer without a token: liveness, the landing page and the API description (no data). */
const PUBLIC = new Set(['/api/v1/health', '/']);

/** Builds the HTTP app around a service context. No store is chosen here. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle' });
  // schemas document the API; inputs are validated by zod in the routes, with our error format
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vigil API', version: VERSION, description: 'Monitoring for machine-learning systems. Every endpoint except /api/v1/health needs `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [{ name: 'ingestion' }, { name: 'registry' }, { name: 'query' }, { name: 'system' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const check = makeTokenCheck(opts.adminToken);
  app.addHook('onRequest', async (req, reply) => {
    // Decide on the route that matched, never on the raw URL: the router decodes paths
    // (/%61pi/… reaches /api/…), so a string test on req.url could be bypassed.
    const route = req.routeOptions.url;
    if (route !== undefined && (PUBLIC.has(route) || route === '/api/docs' || route.startsWith('/api/docs/'))) return;
    const r = check(req.headers.authorization);
    if (r !== 'ok') {
      void reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="vigil"')
        .send(errorBody('unauthorized', r === 'missing' ? 'this endpoint needs an Authorization: Bearer <token> header' : 'the bearer token is not valid', 'use the admin token printed at first start (also in <data dir>/admin-token) or set VIGIL_ADMIN_TOKEN'));
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
    if (opts.isClosing?.()) reply.header('connection', 'close');
    return payload;
  });

  // gzip bodies are accepted on every route; limits apply to the decompressed bytes
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (enc === 'identity') return payload;
    if (enc !== 'gzip') throw new VigilError('unsupported_media_type', `Content-Encoding ${enc} is not supported`, { hint: 'send gzip or an uncompressed body' });
    // a corrupt stream fails with a zlib Z_* code, answered 400 by the error handler
    delete req.headers['content-length'];
    return payload.pipe(createGunzip());
  });

  app.setErrorHandler(makeErrorHandler(ctx.log, opts.bodyLimit));
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`, 'see the API documentation at /api/docs'));
  });

  await app.register(healthRoutes, { version: VERSION });
  await app.register(ingestRoutes, { ctx, concurrency: opts.ingestConcurrency ?? 4 });
  await app.register(modelRoutes, { ctx });
  await app.register(queryRoutes, { ctx });
  await app.register(streamRoutes, { ctx, heartbeatMs: opts.heartbeatMs ?? 15_000 });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    void reply.type('text/html').send(`<!doctype html><title>Vigil</title><h1>Vigil</h1><p>The API is up. Browse it at <a href="/api/docs">/api/docs</a>.</p>`);
  });
  return app;
}
