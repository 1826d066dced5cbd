import { z } from 'zod';
import { MIN_TS_MS, parseTimestamp } from '../schemas/time.ts';
import { MAX_FUTURE_MS } from './validate-prediction.ts';
import {
  describeValue,
  type NormalizedLabel,
  type NormalizedLog,
  type NormalizedMetricSample,
  type NormalizedPipelineRun,
  type NormalizedTrainingRun,
  type Violation,
} from './types.ts';

/** Checks of the smaller event kinds, written with zod; predictions have a hand-compiled validator for speed. */
const tsField = (now: number) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ts = parseTimestamp(v);
    if (ts === null || ts < MIN_TS_MS || ts > now + MAX_FUTURE_MS) {
      ctx.addIssue({ code: 'custom', message: 'RFC 3339 timestamp with zone or epoch milliseconds, after 2000-01-01 and at most 24 h ahead' });
      return z.NEVER;
    }
    return ts;
  });

const name = z.string().min(1).max(200);
const str = (max: number) => z.string().min(1).max(max);
const scalarLabel = z.union([z.string().max(256), z.number().finite(), z.boolean()]).transform((v) => String(v));

const labelSchema = (now: number) =>
  z.object({ prediction_id: str(256), model: str(64), label: scalarLabel, ts: tsField(now) }).strict();

const metricSchema = (now: number) =>
  z
    .object({
      name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:.]{0,199}$/, 'metric name: letters, digits, "_", ":" or ".", starting with a letter, "_" or ":"'),
      labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/), z.string().max(256)).default({}),
      ts: tsField(now),
      value: z.number().finite(),
    })
    .strict();

const logSchema = (now: number) =>
  z
    .object({
      id: str(256).optional(),
      ts: tsField(now),
      model: str(64).nullable().optional(),
      level: z.enum(['debug', 'info', 'warn', 'error', 'fatal']),
      message: z.string().max(10_000),
      error_class: z.string().max(200).nullable().optional(),
      attributes: z.record(z.string(), z.unknown()).default({}),
    })
    .strict();

const count = z.number().int().nonnegative().nullable().optional();
const pipelineSchema = (now: number) =>
  z
    .object({
      pipeline: name,
      run_id: str(256),
      stage: name.default('run'),
      status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
      started_at: tsField(now),
      ended_at: tsField(now).nullable().optional(),
      model: str(64).nullable().optional(),
      rows_in: count,
      rows_out: count,
      bytes: count,
      quality: z.record(z.string(), z.unknown()).nullable().optional(),
      schema_checks: z.record(z.string(), z.unknown()).nullable().optional(),
    })
    .strict();

const trainingSchema = (now: number) =>
  z
    .object({
      run_id: str(256),
      model: str(64),
      version: z.string().max(64).nullable().optional(),
      status: z.enum(['running', 'succeeded', 'failed']),
      started_at: tsField(now),
      ended_at: tsField(now).nullable().optional(),
      params: z.record(z.string(), z.unknown()).default({}),
      metrics: z.record(z.string().max(100), z.array(z.tuple([z.number().int().nonnegative(), z.number().finite()])).max(100_000)).default({}),
      dataset_sizes: z.record(z.string().max(100), z.number().int().nonnegative()).default({}),
    })
    .strict();

function toViolations(issues: readonly z.core.$ZodIssue[], rec: unknown): Violation[] {
  return issues.map((i) => {
    const field = i.path.length ? i.path.join('.') : '(record)';
    let got: unknown = rec;
    for (const p of i.path) got = got !== null && typeof got === 'object' ? (got as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
    const kind = i.code === 'unrecognized_keys' ? 'unknown_field' : got === undefined ? 'missing_field' : 'invalid_field';
    const expected = i.code === 'unrecognized_keys' ? `no field ${i.keys.join(', ')}` : i.message;
    return { field: i.code === 'unrecognized_keys' ? i.keys.join(', ') : field, kind, expected, got: i.code === 'unrecognized_keys' ? 'unexpected field' : describeValue(got) };
  });
}

export type Check<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

function checker<T>(make: (now: number) => z.ZodType<unknown>, post: (v: never) => T) {
  let cachedNow = -1;
  let schema: z.ZodType<unknown> | null = null;
  return (rec: unknown, now: number): Check<T> => {
    // the schema closes over `now`; rebuild only when the caller's clock moved
    if (schema === null || now !== cachedNow) {
      schema = make(now);
      cachedNow = now;
    }
    const r = schema.safeParse(rec);
    return r.success ? { ok: true, value: post(r.data as never) } : { ok: false, violations: toViolations(r.error.issues, rec) };
  };
}

export const checkLabel = checker(labelSchema, (v: NormalizedLabel) => v);
export const checkMetricSample = checker(metricSchema, (v: NormalizedMetricSample) => v);
export const checkLog = checker(logSchema, (v: z.infer<ReturnType<typeof logSchema>>): Omit<NormalizedLog, 'id'> & { id: string | null } => ({
  id: v.id ?? null,
  ts: v.ts,
  model: v.model ?? null,
  level: v.level,
  message: v.message,
  error_class: v.error_class ?? null,
  attributes: v.attributes,
}));
export const checkPipelineRun = checker(pipelineSchema, (v: z.infer<ReturnType<typeof pipelineSchema>>): NormalizedPipelineRun => ({
  ...v,
  ended_at: v.ended_at ?? null,
  model: v.model ?? null,
  rows_in: v.rows_in ?? null,
  rows_out: v.rows_out ?? null,
  bytes: v.bytes ?? null,
  quality: v.quality ?? null,
  schema_checks: v.schema_checks ?? null,
}));
export const checkTrainingRun = checker(trainingSchema, (v: z.infer<ReturnType<typeof trainingSchema>>): NormalizedTrainingRun => ({
  ...v,
  ended_at: v.ended_at ?? null,
  version: v.version ?? null,
}));
