// Every route declares who may call it; this module enforces that on the server, before the handler.
import { can, canAll, canAny, describeMissing, type Action, type Principal } from '@vigil/core';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, ServiceContext } from '../context.ts';
import { errorBody } from '../http-errors.ts';
import { auditBy } from './actor.ts';
import { SESSION_COOKIE, type Authenticator } from './authenticate.ts';
import { safeEqual } from './secrets.ts';

/**
 * - `public`: no credentials (health, sign-in, the SSO round trip).
 * - `signed-in`: any valid caller (their own profile, sessions and keys).
 * - `model`: `action` on the model named by the `:id` path parameter.
 * - `any`: `action` on at least one model; the handler filters or checks each model it touches.
 * - `system`: `action` on all models (users, teams, the audit log).
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'model'; action: Action }
  | { kind: 'any'; action: Action }
  | { kind: 'system'; action: Action };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** An audit entry being written alongside the handler; the answer waits for it in onSend. */
    auditPending: Promise<unknown> | null;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the permission matrix test and for review. */
    accessTable: { method: string; url: string; access: Access }[];
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The actor of an authenticated request; throws if the route forgot to require sign-in. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.principal) throw new Error(`route ${req.routeOptions.url ?? req.url} used actorOf without authentication`);
  return { principal: req.principal, ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
}

export function anonymousOf(req: FastifyRequest): { ip: string; userAgent: string | null } {
  return { ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
}

async function deny(ctx: ServiceContext, req: FastifyRequest, reply: FastifyReply, action: Action, target: { type: string; id: string | null }, what: string): Promise<void> {
  const actor = actorOf(req);
  const message = describeMissing(actor.principal, action, what);
  await ctx.audit.record(auditBy(actor, 'access.denied', target, 'denied', { method: req.method, route: req.routeOptions.url, needs: action }));
  void reply.status(403).send(errorBody('forbidden', message, 'ask an administrator for a grant that covers it, or use a key with the right scope'));
}

/**
 * Installs authentication, CSRF protection and the per-route access check. A route without
 * an `access` declaration fails start-up, so no route can be left open by omission.
 */
export function installAccessControl(app: FastifyInstance, ctx: ServiceContext, auth: Authenticator, opts: { publicDocs: boolean }): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('auditPending', null);
  app.addHook('onSend', async (req, _reply, payload) => {
    if (req.auditPending) {
      const e = await req.auditPending;
      req.auditPending = null;
      if (e) throw e;
    }
    return payload;
  });
  const table: FastifyInstance['accessTable'] = [];
  app.decorate('accessTable', table);
  app.addHook('onRoute', (route) => {
    const url = route.url;
    const docs = url === '/api/docs' || url.startsWith('/api/docs/');
    // the web app's hashed static files hold no data; the sign-in page needs them before sign-in
    if (url.startsWith('/assets/')) route.config = { ...(route.config ?? {}), access: { kind: 'public' } } as typeof route.config;
    if (docs) route.config = { ...(route.config ?? {}), access: opts.publicDocs ? { kind: 'public' } : { kind: 'signed-in' } } as typeof route.config;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${url} declares no access rule`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url, access });
  });

  app.addHook('onRequest', async (req, reply) => {
    // Decided on the route that matched, never on the raw URL (the router decodes paths).
    // an unmatched path answers 404 only to a known caller, so anonymous probes learn nothing
    const access = req.routeOptions.config.access ?? { kind: 'signed-in' };
    const auth0 = await auth.authenticate(req.headers.authorization, req.cookies[SESSION_COOKIE], req.ip, req.headers['user-agent'] ?? null);
    if (auth0.ok) req.principal = auth0.principal;
    if (access.kind === 'public') return;
    if (!auth0.ok) {
      if (req.cookies[SESSION_COOKIE] && req.headers.authorization === undefined) void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      void reply.status(401).header('www-authenticate', 'Bearer realm="vigil"').send(errorBody('unauthorized', auth0.message, auth0.hint));
      return reply;
    }
    const p = auth0.principal;
    if (p.session && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, p.session.csrfToken)) {
        await ctx.audit.record(auditBy(actorOf(req), 'access.csrf_rejected', { type: 'route', id: req.routeOptions.url ?? null }, 'denied', { method: req.method }));
        void reply.status(403).send(errorBody('forbidden', `a change made with a session cookie needs the ${CSRF_HEADER} header with the session's CSRF token`, 'read csrf_token from GET /api/v1/auth/session and send it in the X-CSRF-Token header'));
        return reply;
      }
    }
    return undefined;
  });

  app.addHook('preHandler', async (req, reply) => {
    const access = req.routeOptions.config.access;
    if (!access || access.kind === 'public' || access.kind === 'signed-in') return;
    const p = req.principal as Principal;
    if (access.kind === 'system') {
      if (!canAll(p, access.action)) return deny(ctx, req, reply, access.action, { type: 'system', id: req.routeOptions.url ?? null }, 'all models (a system-wide action)');
      return;
    }
    if (access.kind === 'any') {
      if (!canAny(p, access.action)) return deny(ctx, req, reply, access.action, { type: 'route', id: req.routeOptions.url ?? null }, 'any model');
      return;
    }
    const id = (req.params as { id?: string }).id ?? '';
    const entry = await ctx.registry.get(id);
    const ref = { id, owner_team: entry?.model.owner_team ?? null };
    // An unknown model reads as forbidden to someone whose grants could not cover it, so names do not leak.
    if (!can(p, access.action, ref)) {
      return deny(ctx, req, reply, access.action, { type: 'model', id }, `model "${id}"`);
    }
    if (access.action === 'read' && entry) {
      req.auditPending = ctx.audit.record(auditBy(actorOf(req), 'data.read', { type: 'model', id }, 'success', { route: req.routeOptions.url })).then(
        () => null,
        (e: unknown) => e,
      );
    }
  });
}
