// How a rule would have behaved over the last 7 days: its metric read through the query API as
// the caller (their model grants apply, the read is audited), then the pure state machine
// replayed step by step on each series. Nothing is stored and nothing is sent.
//
// A realized performance_drop compares each step with the version's baseline as the evaluator does
// (alert-series.ts, baselineOf: the series' version, else the rule's, else the one in production
// now). An estimated one is not replayed: the evaluator fits a reference before each evaluated step
// (estimate-performance.ts), which 7 days of steps would repeat over a thousand times; its steps read
// as no data, and the answer's note says so.
import { initialAlertState, nextAlertState, notificationKey, outcomeOf, type AlertRule, type AlertState } from '@vigil/core';
import type { Actor, ServiceContext } from '../context.ts';
import type { Notification } from '../notify/notification.ts';
import { notificationOf } from './alert-delivery.ts';
import { baselineOf, evaluatedMetricOf, historySteps, metricQueryOf, stepEnd, stepOf, valuesOf } from './alert-series.ts';
import { queryMetric } from './query-metric.ts';

const WEEK = 7 * 86_400_000;

export const ESTIMATED_NOTE =
  'performance_drop on estimated values is not previewed: each evaluated step fits its own reference for the label-free estimate, too costly to repeat for 7 days of steps; every step reads as no data. GET /api/v1/models/{id}/performance/estimate shows the estimate over a range.';

export interface PreviewSeries {
  labels: Record<string, string>;
  /** [step start, value the condition compared] for each step of the 7 days. */
  values: [number, number | null][];
  transitions: { at: number; from: string; to: string; value: number | null }[];
  notifications: (Pick<Notification, 'status' | 'value' | 'starts_at' | 'labels' | 'annotations'> & { kind: string; at: number; key: string })[];
  final: AlertState;
}

export interface Preview {
  from: number;
  to: number;
  step_ms: number;
  series: PreviewSeries[];
  note?: string;
}

export async function previewAlertRule({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { rule: AlertRule } }): Promise<Preview> {
  const { rule } = input;
  const now = ctx.clock.now();
  const step = stepOf(rule);
  const to = stepEnd(now, step);
  const from = to - Math.ceil(WEEK / step) * step;
  // the history the first step needs comes before the 7 days
  const readFrom = from - (historySteps(rule, step) - 1) * step;
  const c = rule.condition;
  const estimated = c.kind === 'performance_drop' && c.source === 'estimated';
  // the series the evaluator would step: an estimated drop's are those with predictions
  const answer = await queryMetric({ ctx, actor, input: metricQueryOf(rule, readFrom, to, step, evaluatedMetricOf(rule)) });
  const series: PreviewSeries[] = [];
  for (const s of answer.series) {
    const baseline = c.kind === 'performance_drop' && !estimated ? await baselineOf(ctx, rule, s.labels, now) : null;
    const points = estimated ? s.points.map(([t]): [number, number | null] => [t, null]) : s.points;
    series.push(replay(rule, s.labels, points, step, from, baseline));
  }
  const note = [answer.note, estimated ? ESTIMATED_NOTE : undefined].filter((n) => n !== undefined).join(' ');
  return { from, to, step_ms: step, series, ...(note ? { note } : {}) };
}

function replay(rule: AlertRule, labels: Record<string, string>, points: [number, number | null][], step: number, from: number, baseline: number | null): PreviewSeries {
  const start = Math.max(0, points.findIndex(([t]) => t >= from));
  const values = valuesOf(rule, points, step, start, baseline);
  let state: AlertState = initialAlertState(from);
  const out: PreviewSeries = { labels, values: [], transitions: [], notifications: [], final: state };
  values.forEach((value, j) => {
    const t = (points[start + j] as [number, number | null])[0];
    // each step is evaluated when it has fully elapsed, as the engine does
    const now = t + step;
    const prev = state;
    const r = nextAlertState(prev, { now, outcome: outcomeOf(rule, value, prev), value }, rule);
    state = r.state;
    out.values.push([t, value]);
    if (r.transition) out.transitions.push({ at: now, from: r.transition.from, to: r.transition.to, value: r.transition.value });
    if (r.notify) {
      const n = notificationOf(rule.id, rule, labels, r, now, prev.firingSince);
      out.notifications.push({ kind: r.notify, at: now, key: notificationKey(rule.id, labels, r) as string, status: n.status, value: n.value, starts_at: n.starts_at, labels: n.labels, annotations: n.annotations });
    }
  });
  out.final = state;
  return out;
}
