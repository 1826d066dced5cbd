// A model's health over a time range, from signals the overview already has. Pure: the caller
// gathers the numbers and passes the clock in.
//
// Rules (docs/dashboards.md, "Health"); each one that fires adds a reason with its numbers, and
// the worst status wins (problem > warning > healthy):
// - no predictions in the range: no_data ("no predictions in the range"), whatever else is seen,
//   since every ratio below is per prediction;
// - error and fatal logs / predictions: above 5% problem, above 1% warning;
// - quality violations / predictions: above 5% problem, above 1% warning;
// - p99 latency of the range's latest part (its last hour, or last quarter when shorter)
//   / the p99 of the rest of the range: above 2× problem, above 1.5× warning; only with latency
//   data in both (a regression shows against the model's own recent past);
// - the model's last deployment failed: problem; it was rolled back within the range: warning;
// - the range ends now and the last prediction is more than 15 minutes old: warning.
// Every comparison is strict: exactly 1% is healthy.

export const HEALTH_STATUSES = ['healthy', 'warning', 'problem', 'no_data'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface ModelHealth {
  status: HealthStatus;
  /** Why, in words with the numbers; empty when healthy. */
  reasons: string[];
}

export interface HealthSignals {
  /** Predictions in the range. */
  predictions: number;
  /** When the latest prediction in the range was seen (epoch ms, to the minute), or null. */
  lastSeenMs: number | null;
  nowMs: number;
  /** Logs at level error or fatal in the range. */
  errorLogs: number;
  qualityViolations: number;
  recentLatencyP99: number | null;
  /** p99 over the rest of the range, before its latest part. */
  baselineLatencyP99: number | null;
  lastDeployment: { outcome: string; started_at: string } | null;
}

export interface HealthThresholds {
  /** Share of predictions; above warning → warning, above problem → problem. */
  errorRate: { warning: number; problem: number };
  violationRate: { warning: number; problem: number };
  /** p99 over the previous window's p99. */
  latencyRatio: { warning: number; problem: number };
  /** Quiet time, when the range ends now, before a model with traffic counts as silent. */
  silenceMs: number;
}

export const HEALTH_THRESHOLDS: HealthThresholds = {
  errorRate: { warning: 0.01, problem: 0.05 },
  violationRate: { warning: 0.01, problem: 0.05 },
  latencyRatio: { warning: 1.5, problem: 2 },
  silenceMs: 15 * 60_000,
};

/** A range whose end is within this of now "ends now" (clients round `now`). */
export const ENDS_NOW_TOLERANCE_MS = 60_000;

export interface HealthOptions {
  /** The range, epoch ms, [from, to). */
  from: number;
  to: number;
  thresholds?: HealthThresholds;
}

type Level = 'healthy' | 'warning' | 'problem';
const RANK: Record<Level, number> = { healthy: 0, warning: 1, problem: 2 };

/** A percentage with enough decimals that it never reads as equal to the limit it passed. */
function pct(ratio: number, limit: number): string {
  for (const digits of [1, 2, 3]) {
    const text = (ratio * 100).toFixed(digits);
    if (Number(text) > limit * 100) return `${text}%`;
  }
  return `${(ratio * 100).toPrecision(6)}%`;
}
const limitPct = (limit: number): string => `${Number((limit * 100).toFixed(3))}%`;
const times = (x: number): string => `${Number(x.toFixed(2))}×`;
const ms = (x: number): string => `${Number(x.toFixed(x < 10 ? 2 : 0))} ms`;

export function modelHealth(s: HealthSignals, opts: HealthOptions): ModelHealth {
  const th = opts.thresholds ?? HEALTH_THRESHOLDS;
  if (s.predictions <= 0) return { status: 'no_data', reasons: ['no predictions in the range'] };
  let level: Level = 'healthy';
  const reasons: string[] = [];
  const flag = (l: Level, reason: string) => {
    if (RANK[l] > RANK[level]) level = l;
    reasons.push(reason);
  };
  const rate = (count: number, what: string, limits: { warning: number; problem: number }) => {
    const r = count / s.predictions;
    if (r > limits.problem) flag('problem', `${what} are ${pct(r, limits.problem)} of predictions (>${limitPct(limits.problem)}; ${count} in ${s.predictions})`);
    else if (r > limits.warning) flag('warning', `${what} are ${pct(r, limits.warning)} of predictions (>${limitPct(limits.warning)}; ${count} in ${s.predictions})`);
  };
  rate(s.errorLogs, 'error logs', th.errorRate);
  rate(s.qualityViolations, 'quality violations', th.violationRate);

  if (s.recentLatencyP99 !== null && s.baselineLatencyP99 !== null && s.baselineLatencyP99 > 0) {
    const r = s.recentLatencyP99 / s.baselineLatencyP99;
    const what = `recent p99 latency is ${times(r)} the rest of the range's (${ms(s.recentLatencyP99)} vs ${ms(s.baselineLatencyP99)}`;
    if (r > th.latencyRatio.problem) flag('problem', `${what}; >${times(th.latencyRatio.problem)})`);
    else if (r > th.latencyRatio.warning) flag('warning', `${what}; >${times(th.latencyRatio.warning)})`);
  }

  const d = s.lastDeployment;
  if (d?.outcome === 'failed') flag('problem', `the last deployment failed (started ${d.started_at})`);
  else if (d?.outcome === 'rolled_back') {
    const started = Date.parse(d.started_at);
    if (started >= opts.from && started < opts.to) flag('warning', `the last deployment was rolled back (started ${d.started_at})`);
  }

  if (opts.to >= s.nowMs - ENDS_NOW_TOLERANCE_MS && s.lastSeenMs !== null) {
    const quiet = s.nowMs - s.lastSeenMs;
    if (quiet > th.silenceMs) flag('warning', `no traffic for ${Math.floor(quiet / 60_000)} min (>${Math.round(th.silenceMs / 60_000)} min)`);
  }
  return { status: level, reasons };
}

/** A firing alert on a model, as the overview sees it. */
export interface FiringAlert {
  name: string;
  severity: string;
}

/**
 * Health of a model that has alert rules: the alerts decide it, so colour and alerts agree
 * (docs/alerts.md, "Health"). A firing critical alert is a problem, a firing warning a warning,
 * each with the alert's name as its reason; info alerts do not colour. Without predictions in the
 * range and nothing firing, the model still shows no_data.
 */
export function alertHealth(firing: readonly FiringAlert[], predictions: number): ModelHealth {
  let level: Level = 'healthy';
  const reasons: string[] = [];
  const levelOf = (a: FiringAlert): Level | null => (a.severity === 'critical' ? 'problem' : a.severity === 'warning' ? 'warning' : null);
  // the most severe first, then by name: the same reasons in the same order whatever order the store lists them in
  const ordered = [...firing].sort((a, b) => (RANK[levelOf(b) ?? 'healthy'] - RANK[levelOf(a) ?? 'healthy']) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const a of ordered) {
    const l = levelOf(a);
    if (l === null) continue;
    if (RANK[l] > RANK[level]) level = l;
    reasons.push(`alert firing: ${a.name} (${a.severity})`);
  }
  if (level === 'healthy' && predictions <= 0) return { status: 'no_data', reasons: ['no predictions in the range'] };
  return { status: level, reasons };
}
