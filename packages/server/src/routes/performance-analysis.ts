// Analyses of realized performance beyond the window's metrics: concept drift marks on the
// labelled stream, and the segments that explain a change.
import { VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { auditRead } from '../services/authorize.ts';
import { CONCEPT_DRIFT_ROWS, detectModelConceptDrift, type ConceptDriftParameter } from '../services/detect-concept-drift.ts';
import { rankPerformanceSegments, SEGMENT_METRICS, type SegmentMetricName } from '../services/rank-performance-segments.ts';
import { errorSchema } from './openapi.ts';
import { range, segmentsOf, timeBound } from './params.ts';

const DAY = 86_400_000;
const readModel = { access: { kind: 'model', action: 'read' } } as const;
const idParams = z.object({ id: z.string().min(1).max(64) });
const responses = { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

/** A finite number; the core checks its range. */
const number = z.string().transform((v, c) => {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x)) {
    c.addIssue({ code: 'custom', message: 'a number' });
    return z.NEVER;
  }
  return x;
});

export async function performanceAnalysisRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/models/:id/performance/concept-drift', {
    config: readModel,
    schema: {
      tags: ['performance'],
      summary: 'Concept drift marks: where a change detector on the labelled outcomes fired (DDM or Page-Hinkley)',
      description: `Query: from / to (by prediction time, default the last 7 days), version, segment.<name>=value, method = ddm (classifiers' default, on the 0/1 error of each labelled prediction) | page_hinkley (regression's default, on the absolute error; classifiers: on the 0/1 error), resolution = hour | row. DDM parameters: warm_start (default 1000 outcomes), warning_threshold, drift_threshold. Page-Hinkley parameters: min_instances, delta, threshold, alpha, direction (increase | decrease | both), warning_threshold. resolution=hour (DDM's default; DDM only, page_hinkley with it is a 400): the test is applied at the end of each hour of predictions, on the hourly rollups' exact counts of every labelled prediction in the window's whole hours (from and to are widened to whole hours); a detection is placed at the start of its hour (t) and index is the hour's position among the hours with labels. resolution=row (Page-Hinkley's only one): the detector reads the labelled predictions one by one in prediction-time order, at most ${CONCEPT_DRIFT_ROWS} (a uniform sample beyond, which sees a change later) — slower. The detector starts afresh after each drift. Each detection holds t, index and kind (warning | drift); drifts also their statistic, onset and the mean error before and after it (docs/performance.md).`,
      response: responses,
    },
  }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const now = ctx.clock.now();
    const { rest, segments } = segmentsOf(req.query as Record<string, unknown>);
    const q = range(parseInput(z.object({
      from: timeBound(now, 'from').default(now - 7 * DAY), to: timeBound(now, 'to').default(now),
      version: z.string().min(1).max(100).optional(), method: z.enum(['ddm', 'page_hinkley']).optional(), resolution: z.enum(['hour', 'row']).optional(),
      warm_start: number.optional(), warning_threshold: number.optional(), drift_threshold: number.optional(),
      min_instances: number.optional(), delta: number.optional(), threshold: number.optional(), alpha: number.optional(),
      direction: z.enum(['increase', 'decrease', 'both']).optional(),
    }).strict(), rest, 'query'));
    const { from, to, version, method, resolution, ...params } = q;
    const parameters = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Partial<Record<ConceptDriftParameter, number | string>>;
    const done = auditRead(ctx, actorOf(req), 'concept drift', [id]);
    const result = await detectModelConceptDrift({ ctx, input: { modelId: id, from, to, version: version ?? null, segments, method: method ?? null, resolution: resolution ?? null, parameters } });
    await done;
    return result;
  });

  app.get('/api/v1/models/:id/performance/segments', {
    config: readModel,
    schema: {
      tags: ['performance'],
      summary: 'Worst segments: each segment\'s share of the change of a performance metric between a baseline and a current window',
      description: `Query: from / to (the current window, default the last 24 h, snapped to whole hours), baseline_from / baseline_to (both or neither; default the window of the same length right before), version, segment (one segment key; default every key of the model, each ranked separately), metric = ${Object.keys(SEGMENT_METRICS).join(' | ')} (default accuracy for classifiers, mae for regression): row-weighted means only, so that the change splits exactly. Each segment value holds its baseline and current { n, value }, and the within (the segment got better or worse), mix (traffic moved towards or away from it) and total parts, with share = total / change; ranked by |total|. status no_data, with a reason, when either window has no labelled predictions (docs/performance.md).`,
      response: responses,
    },
  }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const now = ctx.clock.now();
    const q = range(parseInput(z.object({
      from: timeBound(now, 'from').default(now - DAY), to: timeBound(now, 'to').default(now),
      baseline_from: timeBound(now, 'baseline_from').optional(), baseline_to: timeBound(now, 'baseline_to').optional(),
      version: z.string().min(1).max(100).optional(), segment: z.string().min(1).max(128).optional(),
      metric: z.enum(Object.keys(SEGMENT_METRICS) as [SegmentMetricName, ...SegmentMetricName[]]).optional(),
    }).strict(), req.query, 'query'));
    if ((q.baseline_from === undefined) !== (q.baseline_to === undefined)) {
      const missing = q.baseline_from === undefined ? 'baseline_from' : 'baseline_to';
      throw new VigilError('validation_failed', 'invalid query', { details: [{ field: missing, message: 'give baseline_from and baseline_to together, or neither (the window of the same length right before from)' }] });
    }
    if (q.baseline_from !== undefined && q.baseline_to !== undefined && q.baseline_from >= q.baseline_to) {
      throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'baseline_from', message: 'must be before baseline_to' }] });
    }
    const done = auditRead(ctx, actorOf(req), 'performance by segment', [id]);
    const result = await rankPerformanceSegments({ ctx, input: {
      modelId: id, from: q.from, to: q.to, baselineFrom: q.baseline_from ?? null, baselineTo: q.baseline_to ?? null,
      version: q.version ?? null, segment: q.segment ?? null, metric: q.metric ?? null,
    } });
    await done;
    return result;
  });
}
