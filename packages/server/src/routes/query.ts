import { CATALOG, parseMetricQuery, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { assertCanModels, auditReadAlongside, readableModelIds } from '../services/authorize.ts';
import { parseInput } from '../http-errors.ts';
import { getOverview } from '../services/get-overview.ts';
import { queryMetric } from '../services/query-metric.ts';
import { errorSchema, seriesResponseSchema } from './openapi.ts';
import { timeBound } from './params.ts';

const listSchema = (now: number) =>
  z
    .object({
      model: z.string().max(64).optional(),
      from: timeBound(now, 'from').optional(),
      to: timeBound(now, 'to').optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(100),
      level: z.enum(['debug', 'info', 'warn', 'error', 'fatal']).optional(),
      pipeline: z.string().max(200).optional(),
    })
    .strict();

const readAny = { access: { kind: 'any', action: 'read' } } as const;

export async function queryRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/metrics/catalog', { config: readAny, schema: { tags: ['query'], summary: 'The metric catalogue: names, units, filters, group-by keys' } }, async () => ({ metrics: CATALOG }));

  app.get('/api/v1/query', {
    config: readAny,
    schema: {
      tags: ['query'],
      summary: 'Time series of one catalogue metric',
      description: 'Parameters: metric (required), from / to (RFC 3339, epoch ms, now, now-24h; default the last hour), step (30s, 1m, 1h…; default about 120 points), model, version (comma lists), segment.<name>=value, feature, kind, level, label.<name>=value, name and agg (for metric=samples), group_by (comma list). Buckets align to the step on the epoch; a bucket with no data is null.',
      response: { 200: seriesResponseSchema, 400: errorSchema },
    },
  }, async (req) => queryMetric({ ctx, actor: actorOf(req), input: parseMetricQuery(req.query as Record<string, string>, ctx.clock.now()) }));

  app.get('/api/v1/overview', { config: readAny, schema: { tags: ['query'], summary: 'Every model with traffic, latency, label coverage and production version over a range (default the last 24 h)' } }, async (req) => {
    const now = ctx.clock.now();
    const q = parseInput(z.object({ from: timeBound(now, 'from').default(now - 86_400_000), to: timeBound(now, 'to').default(now) }).strict(), req.query, 'query');
    if (q.from >= q.to) throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'from', message: 'must be before to' }] });
    return { from: q.from, to: q.to, models: await getOverview({ ctx, actor: actorOf(req), input: q }) };
  });

  const lists: [string, string, (q: z.infer<ReturnType<typeof listSchema>>) => Promise<unknown[]>][] = [
    ['predictions', 'Stored predictions of one model (model required), newest first', async (q) => {
      if (!q.model) throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'model', message: 'required' }] });
      if (!(await ctx.registry.get(q.model))) throw new VigilError('not_found', `model "${q.model}" does not exist`);
      return ctx.stores.events.listPredictions({ ...q, model: q.model });
    }],
    ['labels', 'Stored labels, newest first', (q) => ctx.stores.events.listLabels(q)],
    ['logs', 'Stored log events, newest first', (q) => ctx.stores.events.listLogs(q)],
    ['pipeline-runs', 'Pipeline run events, newest first', (q) => ctx.stores.events.listPipelineRuns(q)],
    ['training-runs', 'Training runs, newest first', (q) => ctx.stores.events.listTrainingRuns(q)],
  ];
  for (const [path, summary, read] of lists) {
    app.get(`/api/v1/${path}`, { config: readAny, schema: { tags: ['query'], summary, description: 'Parameters: model, from, to, limit (1-10000, default 100); level for logs; pipeline for pipeline runs. A user whose grants cover only some models must name one with model=.' } }, async (req) => {
      const q = parseInput(listSchema(ctx.clock.now()), req.query, 'query');
      const actor = actorOf(req);
      await checkListScope(ctx, actor, q.model);
      const audited = auditReadAlongside(ctx, actor, path, q.model ? [q.model] : null);
      const items = await read(q);
      await audited();
      return { items };
    });
  }
}

/** A caller who may not read every model must name one they may read. */
async function checkListScope(ctx: ServiceContext, actor: Actor, model: string | undefined): Promise<void> {
  if (model !== undefined) return assertCanModels(ctx, actor, 'read', [model]);
  const visible = await readableModelIds(ctx, actor);
  if (visible === null) return;
  throw new VigilError('validation_failed', 'your grants cover only some models: name one with model=', {
    details: [{ field: 'model', message: `required; you may read ${visible.length ? visible.map((m) => `"${m}"`).join(', ') : 'no models yet'}` }],
  });
}
