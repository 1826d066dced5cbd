// An alert rule as a document: what the API stores and the evaluator reads. Durations are epoch-ms
// integers. The condition is a discriminated union on `kind`; every kind other than `anomaly` and
// `absence` is a threshold over one value the evaluator computes (thresholdOf says which), so the
// state machine and outcomeOf treat them alike. docs/alerts.md describes every field.
import { z } from 'zod';
import { CATALOG_BY_NAME, type MetricDef } from '../query/catalog.ts';
import { DRIFT_METHOD_SPECS, DriftMethodSchema } from '../stats/drift/defaults.ts';
import { templateProblems } from './template.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const NO_DATA_STATES = ['no_data', 'ok', 'alerting'] as const;
export type NoDataState = (typeof NO_DATA_STATES)[number];

/** Shortest evaluation interval: the finest rollups are per minute, 10 s keeps logs/samples rules useful. */
export const MIN_EVALUATION_INTERVAL_MS = 10 * SECOND;

const Ms = (max: number, maxText: string) => z.number().int('must be a whole number of milliseconds').min(0, 'must be 0 or more milliseconds').max(max, `must be at most ${maxText}`);
const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must start with a letter or digit and hold only letters, digits, _ . : -');
// Prometheus label names, so rules export to Alertmanager unchanged
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const Finite = z.number().finite();

export const ThresholdOpSchema = z.enum(['above', 'below']);
export type ThresholdOp = z.infer<typeof ThresholdOpSchema>;

/** `recovery` defaults to `value` (no hysteresis); it must lie on the clear side of `value`. */
const recoveryChecked = <T extends z.ZodRawShape>(shape: T, op: (c: any) => ThresholdOp | null) =>
  z.object(shape).strict().superRefine((c: any, ctx) => {
    const o = op(c);
    if (o === null || c.recovery === undefined || c.value === undefined) return;
    if (o === 'above' && c.recovery > c.value) ctx.addIssue({ code: 'custom', path: ['recovery'], message: `must be at or below value (${c.value}): the rule fires above ${c.value} and recovers at or below recovery` });
    if (o === 'below' && c.recovery < c.value) ctx.addIssue({ code: 'custom', path: ['recovery'], message: `must be at or above value (${c.value}): the rule fires below ${c.value} and recovers at or above recovery` });
  });

export const ThresholdConditionSchema = recoveryChecked({ kind: z.literal('threshold'), op: ThresholdOpSchema, value: Finite, recovery: Finite.optional() }, (c) => c.op);
export const DriftConditionSchema = recoveryChecked(
  {
    kind: z.literal('drift'),
    /** `feature`: drift.score of each feature; `share`: drift.share, the share of drifted features. */
    target: z.enum(['feature', 'share']),
    /** Required for `feature`: it decides the direction (p-values fire below, distances above) and the default value. */
    method: DriftMethodSchema.optional(),
    value: Finite.optional(),
    recovery: Finite.optional(),
  },
  (c) => driftOp(c),
);
export const PerformanceDropConditionSchema = recoveryChecked(
  {
    kind: z.literal('performance_drop'),
    source: z.enum(['realized', 'estimated']),
    /** `absolute`: baseline − live in the metric's unit; `relative`: that drop ÷ |baseline|. Worse is positive either way. */
    mode: z.enum(['absolute', 'relative']).default('absolute'),
    value: z.number().finite().positive('must be a positive drop: how much worse than the baseline fires'),
    recovery: z.number().finite().min(0).optional(),
  },
  () => 'above',
);
export const ErrorRateConditionSchema = recoveryChecked({ kind: z.literal('error_rate'), value: z.number().min(0).max(1), recovery: z.number().min(0).max(1).optional() }, () => 'above');
export const StalenessConditionSchema = recoveryChecked({ kind: z.literal('staleness'), value: z.number().finite().min(0), recovery: z.number().finite().min(0).optional() }, () => 'above');

