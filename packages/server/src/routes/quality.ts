import { parseDuration, parseTimeBound, resolveQualityWindow, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { getDataQuality } from '../services/get-data-quality.ts';
import { errorSchema } from './openapi.ts';

const DAY = 86_400_000;
const PARAMS = ['from', 'to', 'version', 'step'];

const timeBound = (now: number) =>
  z.string().transform((v, c) => {
    const t = parseTimeBound(v, now);
    if (t === null) {
      c.addIssue({ code: 'custom', message: 'must be RFC 3339, epoch ms, "now" or "now-<duration>" such as now-24h' });
      return z.NEVER;
    }
    return t;
  });

// a bare number is milliseconds here (the brief of this endpoint); a unit (1h, 1d) is also read
const step = z.string().transform((v, c) => {
  const ms = /^\d+$/.test(v.trim()) ? Number(v) : parseDuration(v);
  if (ms === null || !Number.isSafeInteger(ms) || ms <= 0) {
    c.addIssue({ code: 'custom', message: 'must be a number of milliseconds (3600000) or a duration such as 1h or 1d' });
    return z.NEVER;
  }
  return ms;
});

const querySchema = (now: number) =>
  z.object({
    from: timeBound(now).optional(),
    to: timeBound(now).optional(),
    version: z.string().min(1).max(64).optional(),
    step: step.optional(),
  });

const pathSchema = z.object({ id: z.string().min(1).max(64) });

const nullable = (type: string) => ({ type: [type, 'null'] });
const checkSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    status: { type: 'string', enum: ['passed', 'failed', 'warning'] },
    value: { type: ['number', 'string', 'null'] },
    expected: nullable('string'),
    message: nullable('string'),
  },
};
const responseSchema = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    window: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, version: nullable('string') }, description: 'the answered range [from, to): from on the step, to on the hour' },
    step_ms: { type: 'integer' },
    totals: {
      type: 'object',
      properties: {
        predictions: { type: 'integer', description: 'accepted predictions (of the version, when given)' },
        refused: { type: 'integer', description: 'predictions of the model refused at ingest, one per record' },
        duplicates: { type: 'integer', description: 'predictions received again (same id), by arrival time' },
        violations: { type: 'integer', description: 'feature violations of refused records' },
      },
    },
    features: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          feature: { type: 'string' },
          type: { type: 'string', enum: ['numeric', 'categorical', 'boolean', 'text'] },
          count: { type: 'integer' },
          nulls: { type: 'integer' },
          completeness: { ...nullable('number'), description: '1 − nulls/count over accepted predictions; null when there were none' },
          violations: { type: 'object', additionalProperties: { type: 'integer' }, description: 'kind → count; only kinds that occurred' },
          series: { type: 'array', items: { type: 'object', properties: { t: { type: 'integer' }, completeness: nullable('number'), violations: { type: 'integer' } } } },
        },
      },
    },
    unknown_features: { type: 'array', items: { type: 'object', properties: { feature: { type: 'string' }, count: { type: 'integer' } } }, description: 'names sent as features that no schema version declares' },
    pipeline_runs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          pipeline: { type: 'string' }, run_id: { type: 'string' }, stage: { type: 'string' }, status: { type: 'string' },
          started_at: { type: 'integer' }, ended_at: nullable('integer'), rows_in: nullable('integer'), rows_out: nullable('integer'),
          checks: { type: 'array', items: checkSchema },
          failed_checks: { type: 'integer' },
        },
      },
    },
  },
};

export async function qualityRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/models/:id/quality', {
    config: { access: { kind: 'model', action: 'read' } },
    schema: {
      tags: ['query'],
      summary: "A model's data quality: completeness and violations per feature over time, refused records, duplicates, pipeline-run checks",
      description:
        'Parameters: from / to (RFC 3339, epoch ms, now, now-24h; default the last 24 h), version (narrows predictions and completeness; violations, refused records and duplicates are per model), step (milliseconds or 1h, 1d…: whole hours, because completeness comes from hourly rollups; default about 120 points; at most 1000). Completeness is over accepted predictions and is null (not 0) where there were none. Pipeline runs of the model started in the window, newest first, each with the checks read from its quality and schema_checks payloads (see docs/data-quality.md); a payload that cannot be read shows as an invalid_quality_payload check.',
      querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, version: { type: 'string' }, step: { type: 'string' } } },
      response: { 200: responseSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (req) => {
    const { id } = parseInput(pathSchema, req.params, 'path');
    const raw = (req.query ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(raw).filter((k) => !PARAMS.includes(k));
    if (unknown.length) {
      throw new VigilError('validation_failed', 'invalid query', { details: unknown.map((k) => ({ field: k, message: `unknown parameter; accepted: ${PARAMS.join(', ')}` })) });
    }
    const now = ctx.clock.now();
    const q = parseInput(querySchema(now), raw, 'query');
    const to = q.to ?? now;
    const w = resolveQualityWindow(q.from ?? to - DAY, to, q.step ?? null);
    if (Array.isArray(w)) throw new VigilError('validation_failed', 'invalid query', { details: w, hint: 'fix the parameters named in details' });
    return getDataQuality({ ctx, input: { id, ...w, version: q.version ?? null } });
  });
}
