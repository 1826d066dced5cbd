import { can, canAny, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { LiveEvent, ServiceContext } from '../context.ts';
import { assertCanModels, auditRead, readableModelIds } from '../services/authorize.ts';
import { parseInput } from '../http-errors.ts';

/** Open streams per server; each holds a socket and a subscription. */
const MAX_STREAMS = 500;

const streamQuery = z.object({ model: z.string().max(64).optional(), types: z.string().max(200).optional() }).strict();

/** Server-sent events: ingest, rollup and model changes as they happen, with a heartbeat. */
export async function streamRoutes(app: FastifyInstance, { ctx, heartbeatMs }: { ctx: ServiceContext; heartbeatMs: number }): Promise<void> {
  const open = new Set<() => void>();
  // streams never end by themselves: end them before the server waits for connections to close
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get('/api/v1/stream', {
    config: { access: { kind: 'any', action: 'read' } },
    schema: { tags: ['query'], summary: 'Live updates as server-sent events', description: 'Events: ingest {kind, model, accepted}, rollup {watermark} (new data is queryable), model {action, model}. Filter with model= and types=ingest,rollup.' },
  }, async (req, reply) => {
    const q = parseInput(streamQuery, req.query, 'query');
    if (open.size >= MAX_STREAMS) {
      throw new VigilError('unavailable', `this server already serves ${MAX_STREAMS} live streams`, { hint: 'close unused dashboards, or retry later' });
    }
    const actor = actorOf(req);
    if (q.model) await assertCanModels(ctx, actor, 'read', [q.model]);
    // what the caller may see, refreshed when models change (a new model of their team appears)
    let visible = await readableModelIds(ctx, actor);
    await auditRead(ctx, actor, 'stream', q.model ? [q.model] : visible);
    const types = q.types ? new Set(q.types.split(',')) : null;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 2000\n: connected\n\n`);
    let id = 0;
    let missed = 0;
    const onEvent = (ev: LiveEvent) => {
      if (types && !types.has(ev.type)) return;
      if (ev.type === 'model' && visible !== null) {
        void readableModelIds(ctx, actor).then((v) => (visible = v));
      }
      if ('model' in ev && visible !== null && (ev.model === null || !visible.includes(ev.model))) return;
      // a fold's counts span every model: those who see only some hear that a fold happened, no more
      if (ev.type === 'rollup' && visible !== null) ev = { type: 'rollup', watermark: 0, rows: 0, ts: ev.ts };
      if (q.model && 'model' in ev && ev.model !== null && ev.model !== q.model) return;
      // a client that does not read fast enough misses events instead of growing our buffers
      if (res.writableNeedDrain) {
        missed++;
        return;
      }
      if (missed > 0) {
        res.write(`event: missed\ndata: {"count":${missed}}\n\n`);
        missed = 0;
      }
      res.write(`id: ${++id}\nevent: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
    };
    const unsubscribe = ctx.live.subscribe(onEvent);
    // each heartbeat re-checks the caller: sign-out, expiry, a revoked key or a disabled owner end
    // the stream, and changed grants change what it carries
    const refresh = async (): Promise<boolean> => {
      const p = actor.principal;
      const now = ctx.clock.now();
      let userId = p.userId;
      if (p.session) {
        const s = await ctx.stores.meta.getSession(p.session.idHash);
        if (!s || Date.parse(s.expires_at) <= now || now - Date.parse(s.last_seen_at) >= ctx.security.sessionIdleMs) return false;
        userId = s.user_id;
      }
      if (p.key) {
        const k = await ctx.stores.meta.getApiKey(p.key.id);
        if (!k || k.revoked_at !== null || (k.expires_at !== null && Date.parse(k.expires_at) <= now)) return false;
        userId = k.owner_user_id;
      }
      const user = await ctx.stores.meta.getUser(userId);
      if (!user || user.disabled) return false;
      actor.principal = { ...p, grants: user.grants };
      if (!canAny(actor.principal, 'read')) return false;
      if (q.model && !can(actor.principal, 'read', { id: q.model, owner_team: (await ctx.registry.get(q.model))?.model.owner_team ?? null })) return false;
      visible = await readableModelIds(ctx, actor);
      return true;
    };
    const beat = setInterval(() => {
      void refresh().then((ok) => {
        if (!ok) {
          res.write(`event: signed_out\ndata: {}\n\n`);
          end();
        } else res.write(`: heartbeat ${ctx.clock.now()}\n\n`);
      }, () => end()); // a check that cannot run must not leave the stream on old grants
    }, heartbeatMs);
    beat.unref();
    const stop = () => {
      clearInterval(beat);
      unsubscribe();
      open.delete(end);
    };
    const end = () => {
      stop();
      res.end();
    };
    open.add(end);
    req.raw.on('close', stop);
  });
}
