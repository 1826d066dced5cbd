import { HOUR } from './model-types.ts';
import { clamp, round, Rng } from './prng.ts';
import { MINUTE } from './schedule.ts';
import { iso, type PipelineRun, type TrainingRun } from './wire.ts';

/**
 * Pipeline and training runs are sent as events: a `running` record when a stage or run starts
 * and a final one (`succeeded`, `failed`, `skipped`) when it ends. A window [from, to) gets the
 * events whose own time (start for `running`, end otherwise) falls inside it.
 */

interface PipelineDef {
  pipeline: string;
  model: string;
  everyMs: number;
  offsetMs: number;
  rows: number;
  stageMs: [number, number];
  failShare: number;
}

export const PIPELINES: readonly PipelineDef[] = [
  { pipeline: 'fraud-features-hourly', model: 'fraud-detector', everyMs: HOUR, offsetMs: 5 * MINUTE, rows: 1_200_000, stageMs: [60_000, 300_000], failShare: 0.12 },
  { pipeline: 'eta-features-15m', model: 'eta-regressor', everyMs: 15 * MINUTE, offsetMs: 2 * MINUTE, rows: 80_000, stageMs: [20_000, 90_000], failShare: 0.05 },
  { pipeline: 'intent-training-data-daily', model: 'intent-router', everyMs: 24 * HOUR, offsetMs: HOUR, rows: 3_500_000, stageMs: [300_000, 900_000], failShare: 0.1 },
];
const STAGES = ['extract', 'transform', 'load'] as const;

const stamp = (t: number) => iso(t).slice(0, 16).replace(/[-:]/g, '');
const inWindow = (t: number, from: number, to: number) => t >= from && t < to;

/** The stage records of one run, both events of each stage, in order. */
export function pipelineRun(seed: number, def: PipelineDef, start: number): PipelineRun[] {
  const rng = Rng.for(seed, 'pipeline', def.pipeline, start);
  const runId = `${def.pipeline}-${stamp(start)}`;
  const failAt = rng.chance(def.failShare) ? rng.int(0, 2) : -1;
  const out: PipelineRun[] = [];
  let t = start;
  let rows = Math.round(def.rows * rng.uniform(0.85, 1.15));
  for (let i = 0; i < STAGES.length; i++) {
    const base = { pipeline: def.pipeline, run_id: runId, stage: STAGES[i] as string, model: def.model };
    if (failAt >= 0 && i > failAt) {
      out.push({ ...base, status: 'skipped', started_at: iso(t), ended_at: iso(t) });
      continue;
    }
    const dur = Math.round(rng.uniform(def.stageMs[0], def.stageMs[1]));
    const failed = i === failAt;
    const rowsOut = failed ? 0 : Math.round(rows * (i === 1 ? rng.uniform(0.97, 0.995) : 1));
    const nullRate = round(clamp(rng.normal(0.004, 0.002), 0, 1), 4);
    out.push({ ...base, status: 'running', started_at: iso(t), rows_in: rows });
    out.push({
      ...base,
      status: failed ? 'failed' : 'succeeded',
      started_at: iso(t),
      ended_at: iso(t + dur),
      rows_in: rows,
      rows_out: rowsOut,
      bytes: rowsOut * 310,
      // batch checks in the structured form of docs/data-quality.md
      quality: failed
        ? { checks: [i === 0
          ? { name: 'source_ready', status: 'failed', value: null, expected: 'ready', message: 'source table not ready after 3 retries' }
          : { name: 'null_rate.merchant_id', status: 'failed', value: 0.071, expected: '<= 0.05', message: 'null rate of merchant_id above 5%' }] }
        : { checks: [{ name: 'null_rate', status: 'passed', value: nullRate, expected: '<= 0.05' }], duplicate_rows: rng.int(0, 40) },
      schema_checks: { checks: [{ name: 'columns_match', status: failed && i > 0 ? 'failed' : 'passed', value: failed && i > 0 ? '17 of 18' : '18 of 18', expected: '18 of 18' }] },
    });
    t += dur;
    rows = rowsOut;
  }
  return out;
}

const eventTime = (r: { status: string; started_at: string; ended_at?: string }) => Date.parse(r.status === 'running' ? r.started_at : (r.ended_at ?? r.started_at));

