import { DAY } from './model-types.ts';
import { DEMO_MODELS } from './models.ts';
import { BAD_DEPLOY, badDeployWindows } from './schedule.ts';
import { iso, type DeploymentOutcome, type DeploymentSpec } from './wire.ts';

/**
 * Deployment history as a pure function of the simulated window: a short static history per
 * model, then for intent-router every bad deployment (rolled back) and the stable version
 * re-deployed after it. The runner compares this plan with what the server has and only
 * sends the difference, so re-running the demo does not duplicate history.
 */
export function planDeployments(since: number, now: number): Map<string, DeploymentSpec[]> {
  const base = Math.floor(since / DAY) * DAY;
  const plan = new Map<string, DeploymentSpec[]>();
  for (const m of DEMO_MODELS) plan.set(m.spec.id, m.history(base).filter((d) => Date.parse(d.started_at) <= now));
  const intent = plan.get(BAD_DEPLOY.model) ?? [];
  let current = intent.find((d) => d.environment === BAD_DEPLOY.environment && d.ended_at === null);
  for (const w of badDeployWindows(since, now)) {
    if (current) current.ended_at = iso(w.since);
    const rolledBack = w.until <= now;
    intent.push({
      version: BAD_DEPLOY.version,
      environment: BAD_DEPLOY.environment,
      started_at: iso(w.since),
      ended_at: rolledBack ? iso(w.until) : null,
      outcome: rolledBack ? 'rolled_back' : 'in_progress',
      notes: rolledBack ? 'error rate above 5% after rollout: rolled back automatically' : 'rollout of 1.4.0',
    });
    current = undefined;
    if (rolledBack) {
      current = { version: BAD_DEPLOY.stableVersion, environment: BAD_DEPLOY.environment, started_at: iso(w.until), ended_at: null, outcome: 'succeeded', notes: `rollback from ${BAD_DEPLOY.version}` };
      intent.push(current);
    }
  }
  return plan;
}

/** What the server holds (only the fields the diff reads). */
export interface ExistingDeployment {
  id: string;
  version: string;
  environment: string;
  started_at: string;
  ended_at: string | null;
  outcome: DeploymentOutcome;
  notes?: string | null;
}

type Patch = { ended_at?: string | null; outcome?: DeploymentOutcome; notes?: string };

export type DeploymentAction =
  | { op: 'create'; spec: DeploymentSpec }
  | { op: 'update'; id: string; patch: Patch };

const sameInstant = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? null) === null || (b ?? null) === null ? (a ?? null) === (b ?? null) : Date.parse(a as string) === Date.parse(b as string);

/**
 * The calls that bring the server's history of one model in line with the plan. History is
 * append-only: a planned record older than the newest one the server has for its environment,
 * and not on the server already, belongs to an earlier run and is left out. Records left open
 * by an earlier run that stopped are closed when a newer one starts.
 */
export function diffDeployments(existing: readonly ExistingDeployment[], planned: readonly DeploymentSpec[]): DeploymentAction[] {
  const actions: DeploymentAction[] = [];
  const newest = new Map<string, number>();
  for (const e of existing) newest.set(e.environment, Math.max(newest.get(e.environment) ?? -Infinity, Date.parse(e.started_at)));
  const matched = new Set<string>();
  for (const p of planned) {
    const hit = existing.find((e) => e.environment === p.environment && e.version === p.version && sameInstant(e.started_at, p.started_at));
    if (hit) {
      matched.add(hit.id);
      // closed history stays as it was recorded, even when today's plan would draw it differently
      if (hit.ended_at !== null && hit.outcome !== 'in_progress') continue;
      const patch: Patch = {};
      if (!sameInstant(hit.ended_at, p.ended_at)) patch.ended_at = p.ended_at ?? null;
      if (hit.outcome !== p.outcome) patch.outcome = p.outcome;
      if (p.notes !== undefined && hit.notes !== p.notes) patch.notes = p.notes;
      if (Object.keys(patch).length) actions.push({ op: 'update', id: hit.id, patch });
    } else if (Date.parse(p.started_at) > (newest.get(p.environment) ?? -Infinity)) {
      actions.push({ op: 'create', spec: p });
    }
  }
  // an open record of an earlier run, superseded by anything that started after it
  const starts = [...existing.map((e) => ({ env: e.environment, t: Date.parse(e.started_at) })), ...actions.flatMap((a) => (a.op === 'create' ? [{ env: a.spec.environment, t: Date.parse(a.spec.started_at) }] : []))];
  for (const e of existing) {
    if (matched.has(e.id) || e.ended_at !== null) continue;
    const from = Date.parse(e.started_at);
    const next = Math.min(...starts.filter((s) => s.env === e.environment && s.t > from).map((s) => s.t));
    if (!Number.isFinite(next)) continue;
    const bad = e.version === BAD_DEPLOY.version && e.environment === BAD_DEPLOY.environment;
    // a bad deployment was rolled back at the end of its window, whether or not a run saw it
    const end = bad ? Math.min(next, badDeployWindows(from, from)[0]?.until ?? next) : next;
    const patch: Patch = { ended_at: iso(end) };
    if (e.outcome === 'in_progress') patch.outcome = bad ? 'rolled_back' : 'succeeded';
    actions.push({ op: 'update', id: e.id, patch });
  }
  return actions;
}