export const AnomalyConditionSchema = z
  .object({
    kind: z.literal('anomaly'),
    method: z.enum(['seasonal', 'ewma']),
    /** Robust z-score above which a point is anomalous; higher means fewer alarms (docs/alerts.md). */
    sensitivity: z.number().finite().min(1).max(20).default(4),
    direction: z.enum(['above', 'below', 'both']).default('both'),
    /** seasonal: length of one season (the step must divide it). */
    season: Ms(30 * DAY, '30 days').min(HOUR, 'must be at least 1 hour').optional(),
    /** seasonal: how many past seasons (days, by default) at the same phase form the baseline. */
    lookback_seasons: z.number().int().min(2).max(56).optional(),
    /** ewma: weight of the newest point, in (0, 1). */
    alpha: z.number().gt(0).lt(1).optional(),
    /** Fewest past points (seasonal: same-phase points) needed to score at all. */
    min_history: z.number().int().min(2).max(10_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const only = c.method === 'seasonal' ? ['alpha'] : ['season', 'lookback_seasons'];
    for (const k of only) if ((c as Record<string, unknown>)[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `applies to method ${c.method === 'seasonal' ? 'ewma' : 'seasonal'} only` });
    if (c.method === 'seasonal' && c.min_history !== undefined && c.min_history > (c.lookback_seasons ?? 7)) {
      ctx.addIssue({ code: 'custom', path: ['min_history'], message: `must be at most lookback_seasons (${c.lookback_seasons ?? 7}): there are no more same-phase points` });
    }
  });
export const AbsenceConditionSchema = z.object({ kind: z.literal('absence'), duration: Ms(7 * DAY, '7 days').min(MINUTE, 'must be at least 1 minute') }).strict();

export const AlertConditionSchema = z.discriminatedUnion('kind', [
  ThresholdConditionSchema, AnomalyConditionSchema, AbsenceConditionSchema, DriftConditionSchema,
  PerformanceDropConditionSchema, ErrorRateConditionSchema, StalenessConditionSchema,
]);
export type AlertCondition = z.infer<typeof AlertConditionSchema>;
export type AlertKind = AlertCondition['kind'];

function driftOp(c: { target: 'feature' | 'share'; method?: z.infer<typeof DriftMethodSchema> }): ThresholdOp | null {
  if (c.target === 'share') return 'above';
  if (!c.method) return null;
  return DRIFT_METHOD_SPECS[c.method].score === 'p_value' ? 'below' : 'above';
}

/** The catalogue metrics each thin kind reads; anomaly, threshold and absence read any. */
export const METRICS_OF_KIND: Partial<Record<AlertKind, readonly string[]>> = {
  error_rate: ['errors.rate', 'performance.error_rate'],
  staleness: ['predictions.stale_share', 'feature_age.p50', 'feature_age.p99'],
  performance_drop: ['performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr', 'performance.mae', 'performance.rmse'],
};
/** Label-free estimation (CBPE) covers the classification metrics only. */
const ESTIMATED = ['performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr'];
/** Performance metrics where a larger value is worse. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['performance.error_rate', 'performance.fpr', 'performance.fnr', 'performance.mae', 'performance.rmse']);

const matches = (allowed: readonly string[], key: string): boolean =>
  allowed.includes(key) || (key.startsWith('segment.') && allowed.includes('segment.<name>')) || (key.startsWith('label.') && allowed.includes('label.<name>'));
const filterKeysOf = (m: MetricDef): string[] => m.filters.filter((f) => f !== 'model' && f !== 'version');

export const RetrainSchema = z.object({ channel: Id, cooldown: Ms(30 * DAY, '30 days').min(MINUTE, 'must be at least 1 minute').default(DAY) }).strict();

export const AlertRuleSchema = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(200),
    metric: z.string().refine((m) => CATALOG_BY_NAME.has(m), { error: (i) => `unknown metric ${JSON.stringify(i.input)}: one of ${[...CATALOG_BY_NAME.keys()].join(', ')}` }),
    model: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(100)]).optional(),
    version: z.string().min(1).max(64).optional(),
    filters: z.record(z.string().min(1).max(100), z.string().max(200)).default({}),
    group_by: z.array(z.string().min(1).max(100)).max(10).default([]),
    condition: AlertConditionSchema,
    severity: z.enum(ALERT_SEVERITIES).default('warning'),
    for: Ms(7 * DAY, '7 days').default(0),
    keep_firing_for: Ms(7 * DAY, '7 days').default(0),
    evaluation_interval: Ms(DAY, '1 day').min(MIN_EVALUATION_INTERVAL_MS, 'must be at least 10000 ms (10 s)').default(MINUTE),
    renotify_interval: Ms(30 * DAY, '30 days').min(MINUTE, 'must be at least 60000 ms (1 minute)').nullable().default(null),
    labels: z.record(z.string(), z.string().max(1024)).default({}),
    annotations: z.record(z.string(), z.string().max(4096)).default({}),
    runbook_url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048).optional(),
    no_data_state: z.enum(NO_DATA_STATES).default('no_data'),
    channels: z.array(Id).max(20).default([]),
    retrain: RetrainSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const m = CATALOG_BY_NAME.get(r.metric);
    if (!m) return;
    for (const k of ['model', 'version'] as const) {
      if (r[k] !== undefined && !m.filters.includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${m.name} cannot be filtered by ${k}` });
    }
    r.group_by.forEach((g, i) => {
      if (!matches(m.group_by, g)) ctx.addIssue({ code: 'custom', path: ['group_by', i], message: `${m.name} cannot be grouped by "${g}"; allowed: ${m.group_by.join(', ') || 'nothing'}` });
    });
    const keys = filterKeysOf(m);
    for (const k of Object.keys(r.filters)) {
      if (!matches(keys, k)) ctx.addIssue({ code: 'custom', path: ['filters', k], message: `${m.name} cannot be filtered by "${k}"; allowed: ${keys.join(', ') || 'nothing'}` });
    }
    if (m.source === 'samples' && !r.filters.name) ctx.addIssue({ code: 'custom', path: ['filters', 'name'], message: 'required for metric "samples": the sample name to read' });
    for (const field of ['labels', 'annotations'] as const) {
      for (const [k, v] of Object.entries(r[field])) {
        if (!LABEL_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [field, k], message: 'must be a label name: a letter or _, then up to 99 letters, digits or _' });
        for (const message of templateProblems(v)) ctx.addIssue({ code: 'custom', path: [field, k], message });
      }
    }
    const c = r.condition;
    const allowed = METRICS_OF_KIND[c.kind];
    if (c.kind === 'drift') {
      const want = c.target === 'share' ? 'drift.share' : 'drift.score';
      if (r.metric !== want) ctx.addIssue({ code: 'custom', path: ['metric'], message: `a drift rule on target "${c.target}" reads ${want}` });
      if (c.target === 'feature' && !c.method) ctx.addIssue({ code: 'custom', path: ['condition', 'method'], message: 'required for target "feature": it decides whether the score is a p-value (fires below) or a distance (fires above)' });
      if (c.target === 'share' && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['condition', 'value'], message: 'required for target "share": the share of drifted features, in [0, 1], above which the rule fires' });
      // a share and a p-value live in [0, 1]: a threshold outside never fires (or always does)
      if (c.target === 'share' || (c.method && DRIFT_METHOD_SPECS[c.method].score === 'p_value')) {
        for (const k of ['value', 'recovery'] as const) {
          const v = c[k];
          if (v !== undefined && (v < 0 || v > 1)) ctx.addIssue({ code: 'custom', path: ['condition', k], message: `must be in [0, 1]: ${c.target === 'share' ? 'a share of drifted features' : 'a p-value'}` });
        }
      }
    } else if (allowed && !allowed.includes(r.metric)) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: `a ${c.kind} rule reads one of ${allowed.join(', ')}` });
    }
    if (c.kind === 'performance_drop' && c.source === 'estimated' && !ESTIMATED.includes(r.metric)) {
      ctx.addIssue({ code: 'custom', path: ['condition', 'source'], message: `estimated values exist for ${ESTIMATED.join(', ')} only (label-free estimation covers classifiers)` });
    }
  });
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleInput = z.input<typeof AlertRuleSchema>;

/** What a threshold-like rule compares: fires when the value is beyond `value`, clears at or past `recovery`. */
export interface EffectiveThreshold {
  op: ThresholdOp;
  value: number;
  recovery: number;
}

/**
 * The threshold a rule's condition amounts to, over the value the evaluator feeds it: the metric
 * itself, except performance_drop (the degradation against the baseline, performanceDrop) and
 * anomaly (the anomaly score). null for absence, which is decided on the presence of data.
 */
export function thresholdOf(c: AlertCondition): EffectiveThreshold | null {
  switch (c.kind) {
    case 'absence':
      return null;
    case 'anomaly':
      return { op: 'above', value: c.sensitivity, recovery: c.sensitivity };
    case 'threshold':
      return { op: c.op, value: c.value, recovery: c.recovery ?? c.value };
    case 'drift': {
      const op = driftOp(c) ?? 'above';
      const value = c.value ?? (c.method ? DRIFT_METHOD_SPECS[c.method].defaultThreshold : 0);
      return { op, value, recovery: c.recovery ?? value };
    }
    default:
      return { op: 'above', value: c.value, recovery: c.recovery ?? c.value };
  }
}

/** How much worse the live value is than the version's baseline: positive is worse, for either direction of metric. */
export function performanceDrop(metric: string, live: number, baseline: number, mode: 'absolute' | 'relative'): number | null {
  if (!Number.isFinite(live) || !Number.isFinite(baseline)) return null;
  const drop = LOWER_IS_BETTER.has(metric) ? live - baseline : baseline - live;
  if (mode === 'absolute') return drop;
  return baseline === 0 ? null : drop / Math.abs(baseline);
}
