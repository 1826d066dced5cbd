import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeploymentCreateSchema } from '@vigil/core';
import { diffDeployments, planDeployments, type ExistingDeployment } from './deployments.ts';
import { BAD_DEPLOY, MINUTE } from './schedule.ts';
import { T0 } from './test-helpers.ts';
import type { DeploymentSpec } from './wire.ts';

const HOUR = 60 * MINUTE;
const since = T0 - 2 * HOUR;
const intentPlan = (now: number) => planDeployments(since, now).get(BAD_DEPLOY.model) ?? [];
const prod = (ds: DeploymentSpec[]) => ds.filter((d) => d.environment === 'production');

/** What a server would hold after applying the actions (ids are the creation order). */
function apply(existing: ExistingDeployment[], planned: DeploymentSpec[]): ExistingDeployment[] {
  const out = existing.map((e) => ({ ...e }));
  for (const a of diffDeployments(out, planned)) {
    if (a.op === 'create') out.push({ id: `d${out.length}`, ...a.spec, ended_at: a.spec.ended_at ?? null });
    else Object.assign(out.find((e) => e.id === a.id) ?? {}, a.patch);
  }
  return out;
}

describe('planDeployments', () => {
  it('every planned record is a valid deployment body', () => {
    for (const [, ds] of planDeployments(since, T0)) for (const d of ds) assert.ok(DeploymentCreateSchema.safeParse(d).success, JSON.stringify(d));
  });

  it('has production and staging for every model', () => {
    for (const [model, ds] of planDeployments(since, T0)) {
      assert.ok(ds.some((d) => d.environment === 'production'), model);
      assert.ok(ds.some((d) => d.environment === 'staging'), model);
    }
  });

  it('deploys the bad version each cycle and rolls it back, re-deploying the stable one', () => {
    const p = prod(intentPlan(T0));
    const bad = p.filter((d) => d.version === BAD_DEPLOY.version);
    assert.equal(bad.length, 4);
    assert.ok(bad.every((d) => d.outcome === 'rolled_back' && d.ended_at));
    // production is one unbroken chain: each record ends when the next starts, the last is open
    for (let i = 1; i < p.length; i++) assert.equal(p[i - 1]?.ended_at, p[i]?.started_at);
    assert.equal(p.at(-1)?.ended_at, null);
    assert.equal(p.at(-1)?.version, BAD_DEPLOY.stableVersion);
  });

  it('shows the bad deployment in progress inside its window', () => {
    const last = prod(intentPlan(T0 + 22 * MINUTE)).at(-1);
    assert.deepEqual([last?.version, last?.outcome, last?.ended_at], [BAD_DEPLOY.version, 'in_progress', null]);
  });
});

describe('diffDeployments', () => {
  it('creates everything on an empty server, then nothing when nothing changed', () => {
    const planned = intentPlan(T0);
    const server = apply([], planned);
    assert.equal(server.length, planned.length);
    assert.deepEqual(diffDeployments(server, planned), []);
  });

  it('rolls back the in-progress deployment and adds the re-deploy when time moves on', () => {
    const server = apply([], intentPlan(T0 + 22 * MINUTE));
    const actions = diffDeployments(server, intentPlan(T0 + 28 * MINUTE));
    assert.deepEqual(actions.map((a) => a.op).sort(), ['create', 'update']);
    const upd = actions.find((a) => a.op === 'update');
    assert.equal(upd?.op === 'update' && upd.patch.outcome, 'rolled_back');
    assert.match(upd?.op === 'update' ? (upd.patch.notes ?? '') : '', /rolled back/);
  });

  it('a re-run from a later start appends without duplicating and closes what the old run left open', () => {
    const first = apply([], planDeployments(since, T0 + 22 * MINUTE).get(BAD_DEPLOY.model) ?? []);
    // five hours later, with a new backfill window and therefore a different static history
    const later = T0 + 5 * HOUR;
    const second = apply(first, planDeployments(later - 2 * HOUR, later).get(BAD_DEPLOY.model) ?? []);
    const starts = second.map((d) => `${d.environment}/${d.version}/${d.started_at}`);
    assert.equal(new Set(starts).size, starts.length, 'no duplicate records');
    const open = second.filter((d) => d.environment === 'production' && d.ended_at === null);
    assert.equal(open.length, 1, 'one open production deployment');
    const left = second.find((d) => d.version === BAD_DEPLOY.version && Date.parse(d.started_at) === T0 + 20 * MINUTE);
    assert.equal(left?.outcome, 'rolled_back');
    assert.equal(left?.ended_at, new Date(T0 + 27 * MINUTE).toISOString());
    for (const d of first) if (d.ended_at !== null) assert.deepEqual(second.find((x) => x.id === d.id), d, 'closed history is not rewritten');
  });

  it('matches timestamps by instant, not by spelling', () => {
    const planned: DeploymentSpec[] = [{ version: '1', environment: 'production', started_at: '2026-03-02T10:00:00.000Z', ended_at: null, outcome: 'succeeded' }];
    const existing: ExistingDeployment[] = [{ id: 'x', version: '1', environment: 'production', started_at: '2026-03-02T11:00:00+01:00', ended_at: null, outcome: 'succeeded' }];
    assert.deepEqual(diffDeployments(existing, planned), []);
  });
});
