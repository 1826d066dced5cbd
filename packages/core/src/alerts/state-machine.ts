// The alert state machine: one pure step per evaluation of one series of one rule. The engine
// keeps the returned state, appends the transition to the history, and puts the notification in
// the outbox under notificationKey, so a retried step cannot send twice. Semantics (docs/alerts.md):
//
// - breach from ok / resolved / no_data / error starts an episode (activeSince = now): pending, or
//   firing at once when `for` is 0. pending becomes firing once now − activeSince >= for (exactly
//   `for` fires, as Prometheus). A clear while pending goes back to ok (flapping restarts the timer).
// - firing stays firing on breach and on 'recovering' (the value is between the threshold and the
//   recovery value: hysteresis). On clear it keeps firing until keep_firing_for has passed since
//   the first clear evaluation (Prometheus' KeepFiringSince), then resolves; a breach meanwhile
//   cancels the countdown. resolved becomes ok at the next clear evaluation, silently.
// - no_data follows the rule's no_data_state: 'ok' is a clear, 'alerting' a breach (so `for`
//   applies), 'no_data' moves to the no_data state. A firing alert whose data vanish resolves into
//   no_data (as a vanished Prometheus series resolves), after keep_firing_for like a clear.
// - error (the evaluation itself failed) moves to the error state, except that a firing alert stays
//   firing with the error noted: a failed query is no evidence that the condition cleared.
// - notify is 'firing' on entering firing, 'resolved' on leaving it, 'renotify' while firing once
//   renotify_interval has passed since the last notification; never more than one per step.
import { thresholdOf, type AlertRule } from './rule.ts';

