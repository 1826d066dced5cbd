// How a rule would have behaved over the last 7 days: its metric read through the query API as
// the caller (their model grants apply, the read is audited), then the pure state machine
// replayed step by step on each series. Nothing is stored and nothing is sent.
import { initialAlertState, nextAlertState, notificationKey, outcomeOf, type AlertRule, type AlertState } from '@vigil/core';
import type { Actor, ServiceContext } from '../context.ts';
import type { Notification } from '../notify/notification.ts';
import { historySteps, metricQueryOf, stepEnd, stepOf, valuesOf } from './alert-series.ts';
import { notificationOf } from './evaluate-alerts.ts';
import { queryMetric } from './query-metric.ts';

const WEEK = 7 * 86_400_000;

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
  const answer = await queryMetric({ ctx, actor, input: metricQueryOf(rule, readFrom, to, step) });
  const series = answer.series.map((s) => replay(rule, s.labels, s.points, step, from));
  return { from, to, step_ms: step, series, ...(answer.note ? { note: answer.note } : {}) };
}

function replay(rule: AlertRule, labels: Record<string, string>, points: [number, number | null][], step: number, from: number): PreviewSeries {
  const start = Math.max(0, points.findIndex(([t]) => t >= from));
  // performance_drop needs the version's baseline, not read here yet: its steps read as no data
  const values = valuesOf(rule, points, step, start);
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