export function pipelineRunsBetween(seed: number, from: number, to: number): PipelineRun[] {
  const out: PipelineRun[] = [];
  for (const def of PIPELINES) {
    const longest = 3 * def.stageMs[1];
    for (let s = Math.floor((from - longest - def.offsetMs) / def.everyMs) * def.everyMs + def.offsetMs; s < to; s += def.everyMs) {
      for (const r of pipelineRun(seed, def, s)) if (inWindow(eventTime(r), from, to)) out.push(r);
    }
  }
  return out;
}

interface TrainingDef {
  model: string;
  everyMs: number;
  offsetMs: number;
  steps: number;
  baseAccuracy: number;
  params: (rng: Rng) => Record<string, unknown>;
}

export const TRAININGS: readonly TrainingDef[] = [
  { model: 'fraud-detector', everyMs: 2 * HOUR, offsetMs: 40 * MINUTE, steps: 60, baseAccuracy: 0.955, params: (r) => ({ algorithm: 'xgboost', learning_rate: r.pick([0.03, 0.05, 0.1]), max_depth: r.int(4, 9), n_estimators: r.pick([300, 500, 800]) }) },
  { model: 'intent-router', everyMs: 3 * HOUR, offsetMs: 10 * MINUTE, steps: 40, baseAccuracy: 0.91, params: (r) => ({ base_model: 'distilbert-base-multilingual', learning_rate: r.pick([2e-5, 3e-5, 5e-5]), batch_size: r.pick([16, 32]), epochs: r.int(2, 4), warmup_ratio: 0.1 }) },
  { model: 'eta-regressor', everyMs: 2 * HOUR, offsetMs: 100 * MINUTE, steps: 50, baseAccuracy: 0, params: (r) => ({ algorithm: 'lightgbm', learning_rate: r.pick([0.05, 0.1]), num_leaves: r.pick([31, 63, 127]), min_child_samples: r.int(10, 50) }) },
];

/** Both events of one training run: loss curves decay towards a floor, a diverging run fails. */
export function trainingRun(seed: number, def: TrainingDef, start: number): TrainingRun[] {
  const rng = Rng.for(seed, 'training', def.model, start);
  const runId = `train-${def.model}-${stamp(start)}`;
  const params = def.params(rng);
  const diverges = rng.chance(0.12);
  const duration = Math.round(rng.uniform(12, 28) * MINUTE);
  const train = rng.int(400_000, 600_000);
  const base = { run_id: runId, model: def.model, started_at: iso(start), params, dataset_sizes: { train, validation: Math.round(train * 0.15), test: Math.round(train * 0.15) } };
  const loss: [number, number][] = [];
  const valLoss: [number, number][] = [];
  const quality: [number, number][] = [];
  const floor = rng.uniform(0.12, 0.2);
  const steps = diverges ? Math.round(def.steps * rng.uniform(0.3, 0.6)) : def.steps;
  for (let s = 0; s < steps; s++) {
    const decay = Math.exp(-s / (def.steps / 5));
    const blowUp = diverges && s > steps / 2 ? (s - steps / 2) * 0.15 : 0;
    const l = floor + 0.9 * decay + blowUp + rng.normal(0, 0.01);
    loss.push([s, round(l, 4)]);
    valLoss.push([s, round(l + 0.03 + 0.02 * (1 - decay) * (s / def.steps) + rng.normal(0, 0.012), 4)]);
    const q = def.baseAccuracy > 0 ? clamp(def.baseAccuracy - 0.35 * decay - blowUp * 0.3 + rng.normal(0, 0.004), 0, 1) : 2.6 + 6 * decay + blowUp * 4 + rng.normal(0, 0.05);
    quality.push([s, round(q, 4)]);
  }
  const metrics = { loss, val_loss: valLoss, [def.baseAccuracy > 0 ? 'val_accuracy' : 'val_mae']: quality };
  return [
    { ...base, status: 'running' },
    { ...base, status: diverges ? 'failed' : 'succeeded', ended_at: iso(start + (diverges ? Math.round(duration / 2) : duration)), metrics },
  ];
}

export function trainingRunsBetween(seed: number, from: number, to: number): TrainingRun[] {
  const out: TrainingRun[] = [];
  for (const def of TRAININGS) {
    for (let s = Math.floor((from - HOUR - def.offsetMs) / def.everyMs) * def.everyMs + def.offsetMs; s < to; s += def.everyMs) {
      for (const r of trainingRun(seed, def, s)) if (inWindow(eventTime(r), from, to)) out.push(r);
    }
  }
  return out;
}
