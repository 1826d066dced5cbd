import { VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { auditRead } from '../services/authorize.ts';
import { windowGrid } from '../services/get-drift.ts';
import { getPerformance } from '../services/get-performance.ts';
import { estimatePerformance } from '../services/estimate-performance.ts';
import { errorSchema } from './openapi.ts';
import { hourStep, range, segmentsOf, timeBound } from './params.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Series points one answer holds at most. */
const MAX_POINTS = 1000;

const step = hourStep('performance is kept per hour of the prediction');

/** At most MAX_POINTS series points, counted on the grid the answer uses: `from` snaps down to the step, `to` up to the hour. */
function checkPoints(q: { from: number; to: number; step?: number | undefined }): void {
  const grid = windowGrid(q.from, q.to, q.step ?? null);
  if (q.step !== undefined && Math.ceil((grid.to - grid.from) / grid.step) > MAX_POINTS) {
    throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'step', message: `gives more than ${MAX_POINTS} points over the range; use at least ${Math.ceil((grid.to - grid.from) / MAX_POINTS / HOUR)}h` }] });
  }
}

/** The window both routes take: from / to (default the last 24 h), version, step. */
const windowFields = (now: number) => ({
  from: timeBound(now, 'from').default(now - DAY), to: timeBound(now, 'to').default(now),
  version: z.string().min(1).max(100).optional(), step: step.optional(),
});

export async function performanceRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/models/:id/performance', {
    config: { access: { kind: 'model', action: 'read' } },
    schema: {
      tags: ['performance'],
      summary: 'Realized performance of a model over a window, from its predictions joined with their latest labels',
      description: 'Query: from / to (default the last 24 h), version, step (whole hours), segment.<name>=value, exact=true (exact ROC AUC and average precision from the labelled rows, else the streaming AUC with its bound). Buckets are the hours of the predictions, not of the labels: a late label changes the hour of its prediction. Metrics merge exactly over the window (confusion counts, sums); the answer also holds label coverage and delay, the confusion matrix, the calibration curve, and the version\'s validation metrics beside the live ones with a significance test where one applies (docs/performance.md).',
      response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (req) => {
    const { id } = parseInput(z.object({ id: z.string().min(1).max(64) }), req.params, 'path');
    const now = ctx.clock.now();
    const { rest, segments } = segmentsOf(req.query as Record<string, unknown>);
    const q = parseInput(z.object({ ...windowFields(now), exact: z.enum(['true', 'false']).default('false') }).strict(), rest, 'query');
    range(q);
    checkPoints(q);
    const done = auditRead(ctx, actorOf(req), 'performance', [id]);
    const result = await getPerformance({ ctx, input: { modelId: id, from: q.from, to: q.to, version: q.version ?? null, segments, stepMs: q.step ?? null, exact: q.exact === 'true' } });
    await done;
    return result;
  });

  app.get('/api/v1/models/:id/performance/estimate', {
    config: { access: { kind: 'model', action: 'read' } },
    schema: {
      tags: ['performance'],
      summary: 'Estimated performance of a classifier over a window, from its scores, without labels (CBPE), beside the realized values where labels have come',
      description: 'Query: from / to (default the last 24 h), version, step (whole hours), segment.<name>=value, reference_from / reference_to (together: the labelled predictions CBPE learns the calibration from; default the 30 days before the window, rounded out to whole hours). Binary and multiclass classifiers: accuracy, precision, recall, F1 and ROC AUC (multiclass: macro averages) with a band of ±3 sampling errors, alert thresholds from the reference, the expected confusion matrix, and per step bucket the same with the realized value from the labels. The window is read up to 100,000 scored predictions (a uniform sample beyond; the band is then that of the sample\'s size), the reference up to 100,000. A reference that overlaps the window makes the estimate look better than it is. status no_reference or no_data, with a reason and a hint, when there is nothing to fit or estimate (docs/performance-estimation.md).',
      response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (req) => {
    const { id } = parseInput(z.object({ id: z.string().min(1).max(64) }), req.params, 'path');
    const now = ctx.clock.now();
    const { rest, segments } = segmentsOf(req.query as Record<string, unknown>);
    const q = parseInput(z.object({
      ...windowFields(now),
      reference_from: timeBound(now, 'reference_from').optional(), reference_to: timeBound(now, 'reference_to').optional(),
    }).strict(), rest, 'query');
    range(q);
    checkPoints(q);
    const reference = referenceOf(q);
    const done = auditRead(ctx, actorOf(req), 'performance.estimate', [id]);
    const result = await estimatePerformance({ ctx, input: { modelId: id, from: q.from, to: q.to, version: q.version ?? null, segments, stepMs: q.step ?? null, reference } });
    await done;
    return result;
  });
}

/** reference_from and reference_to come together, in order. */
function referenceOf(q: { reference_from?: number | undefined; reference_to?: number | undefined }): { from: number; to: number } | null {
  const { reference_from: from, reference_to: to } = q;
  if (from === undefined && to === undefined) return null;
  if (from === undefined || to === undefined) {
    const missing = from === undefined ? 'reference_from' : 'reference_to';
    throw new VigilError('validation_failed', 'invalid query', { details: [{ field: missing, message: 'give reference_from and reference_to together, or neither (the 30 days before the window)' }] });
  }
  if (from >= to) throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'reference_from', message: 'must be before reference_to' }] });
  return { from, to };
}
