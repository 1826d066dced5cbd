import type { Model, FeatureSpec } from '../schemas/model.ts';
import { MIN_TS_MS, parseTimestamp } from '../schemas/time.ts';
import { describeValue, type NormalizedPrediction, type Violation } from './types.ts';

const TOP_FIELDS = new Set([
  'id', 'model', 'version', 'ts', 'features', 'prediction', 'score', 'scores',
  'latency_ms', 'batch_size', 'segment', 'feature_ts',
]);
const MAX_ID = 256;
/** Future timestamps beyond this are refused: they would sit in buckets no query reads yet. */
export const MAX_FUTURE_MS = 24 * 3_600_000;

export type PredictionCheck =
  /**
   * rawSafe: the wire form of the record stores exactly as its normalised form. False when a
   * text-stored value (class label, category, segment value) was a non-integer number, whose
   * text a bulk loader could spell differently from JavaScript.
   */
  | { ok: true; value: NormalizedPrediction; rawSafe: boolean; violations?: undefined }
  | { ok: false; violations: Violation[]; value?: undefined };

interface CompiledFeature {
  spec: FeatureSpec;
  categories: Set<string> | null;
}

/** A validator for one model's current schema; build once per schema version, call per record. */
export interface PredictionValidator {
  readonly model: Model;
  check(rec: unknown, now: number): PredictionCheck;
}

const NON_FINITE = new Set(['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf']);

function checkFeature(name: string, v: unknown, f: CompiledFeature, out: Violation[]): number | string | boolean | null {
  const field = `features.${name}`;
  if (v === null) {
    if (!f.spec.nullable) out.push({ field, kind: 'missing_feature', expected: `${f.spec.type} (not nullable)`, got: 'null' });
    return null;
  }
  switch (f.spec.type) {
    case 'numeric': {
      if (typeof v === 'number') {
        const { min, max } = f.spec;
        if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
          out.push({ field, kind: 'out_of_range', expected: `number in [${min ?? '-inf'}, ${max ?? 'inf'}]`, got: `number ${v}` });
        }
        return v;
      }
      if (typeof v === 'string' && NON_FINITE.has(v)) {
        out.push({ field, kind: 'nan_or_infinity', expected: 'finite number', got: describeValue(v) });
        return null;
      }
      out.push({ field, kind: 'wrong_type', expected: 'number', got: describeValue(v) });
      return null;
    }
    case 'categorical': {
      let s: string;
      if (typeof v === 'string') s = v;
      else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
      else {
        out.push({ field, kind: 'wrong_type', expected: 'string category', got: describeValue(v) });
        return null;
      }
      if (f.categories !== null && !f.categories.has(s)) {
        out.push({ field, kind: 'unseen_category', expected: `one of ${f.categories.size} declared categories`, got: describeValue(s) });
      }
      return s;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      out.push({ field, kind: 'wrong_type', expected: 'boolean', got: describeValue(v) });
      return null;
    case 'text':
      if (typeof v === 'string') return v;
      out.push({ field, kind: 'wrong_type', expected: 'string', got: describeValue(v) });
      return null;
  }
}

function finiteOrNull(v: unknown, field: string, out: Violation[], opts: { min?: number; max?: number; integer?: boolean; expected: string }): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    out.push({ field, kind: 'invalid_field', expected: opts.expected, got: describeValue(v) });
    return null;
  }
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    out.push({ field, kind: 'invalid_field', expected: opts.expected, got: describeValue(v) });
    return null;
  }
  return v;
}

function checkTs(v: unknown, field: string, now: number, out: Violation[], required: boolean): number | null {
  if (v === undefined || v === null) {
    if (required) out.push({ field, kind: 'missing_field', expected: 'RFC 3339 timestamp with zone or epoch milliseconds', got: 'nothing' });
    return null;
  }
  const ts = parseTimestamp(v);
  if (ts === null) {
    out.push({ field, kind: 'invalid_field', expected: 'RFC 3339 timestamp with zone (e.g. 2026-11-27T05:00:00Z) or epoch milliseconds', got: describeValue(v) });
    return null;
  }
  if (ts < MIN_TS_MS || ts > now + MAX_FUTURE_MS) {
    out.push({ field, kind: 'invalid_field', expected: 'a time after 2000-01-01 and at most 24 h ahead of the server clock (epoch values are milliseconds, not seconds)', got: describeValue(v) });
    return null;
  }
  return ts;
}

