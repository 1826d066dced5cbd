import { isolated, rejectsWith, T } from './shared.contract.ts';
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DashboardSpecSchema, type DashboardSpec } from '@vigil/core';
import type { MetaStore } from './meta-store.ts';
import type { NewUser } from './security-store.ts';

/**
 * What a backend's test gives the contract: an initialised store on fresh, empty data. It is a
 * whole MetaStore: dashboards belong to users. `reopen` opens the same data again.
 */
export interface DashboardStoreHarness {
  store: MetaStore;
  cleanup: () => Promise<void>;
  reopen?: () => Promise<MetaStore>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GHOST = '00000000-0000-4000-8000-000000000000';

const user = (username: string): NewUser => ({
  username, display_name: username, email: null, kind: 'human', persona: null, source: 'local', password_hash: null,
  grants: [{ role: 'editor', scope: { kind: 'all' } }],
});
/** A spec with every kind of field, so the round trip is checked on all of them. */
const spec = (title: string): DashboardSpec => DashboardSpecSchema.parse({
  title,
  description: 'Zürich — 日本 "quoted"',
  time: { from: 'now-24h', to: 'now' },
  panels: [
    { id: 'p99', title: 'p99', kind: 'timeseries', query: { metric: 'latency.p99', model: ['fraud', 'churn'], group_by: ['model'], filters: { 'segment.region': 'eu' } }, thresholds: [{ value: 250.5, color: 'amber' }], unit: 'ms', layout: { x: 0, y: 0, w: 12, h: 8 } },
    { id: 'cpu', title: 'CPU', kind: 'stat', query: { metric: 'samples', filters: { name: 'node_cpu_utilization', agg: 'max' } }, layout: { x: 12, y: 0, w: 12, h: 4 } },
  ],
});

export function runDashboardStoreContract(name: string, makeHarness: () => Promise<DashboardStoreHarness>): void {
  const it = isolated(makeHarness);
  const titles = (ds: { spec: DashboardSpec }[]) => ds.map((d) => d.spec.title);

  describe(`DashboardStore contract: ${name}`, () => {
    it('creates a dashboard and gets it back exactly; unknown ids are null', async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const d = await s.createDashboard({ owner_user_id: alice.id, team: 'risk', spec: spec('Risk') }, T(2));
      assert.match(d.id, UUID);
      assert.deepEqual({ ...d, id: '' }, { id: '', owner_user_id: alice.id, team: 'risk', spec: spec('Risk'), created_at: T(2), updated_at: T(2) });
      assert.deepEqual(await s.getDashboard(d.id), d);
      assert.equal(await s.getDashboard(GHOST), null);
      assert.equal(await s.getDashboard('default-operations'), null);
      const other = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('Mine') }, T(2));
      assert.notEqual(other.id, d.id);
    });

