/**
 * The incident schedule, a pure function of time. Incidents repeat on a 30-minute cycle anchored
 * at the epoch (so at :00 and :30 of every hour), which means the live view shows each of them
 * within half an hour of starting the demo, and the backfill shows a dozen past occurrences.
 */

export const MINUTE = 60_000;
export const CYCLE_MS = 30 * MINUTE;

/** A window inside the cycle, in minutes from the cycle start: [from, to). */
export interface CycleWindow {
  from: number;
  to: number;
}

export const DRIFT = {
  model: 'fraud-detector',
  features: ['amount', 'merchant_category'] as const,
  window: { from: 2, to: 12 } satisfies CycleWindow,
};

export const LATENCY_SPIKE = {
  model: 'eta-regressor',
  window: { from: 13, to: 18 } satisfies CycleWindow,
};

export const BAD_DEPLOY = {
  model: 'intent-router',
  version: '1.4.0',
  stableVersion: '1.3.0',
  environment: 'production',
  window: { from: 20, to: 27 } satisfies CycleWindow,
};

export type Incident =
  | { kind: 'drift'; model: string; features: readonly string[]; since: number; until: number }
  | { kind: 'latency_spike'; model: string; since: number; until: number }
  | { kind: 'bad_deploy'; model: string; version: string; stableVersion: string; since: number; until: number };

export interface Incidents {
  drift: Extract<Incident, { kind: 'drift' }> | null;
  latency: Extract<Incident, { kind: 'latency_spike' }> | null;
  badDeploy: Extract<Incident, { kind: 'bad_deploy' }> | null;
}

export const cycleStart = (t: number): number => Math.floor(t / CYCLE_MS) * CYCLE_MS;

/** The absolute bounds of a window in the cycle that contains `t`, or null when `t` is outside it. */
export function windowAt(t: number, w: CycleWindow): { since: number; until: number } | null {
  const start = cycleStart(t);
  const since = start + w.from * MINUTE;
  const until = start + w.to * MINUTE;
  return t >= since && t < until ? { since, until } : null;
}

/** Which incidents are active at instant `t` (epoch ms). */
export function incidentsAt(t: number): Incidents {
  const d = windowAt(t, DRIFT.window);
  const l = windowAt(t, LATENCY_SPIKE.window);
  const b = windowAt(t, BAD_DEPLOY.window);
  return {
    drift: d && { kind: 'drift', model: DRIFT.model, features: DRIFT.features, ...d },
    latency: l && { kind: 'latency_spike', model: LATENCY_SPIKE.model, ...l },
    badDeploy: b && { kind: 'bad_deploy', model: BAD_DEPLOY.model, version: BAD_DEPLOY.version, stableVersion: BAD_DEPLOY.stableVersion, ...b },
  };
}

/** A one-line summary for progress logs, e.g. "drift(fraud-detector) bad_deploy(intent-router 1.4.0)". */
export function describeIncidents(i: Incidents): string {
  const parts: string[] = [];
  if (i.drift) parts.push(`drift(${i.drift.model}: ${i.drift.features.join(', ')})`);
  if (i.latency) parts.push(`latency_spike(${i.latency.model})`);
  if (i.badDeploy) parts.push(`bad_deploy(${i.badDeploy.model} ${i.badDeploy.version})`);
  return parts.length ? parts.join(' ') : 'none';
}

/** Bad-deploy windows [since, until) that overlap [from, to], oldest first. */
export function badDeployWindows(from: number, to: number): { since: number; until: number }[] {
  const out: { since: number; until: number }[] = [];
  for (let c = cycleStart(from) - CYCLE_MS; c <= to; c += CYCLE_MS) {
    const since = c + BAD_DEPLOY.window.from * MINUTE;
    const until = c + BAD_DEPLOY.window.to * MINUTE;
    if (until > from && since <= to) out.push({ since, until });
  }
  return out;
}
