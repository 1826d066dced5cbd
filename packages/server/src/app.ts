import { createGunzip } from 'node:zlib';
import { VigilError, type AuditHash } from '@vigil/core';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAccessControl, type Access } from './auth/access.ts';
import { Authenticator } from './auth/authenticate.ts';
import type { OidcClient } from './auth/oidc.ts';
import type { ServiceContext } from './context.ts';
import { errorBody, makeErrorHandler } from './http-errors.ts';
import type { NotifyContext } from './notify/send.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { channelRoutes } from './routes/channels.ts';
import { silenceRoutes } from './routes/silences.ts';
import { authRoutes } from './routes/auth.ts';
import { dashboardRoutes } from './routes/dashboards.ts';
import { userRoutes } from './routes/users.ts';
import { webRoutes } from './routes/web.ts';
import { healthRoutes } from './routes/health.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { modelRoutes } from './routes/models.ts';
import { queryRoutes } from './routes/query.ts';
import { qualityRoutes } from './routes/quality.ts';
import { driftRoutes } from './routes/drift.ts';
import { performanceRoutes } from './routes/performance.ts';
import { performanceAnalysisRoutes } from './routes/performance-analysis.ts';
import { streamRoutes } from './routes/stream.ts';
import { alertPreviewRoutes } from './routes/alert-preview.ts';
import { retrainingRoutes } from './routes/retraining.ts';

export const VERSION = '0.1.0';

/** Requests per caller (key, user, or address when anonymous); 0 turns a limit off. */
export interface RateLimits {
  /** Ingestion requests per second. */
  ingestPerSecond: number;
  /** Other API requests per second. */
  apiPerSecond: number;
  /** Sign-in attempts per minute per address. */
  signInPerMinute: number;
}

export interface AppOptions {
  ctx: ServiceContext;
  /** How channel tests send (default: the global fetch, a 10 s time-out). */
  notify?: NotifyContext;
  bodyLimit: number;
  auditHash: AuditHash;
  oidc?: OidcClient | null;
  cookieSecure?: 'auto' | 'true' | 'false';
  trustProxy?: boolean;
  publicDocs?: boolean;
  rateLimits?: RateLimits;
  /** The built web app (default: packages/web/dist). */
  webDist?: string;
  heartbeatMs?: number;
  /** Where uploaded reference files are spooled while they load (default: the system temp folder). */
  uploadDir?: string;
  /** Largest reference file accepted (VIGIL_REFERENCE_MAX_BYTES). */
  maxUploadBytes?: number;
  /** Ingest requests parsed and held at once (VIGIL_INGEST_CONCURRENCY). */
  ingestConcurrency?: number;
  /** True once shutdown began: responses then close their connection so keep-alive cannot hold it open. */
  isClosing?: () => boolean;
}

const NO_LIMITS: RateLimits = { ingestPerSecond: 0, apiPerSecond: 0, signInPerMinute: 0 };

/** Builds the HTTP app around a service context. No store is chosen here. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle', trustProxy: opts.trustProxy ?? false });
  // schemas document the API; inputs are validated by zod in the routes, with our error format
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: VERSION,
        description:
          'Monitoring for machine-learning systems. Every endpoint except health, sign-in and the SSO round trip needs a caller: an API key in `Authorization: Bearer <key>`, or the session cookie set by sign-in (changes made with a cookie also need the `X-CSRF-Token` header). 401 means no valid caller; 403 means the caller lacks a permission, which the message names.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' } } },
      security: [{ bearer: [] }, { session: [] }],
      tags: [{ name: 'auth' }, { name: 'users' }, { name: 'teams' }, { name: 'api keys' }, { name: 'audit' }, { name: 'ingestion' }, { name: 'registry' }, { name: 'query' }, { name: 'dashboards' }, { name: 'alerts' }, { name: 'system' }],
    },
  });

  await app.register(cookie);
  // Security headers. The API answers JSON; the CSP allows only this origin (the docs UI sets its own).
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"], upgradeInsecureRequests: null } },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const auth = new Authenticator(ctx.stores.meta, ctx.clock, ctx.security, ctx.audit);
  installAccessControl(app, ctx, auth, { publicDocs: opts.publicDocs ?? false });
  installRateLimits(app, opts.rateLimits ?? NO_LIMITS);
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  // served over plain http on a LAN, upgrade-insecure-requests would send the browser to https and break the page
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: (h) => h.replace(/\s*upgrade-insecure-requests;?/, '') });

  app.addHook('onSend', async (_req, reply, payload) => {
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

  app.setErrorHandler(makeErrorHandler(ctx.log, opts.bodyLimit, ctx.audit));
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`, 'see the API documentation at /api/docs'));
  });

  await app.register(healthRoutes, { version: VERSION });
  await app.register(authRoutes, { ctx, oidc: opts.oidc ?? null, cookieSecure: opts.cookieSecure ?? 'auto' });
  await app.register(userRoutes, { ctx });
  await app.register(auditRoutes, { ctx, hash: opts.auditHash });
  await app.register(ingestRoutes, { ctx, concurrency: opts.ingestConcurrency ?? 4 });
  await app.register(modelRoutes, { ctx });
  await app.register(queryRoutes, { ctx });
  await app.register(qualityRoutes, { ctx });
  await app.register(performanceRoutes, { ctx });
  await app.register(performanceAnalysisRoutes, { ctx });
  await app.register(driftRoutes, { ctx, ...(opts.uploadDir ? { uploadDir: opts.uploadDir } : {}), ...(opts.maxUploadBytes ? { maxUploadBytes: opts.maxUploadBytes } : {}) });
  await app.register(dashboardRoutes, { ctx });
  await app.register(alertPreviewRoutes, { ctx });
  await app.register(alertRoutes, { ctx });
  await app.register(channelRoutes, { ctx, notify: opts.notify ?? { fetch: (url, init) => fetch(url, init), clock: ctx.clock, log: ctx.log, timeoutMs: 10_000 } });
  await app.register(silenceRoutes, { ctx });
  await app.register(retrainingRoutes, { ctx });
  await app.register(streamRoutes, { ctx, heartbeatMs: opts.heartbeatMs ?? 15_000 });
  await app.register(webRoutes, opts.webDist ? { dist: opts.webDist } : {});
  return app;
}

/**
 * Puts a rate limit on every route by its kind, keyed on the caller: ingestion and the rest of the
 * API per key or user (per address when anonymous), sign-in per address.
 */
function installRateLimits(app: FastifyInstance, limits: RateLimits): void {
  const caller = (req: { principal: { key?: { id: string }; userId: string } | null; ip: string }) => (req.principal ? (req.principal.key?.id ?? req.principal.userId) : `ip:${req.ip}`);
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    let rl: { max: number; timeWindow: number; keyGenerator: (req: never) => string } | null = null;
    if (route.url === '/api/v1/auth/sign-in') rl = limits.signInPerMinute ? { max: limits.signInPerMinute, timeWindow: 60_000, keyGenerator: (req: { ip: string }) => `ip:${req.ip}` } : null;
    else if (access?.kind === 'any' && access.action === 'ingest') rl = limits.ingestPerSecond ? { max: limits.ingestPerSecond, timeWindow: 1000, keyGenerator: caller } : null;
    else if (route.url !== '/api/v1/health' && limits.apiPerSecond) rl = { max: limits.apiPerSecond, timeWindow: 1000, keyGenerator: caller };
    if (rl) route.config = { ...(route.config ?? {}), rateLimit: rl } as typeof route.config;
  });
}
