import type { DemoModel, Sample } from './model-types.ts';
import { DEMO_MODELS } from './models.ts';
import { Rng } from './prng.ts';
import { incidentsAt } from './schedule.ts';
import { iso, type FeatureValue, type Label, type Prediction } from './wire.ts';

/** Share of predictions sent with one deliberate schema violation, for the data-quality views. */
export const VIOLATION_SHARE = 0.005;

/** Traffic is a little higher in the (UTC) afternoon than at night, so throughput charts have a shape. */
export function diurnalFactor(t: number): number {
  const hour = (t % 86_400_000) / 3_600_000;
  return 1 + 0.25 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

/**
 * Breaks one feature the way real upstream bugs do: a category the model never saw, a null
 * where none is allowed, a value out of range, or a string in a numeric column.
 */
export function injectViolation(rng: Rng, model: DemoModel, features: Record<string, FeatureValue>): string {
  const spec = rng.pick(model.spec.schema.features.filter((f) => f.type !== 'boolean'));
  if (spec.type === 'categorical') {
    features[spec.name] = model.unseen[spec.name] ?? 'unknown';
    return 'unseen_category';
  }
  const mode = rng.int(0, 2);
  if (mode === 0 && !spec.nullable) {
    features[spec.name] = null;
    return 'missing_feature';
  }
  if (mode === 1) {
    features[spec.name] = (spec.min ?? 0) - 1;
    return 'out_of_range';
  }
  features[spec.name] = 'n/a';
  return 'wrong_type';
}

export interface TrafficSlice {
  predictions: Prediction[];
  /** labels may lie in the future of the slice: the runner holds them back until their `ts` */
  labels: Label[];
}

function toPrediction(model: DemoModel, id: string, version: string, ts: number, s: Sample): Prediction {
  const p: Prediction = { id, model: model.spec.id, version, ts: iso(ts), features: s.features, prediction: s.prediction };
  if (s.score !== undefined) p.score = s.score;
  if (s.scores !== undefined) p.scores = s.scores;
  p.latency_ms = s.latencyMs;
  if (s.batchSize !== undefined) p.batch_size = s.batchSize;
  p.segment = s.segment;
  if (s.featureLagMs !== undefined) p.feature_ts = iso(ts - s.featureLagMs);
  return p;
}

/**
 * The predictions of one model in one wall-clock second (`sec` = epoch seconds) at `rate`
 * predictions per second over all models. Deterministic in (seed, model, sec, rate).
 */
export function modelSecond(seed: number, model: DemoModel, sec: number, rate: number, out: TrafficSlice): void {
  const n = Rng.for(seed, 'count', model.spec.id, sec).poisson(rate * model.share * diurnalFactor(sec * 1000));
  for (let i = 0; i < n; i++) {
    // one stream per record: record i of a second is the same at any rate, so a backfill that
    // overlaps what an earlier run streamed re-sends identical records, which the server de-duplicates
    const rng = Rng.for(seed, 'traffic', model.spec.id, sec, i);
    const ts = sec * 1000 + Math.floor(rng.next() * 1000);
    const incidents = incidentsAt(ts);
    const sample = model.sample(rng, ts, incidents);
    const version = model.versionAt(rng, ts, incidents);
    const id = `${model.short}-${seed.toString(36)}-${sec.toString(36)}-${i}`;
    const broken = rng.chance(VIOLATION_SHARE);
    if (broken) injectViolation(rng, model, sample.features);
    out.predictions.push(toPrediction(model, id, version, ts, sample));
    // refused predictions never get a label; the others get one for a share, later
    if (!broken && rng.chance(model.labelShare)) {
      out.labels.push({ prediction_id: id, model: model.spec.id, label: sample.label, ts: iso(ts + sample.labelDelayMs) });
    }
  }
}

/** All models' traffic for the whole seconds in [fromMs, toMs). */
export function trafficBetween(seed: number, fromMs: number, toMs: number, rate: number): TrafficSlice {
  const out: TrafficSlice = { predictions: [], labels: [] };
  for (let sec = Math.ceil(fromMs / 1000); sec * 1000 < toMs; sec++) {
    for (const model of DEMO_MODELS) modelSecond(seed, model, sec, rate, out);
  }
  return out;
}