export const ALERT_STATUSES = ['ok', 'pending', 'firing', 'resolved', 'no_data', 'error'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type Outcome = 'breach' | 'clear' | 'recovering' | 'no_data' | 'error';
export type Notify = 'firing' | 'resolved' | 'renotify';

export interface AlertState {
  status: AlertStatus;
  /** When the current status began: the start of the transition into it. */
  since: number;
  /** When the current episode's condition began to hold (pending or firing); null otherwise. */
  activeSince: number | null;
  /** When the alert last entered firing; kept through resolved so the history can pair them. */
  firingSince: number | null;
  /** First evaluation of the current keep_firing_for countdown; null while the condition holds. */
  keepFiringSince: number | null;
  /** Time of the last firing or renotify notification of this episode. */
  lastNotifiedAt: number | null;
  value: number | null;
  error: string | null;
}

export interface Transition {
  from: AlertStatus;
  to: AlertStatus;
  at: number;
  value: number | null;
  error?: string;
}

export interface StepInput {
  now: number;
  outcome: Outcome;
  value: number | null;
  error?: string;
}

export interface StepResult {
  state: AlertState;
  transition: Transition | null;
  notify: Notify | null;
}

/** The parts of a rule the state machine reads. */
export type StateRule = Pick<AlertRule, 'for' | 'keep_firing_for' | 'renotify_interval' | 'no_data_state'>;

export const initialAlertState = (now: number): AlertState => ({
  status: 'ok', since: now, activeSince: null, firingSince: null, keepFiringSince: null, lastNotifiedAt: null, value: null, error: null,
});

type Effective = 'breach' | 'clear' | 'recovering' | 'no_data' | 'error';

function effective(outcome: Outcome, rule: StateRule): Effective {
  if (outcome !== 'no_data') return outcome;
  if (rule.no_data_state === 'ok') return 'clear';
  if (rule.no_data_state === 'alerting') return 'breach';
  return 'no_data';
}

export function nextAlertState(prev: AlertState, input: StepInput, rule: StateRule): StepResult {
  const { now, value } = input;
  const o = effective(input.outcome, rule);
  const base: AlertState = { ...prev, value, error: o === 'error' ? (input.error ?? 'evaluation failed') : null };
  const to = (status: AlertStatus, patch: Partial<AlertState>, notify: Notify | null = null): StepResult => {
    const state: AlertState = { ...base, ...patch, status, since: now };
    const transition: Transition = { from: prev.status, to: status, at: now, value };
    if (state.error !== null) transition.error = state.error;
    return { state, transition, notify };
  };
  const stay = (patch: Partial<AlertState> = {}, notify: Notify | null = null): StepResult => ({ state: { ...base, ...patch }, transition: null, notify });

  if (prev.status === 'firing') {
    if (o === 'error') return stay({ error: base.error });
    const renotify = (patch: Partial<AlertState>): StepResult => {
      const due = rule.renotify_interval !== null && prev.lastNotifiedAt !== null && now - prev.lastNotifiedAt >= rule.renotify_interval;
      return due ? stay({ ...patch, lastNotifiedAt: now }, 'renotify') : stay(patch);
    };
    if (o === 'breach' || o === 'recovering') return renotify({ keepFiringSince: null });
    // clear or no_data: the condition no longer holds
    const since = prev.keepFiringSince ?? now;
    if (now - since < rule.keep_firing_for) return renotify({ keepFiringSince: since });
    const reset = { activeSince: null, keepFiringSince: null, lastNotifiedAt: null };
    return o === 'no_data' ? to('no_data', reset, 'resolved') : to('resolved', reset, 'resolved');
  }

  if (o === 'error') return prev.status === 'error' ? stay() : to('error', { activeSince: null });
  if (o === 'no_data') return prev.status === 'no_data' ? stay() : to('no_data', { activeSince: null });

  if (o === 'breach') {
    const activeSince = prev.status === 'pending' && prev.activeSince !== null ? prev.activeSince : now;
    if (now - activeSince >= rule.for) return to('firing', { activeSince, firingSince: now, keepFiringSince: null, lastNotifiedAt: now }, 'firing');
    return prev.status === 'pending' ? stay() : to('pending', { activeSince });
  }
  // clear, or recovering outside firing (hysteresis only holds a firing alert)
  return prev.status === 'ok' ? stay() : to('ok', { activeSince: null });
}

const labelsKey = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The outbox key of a step's notification: rule id, series labels, kind and the moment it stands
 * for (the transition's start, or the renotify time), so a step replayed after a crash maps onto
 * the same row and is never sent twice.
 */
export function notificationKey(ruleId: string, labels: Readonly<Record<string, string>>, step: StepResult): string | null {
  if (step.notify === null) return null;
  const at = step.notify === 'renotify' ? step.state.lastNotifiedAt : step.transition?.at;
  return `${ruleId}|${labelsKey(labels)}|${step.notify}|${at}`;
}

/**
 * Maps the value an evaluation produced to an outcome. The value is the metric for threshold-like
 * kinds (thresholdOf), the signed anomaly score for anomaly (anomaly.ts), and the number of points
 * in the last `duration` for absence. Comparisons are strict, as PromQL's `>` and `<`: a value equal
 * to the threshold does not breach. 'recovering' only while firing: between the threshold and the
 * recovery value a firing alert holds, any other alert sees a clear.
 */
export function outcomeOf(rule: Pick<AlertRule, 'condition'>, value: number | null, prev: AlertState | AlertStatus): Exclude<Outcome, 'error'> {
  const c = rule.condition;
  const firing = (typeof prev === 'string' ? prev : prev.status) === 'firing';
  const v = value !== null && Number.isFinite(value) ? value : null;
  if (c.kind === 'absence') return v === null || v <= 0 ? 'breach' : 'clear';
  if (v === null) return 'no_data';
  if (c.kind === 'anomaly') {
    const s = c.sensitivity;
    const hit = c.direction === 'above' ? v > s : c.direction === 'below' ? v < -s : Math.abs(v) > s;
    return hit ? 'breach' : 'clear';
  }
  const t = thresholdOf(c);
  if (t === null) return 'clear';
  const beyond = (x: number, limit: number) => (t.op === 'above' ? x > limit : x < limit);
  if (beyond(v, t.value)) return 'breach';
  return firing && beyond(v, t.recovery) ? 'recovering' : 'clear';
}
