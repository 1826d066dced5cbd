import { VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LiveEvent, ServiceContext } from '../context.ts';
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
    schema: { tags: ['query'], summary: 'Live updates as server-sent events', description: 'Events: ingest {kind, model, accepted}, rollup {watermark} (new data is queryable), model {action, model}. Filter with model= and types=ingest,rollup.' },
  }, async (req, reply) => {
    const q = parseInput(streamQuery, req.query, 'query');
    if (open.size >= MAX_STREAMS) {
      throw new VigilError('unavailable', `this server already serves ${MAX_STREAMS} live streams`, { hint: 'close unused dashboards, or retry later' });
    }
    const types = q.types ? new Set(q.types.split(',')) : null;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 2000\n: connected\n\n`);
    let id = 0;
    let missed = 0;
    const onEvent = (ev: LiveEvent) => {
      if (types && !types.has(ev.type)) return;
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
    const beat = setInterval(() => res.write(`: heartbeat ${ctx.clock.now()}\n\n`), heartbeatMs);
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
