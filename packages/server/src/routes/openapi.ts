import { z } from 'zod';

/** JSON Schemas for the OpenAPI document, derived from the same zod schemas that validate. */
export const jsonSchema = (s: z.ZodType): Record<string, unknown> => {
  const j = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete j.$schema;
  return j;
};

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

export const ingestResponseSchema = {
  type: 'object',
  properties: {
    accepted: { type: 'integer', description: 'records newly stored' },
    duplicates: { type: 'integer', description: 'records already stored (same identity), not stored again' },
    rejected: { type: 'integer' },
    errors_truncated: { type: 'boolean', description: 'true when more records were refused than are listed' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          id: { type: ['string', 'null'] },
          reasons: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, kind: { type: 'string' }, expected: { type: 'string' }, got: { type: 'string' } } } },
        },
      },
    },
  },
};

export const seriesResponseSchema = {
  type: 'object',
  properties: {
    metric: { type: 'string' },
    unit: { type: 'string' },
    from: { type: 'integer' },
    to: { type: 'integer' },
    step_ms: { type: 'integer' },
    source: { type: 'string', enum: ['rollup', 'raw'] },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          points: { type: 'array', items: { type: 'array', items: { type: ['number', 'null'] }, minItems: 2, maxItems: 2 }, description: '[epoch ms, value]; null where there is no data' },
        },
      },
    },
  },
};
