import { chooseMethod, streamingVerdict, VigilError, type FeatureProfile } from '@vigil/core';
import type { HistogramRow, RollupQuery, ValueCountRow } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';
import { currentOf, driftConfigOf, pickReference, streamAnswer, windowGrid } from './get-drift.ts';

export interface SegmentDrift {
  value: string;
  count: number;
  traffic_share: number;
  drifted_features: number;
  features_with_data: number;
  drift_share: number | null;
  statistic: number | null;
  drifted: boolean | null;
  /** How much the feature's drift statistic over the whole window drops when this value's traffic is left out. */
  contribution: number | null;
}

export interface SegmentDriftResult {
  model: string;
  segment: string;
  feature: string | null;
  window: { from: number; to: number };
  reference: string | null;
  values: SegmentDrift[];
}

/**
 * Drift per value of one segment, from the streaming histograms (a value's traffic against the
 * reference), and each value's leave-one-out contribution to the chosen feature's drift.
 * Features whose method needs raw values, or whose verdict the bound leaves open, are not counted.
 */
export async function getDriftSegments({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; segment: string; feature: string | null; from: number; to: number; version: string | null; reference: string | null } }): Promise<SegmentDriftResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  if (!model.schema.segments.includes(input.segment)) {
    throw new VigilError('validation_failed', `model ${model.id} has no segment ${input.segment}`, { details: [{ field: 'segment', message: `segments are ${model.schema.segments.join(', ') || 'none'}` }] });
  }
  if (input.feature !== null && !model.schema.features.some((f) => f.name === input.feature)) {
    throw new VigilError('validation_failed', `model ${model.id} has no feature ${input.feature}`, { details: [{ field: 'feature', message: `features are ${model.schema.features.map((f) => f.name).join(', ')}` }] });
  }
  const grid = windowGrid(input.from, input.to, null);
  const result: SegmentDriftResult = { model: model.id, segment: input.segment, feature: input.feature, window: { from: grid.from, to: grid.to }, reference: null, values: [] };
  const ref = await pickReference(ctx, model, input.reference, input.version);
  if (!ref) return result;
  result.reference = ref.version;
  const config = await driftConfigOf(ctx, model.id);
  const key = `segment.${input.segment}`;
  const q: RollupQuery = { from: grid.from, to: grid.to, stepMs: grid.step, models: [model.id], versions: input.version === null ? null : [input.version], segments: {}, groupBy: [key], filters: {} };
  const [counts, feats] = await Promise.all([ctx.stores.events.readDriftCounts(model.id, q), ctx.stores.events.queryFeatures({ ...q, groupBy: [key, 'feature'] })]);
  const { specs, histograms: hist, values: vals } = counts;
  // each segment value becomes one "bucket", so a subset of values is a subset of buckets
  const values = [...new Set([...feats, ...hist, ...vals].map((r) => r.group[key] ?? ''))].sort();
  const index = new Map(values.map((v, i) => [v, i]));
  const asSeg = <T extends { group: Record<string, string>; bucket: number }>(rows: T[]): T[] => rows.map((r) => ({ ...r, bucket: index.get(r.group[key] ?? '') as number }));
  const segHist = mergeBins(asSeg(hist)), segVals: ValueCountRow[] = asSeg(vals);
  const traffic = new Map<string, number>();
  for (const r of feats) if (r.feature === model.schema.features[0]?.name) traffic.set(r.group[key] ?? '', (traffic.get(r.group[key] ?? '') ?? 0) + r.count);
  const all = [...traffic.values()].reduce((a, b) => a + b, 0);

  const perFeature = model.schema.features.flatMap((f) => {
    const p: FeatureProfile | undefined = ref.features[f.name];
    if (!p || f.type === 'text') return [];
    return [{ f, p, cur: currentOf(f.name, segHist, segVals) }];
  });
  const everyIndex = values.map((_, i) => i);
  // the test statistic for every method (for p-value tests too: contributions compare statistics)
  const statOf = (a: ReturnType<typeof streamAnswer>) => (a && a.status === 'ok' ? a.statistic : null);

  result.values = values.map((value, i) => {
    let drifted = 0, decided = 0;
    let statistic: number | null = null, verdict: boolean | null = null, contribution: number | null = null;
    for (const { f, p, cur } of perFeature) {
      const used = p.kind === 'numeric' && p.binning === 'quantiles'
        ? [...(cur.bins.get(i)?.values() ?? [])].reduce((a, x) => a + x.count, 0)
        : [...(cur.values.get(i)?.values() ?? [])].reduce((a, x) => a + x, 0);
      // distinct values of the reference and this segment's traffic together, as getDrift counts them
      const distinct = p.kind === 'numeric' && p.binning === 'quantiles'
        ? p.distinct
        : new Set([...Object.keys(p.values), ...[...(cur.values.get(i)?.keys() ?? [])].map((k) => (p.kind === 'numeric' ? String(Number(k)) : k))]).size;
      const choice = chooseMethod({ name: f.name, kind: p.kind, referenceRows: p.used, currentRows: used, distinctValues: distinct }, config);
      if (choice.status !== 'ok') continue;
      const a = streamAnswer(choice.method, p, cur, [i], specs[f.name]);
      const v = a && a.status === 'ok' ? streamingVerdict(choice.method, a, choice.threshold) : null;
      if (v !== null) { decided++; if (v) drifted++; }
      if (f.name === input.feature) {
        const s = statOf(a);
        statistic = s !== null && Number.isFinite(s) ? s : null;
        verdict = v;
        const whole = statOf(streamAnswer(choice.method, p, cur, everyIndex, specs[f.name]));
        const without = statOf(streamAnswer(choice.method, p, cur, everyIndex.filter((j) => j !== i), specs[f.name]));
        contribution = whole !== null && without !== null && Number.isFinite(whole - without) ? whole - without : null;
      }
    }
    const count = traffic.get(value) ?? 0;
    return { value, count, traffic_share: all > 0 ? count / all : 0, drifted_features: drifted, features_with_data: decided, drift_share: decided > 0 ? drifted / decided : null, statistic, drifted: verdict, contribution };
  }).sort((a, b) => (b.contribution ?? -Infinity) - (a.contribution ?? -Infinity) || b.count - a.count);
  return result;
}

/**
 * One row per segment value, feature and bin: the rows of every hour of the window summed (each
 * segment value stands for one "bucket", and currentOf keeps one row per bucket and bin).
 */
function mergeBins(rows: HistogramRow[]): HistogramRow[] {
  const out = new Map<string, HistogramRow>();
  for (const r of rows) {
    const k = JSON.stringify([r.bucket, r.feature, r.bin]);
    const m = out.get(k);
    if (!m) { out.set(k, { ...r }); continue; }
    m.count += r.count;
    if (r.min !== null && (m.min === null || r.min < m.min)) m.min = r.min;
    if (r.max !== null && (m.max === null || r.max > m.max)) m.max = r.max;
  }
  return [...out.values()];
}