    it('stores times as UTC text, whatever zone they came in', async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const d = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('A') }, '2025-01-02T01:00:00+01:00');
      assert.equal(d.created_at, T(2));
      assert.equal((await s.updateDashboard(d.id, { spec: spec('B'), team: null }, '2025-01-03T02:00:00+02:00')).updated_at, T(3));
    });

    it('refuses an owner that does not exist, storing nothing', async (s) => {
      await rejectsWith(s.createDashboard({ owner_user_id: GHOST, team: null, spec: spec('A') }, T(1)), 'not_found', GHOST);
      assert.deepEqual(await s.listDashboards(), []);
    });

    it('lists what a user owns or what is shared with their teams, each once, latest change first', async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const bob = await s.createUser(user('bob'), T(1));
      await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('alice personal') }, T(2));
      const aliceRisk = await s.createDashboard({ owner_user_id: alice.id, team: 'risk', spec: spec('alice risk') }, T(3));
      await s.createDashboard({ owner_user_id: bob.id, team: null, spec: spec('bob personal') }, T(4));
      await s.createDashboard({ owner_user_id: bob.id, team: 'risk', spec: spec('bob risk') }, T(5));
      await s.createDashboard({ owner_user_id: bob.id, team: 'growth', spec: spec('bob growth') }, T(6));
      assert.deepEqual(titles(await s.listDashboards({ ownerUserId: alice.id })), ['alice risk', 'alice personal']);
      assert.deepEqual(titles(await s.listDashboards({ ownerUserId: alice.id, teams: ['risk'] })), ['bob risk', 'alice risk', 'alice personal']);
      assert.deepEqual(titles(await s.listDashboards({ ownerUserId: alice.id, teams: ['risk', 'growth', 'nobody'] })), ['bob growth', 'bob risk', 'alice risk', 'alice personal']);
      assert.deepEqual(titles(await s.listDashboards({ ownerUserId: alice.id, teams: 'all' })), ['bob growth', 'bob risk', 'alice risk', 'alice personal']);
      assert.deepEqual(titles(await s.listDashboards({ teams: 'all' })), ['bob growth', 'bob risk', 'alice risk']);
      assert.deepEqual(titles(await s.listDashboards({ teams: ['growth'] })), ['bob growth']);
      assert.deepEqual(titles(await s.listDashboards({ ownerUserId: GHOST, teams: [] })), []);
      assert.equal((await s.listDashboards()).length, 5, 'an empty filter lists every dashboard');
      await s.updateDashboard(aliceRisk.id, { spec: spec('alice risk'), team: 'risk' }, T(7));
      assert.deepEqual(titles(await s.listDashboards({ teams: 'all' })), ['alice risk', 'bob growth', 'bob risk'], 'ordered by the last change');
    });

    it('updates the spec and the team, keeping id, owner and creation time', async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const d = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('Before') }, T(2));
      const changed = await s.updateDashboard(d.id, { spec: spec('After'), team: 'risk' }, T(3));
      assert.deepEqual(changed, { ...d, spec: spec('After'), team: 'risk', updated_at: T(3) });
      assert.deepEqual(await s.getDashboard(d.id), changed);
      const back = await s.updateDashboard(d.id, { spec: spec('After'), team: null }, T(4));
      assert.equal(back.team, null);
      await rejectsWith(s.updateDashboard(GHOST, { spec: spec('X'), team: null }, T(5)), 'not_found', GHOST);
    });

    it('deletes a dashboard; a second delete is not_found', async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const d = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('A') }, T(2));
      const keep = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('B') }, T(2));
      await s.deleteDashboard(d.id);
      assert.equal(await s.getDashboard(d.id), null);
      assert.deepEqual(await s.getDashboard(keep.id), keep);
      await rejectsWith(s.deleteDashboard(d.id), 'not_found', d.id);
    });

    it("deleting a user removes their personal dashboards and keeps their team ones, ownerless", async (s) => {
      const alice = await s.createUser(user('alice'), T(1));
      const bob = await s.createUser(user('bob'), T(1));
      const personal = await s.createDashboard({ owner_user_id: alice.id, team: null, spec: spec('personal') }, T(2));
      const shared = await s.createDashboard({ owner_user_id: alice.id, team: 'risk', spec: spec('shared') }, T(2));
      const bobs = await s.createDashboard({ owner_user_id: bob.id, team: null, spec: spec('bob') }, T(2));
      await s.deleteUser(alice.id);
      assert.equal(await s.getDashboard(personal.id), null);
      assert.deepEqual(await s.getDashboard(shared.id), { ...shared, owner_user_id: null });
      assert.deepEqual(await s.getDashboard(bobs.id), bobs);
      assert.deepEqual(titles(await s.listDashboards({ teams: ['risk'] })), ['shared']);
      // nobody could see it if it became personal: it may move to another team, not out of teams
      await rejectsWith(s.updateDashboard(shared.id, { spec: spec('shared'), team: null }, T(3)), 'conflict');
      assert.equal((await s.updateDashboard(shared.id, { spec: spec('moved'), team: 'growth' }, T(3))).team, 'growth');
    });

    it('keeps dashboards across a reopen', async (s, _t, h) => {
      if (!h.reopen) return;
      const alice = await s.createUser(user('alice'), T(1));
      const d = await s.createDashboard({ owner_user_id: alice.id, team: 'risk', spec: spec('Kept') }, T(2));
      const again = await h.reopen();
      assert.deepEqual(await again.getDashboard(d.id), d);
    });
  });
}