export function compilePredictionValidator(model: Model): PredictionValidator {
  const features = new Map<string, CompiledFeature>();
  for (const spec of model.schema.features) {
    features.set(spec.name, { spec, categories: spec.categories ? new Set(spec.categories) : null });
  }
  const segments = new Set(model.schema.segments);
  const classes = model.schema.classes ? new Set(model.schema.classes) : null;
  const task = model.task;

  function check(rec: unknown, now: number): PredictionCheck {
    const out: Violation[] = [];
    let rawSafe = true;
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      return { ok: false, violations: [{ field: '(record)', kind: 'invalid_field', expected: 'JSON object', got: describeValue(rec) }] };
    }
    const r = rec as Record<string, unknown>;
    for (const k in r) {
      if (!TOP_FIELDS.has(k)) out.push({ field: k, kind: 'unknown_field', expected: `one of ${[...TOP_FIELDS].join(', ')}`, got: describeValue(r[k]) });
    }
    const id = r.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) {
      out.push({ field: 'id', kind: id === undefined ? 'missing_field' : 'invalid_field', expected: `non-empty string of at most ${MAX_ID} characters`, got: describeValue(id) });
    }
    const version = r.version;
    if (typeof version !== 'string' || version.length === 0 || version.length > 64) {
      out.push({ field: 'version', kind: version === undefined ? 'missing_field' : 'invalid_field', expected: 'non-empty string of at most 64 characters', got: describeValue(version) });
    }
    const ts = checkTs(r.ts, 'ts', now, out, true);
    const featureTs = checkTs(r.feature_ts, 'feature_ts', now, out, false);

    let prediction = '';
    const p = r.prediction;
    if (p === undefined || p === null) {
      out.push({ field: 'prediction', kind: 'missing_field', expected: task === 'regression' ? 'number' : 'class label (string, number or boolean)', got: describeValue(p) });
    } else if (task === 'regression') {
      if (typeof p === 'number' && Number.isFinite(p)) prediction = String(p);
      else out.push({ field: 'prediction', kind: 'invalid_field', expected: 'finite number', got: describeValue(p) });
    } else if (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') {
      prediction = String(p);
      if (typeof p === 'number' && !Number.isSafeInteger(p)) rawSafe = false;
      if (classes !== null && !classes.has(prediction)) out.push({ field: 'prediction', kind: 'invalid_field', expected: `one of the model's classes (${[...classes].slice(0, 10).join(', ')})`, got: describeValue(p) });
    } else {
      out.push({ field: 'prediction', kind: 'invalid_field', expected: 'class label (string, number or boolean)', got: describeValue(p) });
    }

    const score = finiteOrNull(r.score, 'score', out, { min: 0, max: 1, expected: 'probability between 0 and 1' });
    let scores: Record<string, number> | null = null;
    if (r.scores !== undefined && r.scores !== null) {
      if (typeof r.scores !== 'object' || Array.isArray(r.scores)) {
        out.push({ field: 'scores', kind: 'invalid_field', expected: 'object of class → probability', got: describeValue(r.scores) });
      } else {
        scores = r.scores as Record<string, number>;
        for (const k in scores) finiteOrNull(scores[k], `scores.${k}`, out, { min: 0, max: 1, expected: 'probability between 0 and 1' });
      }
    }
    const latency = finiteOrNull(r.latency_ms, 'latency_ms', out, { min: 0, expected: 'non-negative number of milliseconds' });
    const batchSize = finiteOrNull(r.batch_size, 'batch_size', out, { min: 1, max: 2_147_483_647, integer: true, expected: 'positive integer of at most 2147483647' });

    let segment: Record<string, string> = {};
    if (r.segment !== undefined && r.segment !== null) {
      if (typeof r.segment !== 'object' || Array.isArray(r.segment)) {
        out.push({ field: 'segment', kind: 'invalid_field', expected: 'object of segment → value', got: describeValue(r.segment) });
      } else {
        const seg = r.segment as Record<string, unknown>;
        let copy = false;
        for (const k in seg) {
          const v = seg[k];
          if (!segments.has(k)) out.push({ field: `segment.${k}`, kind: 'unknown_segment', expected: segments.size ? `one of ${[...segments].join(', ')}` : 'no segments (declare them in the model schema)', got: describeValue(v) });
          else if (typeof v === 'number' || typeof v === 'boolean' || v === null) {
            copy = true;
            if (typeof v === 'number' && !Number.isSafeInteger(v)) rawSafe = false;
          }
          else if (typeof v !== 'string') out.push({ field: `segment.${k}`, kind: 'invalid_field', expected: 'string, number or boolean', got: describeValue(v) });
        }
        if (!copy) segment = seg as Record<string, string>;
        else for (const k in seg) if (seg[k] !== null && seg[k] !== undefined) segment[k] = String(seg[k]);
      }
    }

    // The parsed input object is reused as the normalised one unless a value must change
    // (a categorical sent as a number, an omitted nullable feature): most batches copy nothing.
    let feats: Record<string, number | string | boolean | null> = {};
    const fin = r.features;
    if (typeof fin !== 'object' || fin === null || Array.isArray(fin)) {
      out.push({ field: 'features', kind: fin === undefined ? 'missing_field' : 'invalid_field', expected: 'object of feature → value', got: describeValue(fin) });
    } else {
      const fr = fin as Record<string, unknown>;
      let matched = 0;
      let changed: Record<string, number | string | boolean | null> | null = null;
      for (const k in fr) {
        const f = features.get(k);
        if (f === undefined) {
          out.push({ field: `features.${k}`, kind: 'unknown_feature', expected: 'a feature declared in the model schema', got: describeValue(fr[k]) });
          continue;
        }
        matched++;
        const v = fr[k];
        const nv = checkFeature(k, v, f, out);
        if (nv !== v) {
          (changed ??= {})[k] = nv;
          if (typeof v === 'number' && !Number.isSafeInteger(v)) rawSafe = false;
        }
      }
      if (matched < features.size) {
        for (const [name, f] of features) {
          if (name in fr) continue;
          if (f.spec.nullable) (changed ??= {})[name] = null;
          else out.push({ field: `features.${name}`, kind: 'missing_feature', expected: f.spec.type, got: 'nothing' });
        }
      }
      feats = changed === null ? (fr as Record<string, number | string | boolean | null>) : { ...(fr as Record<string, number | string | boolean | null>), ...changed };
    }

    if (out.length > 0) return { ok: false, violations: out };
    return {
      ok: true,
      rawSafe,
      value: {
        id: id as string,
        model: model.id,
        version: version as string,
        ts: ts as number,
        features: feats,
        prediction,
        score,
        scores,
        latency_ms: latency,
        batch_size: batchSize,
        segment,
        feature_ts: featureTs,
      },
    };
  }
  return { model, check };
}
