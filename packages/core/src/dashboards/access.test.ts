import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../security/access.ts';
import type { Grant, KeyScope, Role } from '../security/types.ts';
import { canEditDashboard, canSeeDashboard, dashboardChangeRefusal, dashboardTeamsOf, mayChangeTeamDashboards, type DashboardRef } from './access.ts';

const onAll = (role: Role): Grant => ({ role, scope: { kind: 'all' } });
const onTeam = (role: Role, team = 'risk'): Grant => ({ role, scope: { kind: 'team', team } });
const onModels = (role: Role): Grant => ({ role, scope: { kind: 'models', models: ['fraud'] } });
const user = (name: string, ...grants: Grant[]): Principal => ({ type: 'user', userId: name, username: name, grants });
const key = (owner: Principal, scope: KeyScope, models: string[] | null = null): Principal => ({ ...owner, type: 'key', key: { id: 'k', scope, models } });

// Dashboards: alice's personal one, alice's shared with risk, bob's shared with growth, an ownerless risk one.
const D: Record<string, DashboardRef> = {
  alicePersonal: { owner_user_id: 'alice', team: null },
  aliceRisk: { owner_user_id: 'alice', team: 'risk' },
  bobGrowth: { owner_user_id: 'bob', team: 'growth' },
  orphanRisk: { owner_user_id: null, team: 'risk' },
};
const ALL = Object.keys(D);

// [who, principal, may change some dashboards, sees, edits, shares with risk / growth]
const ROWS: [string, Principal, boolean, string[], string[], [boolean, boolean]][] = [
  ['alice, editor on risk', user('alice', onTeam('editor')), true, ['alicePersonal', 'aliceRisk', 'orphanRisk'], ['alicePersonal', 'aliceRisk', 'orphanRisk'], [true, false]],
  ['alice, demoted to viewer on risk', user('alice', onTeam('viewer')), false, ['alicePersonal', 'aliceRisk', 'orphanRisk'], [], [false, false]],
  ['alice, moved to growth', user('alice', onTeam('editor', 'growth')), true, ['alicePersonal', 'aliceRisk', 'bobGrowth'], ['alicePersonal', 'bobGrowth'], [false, true]],
  ['carol, admin on risk', user('carol', onTeam('admin')), true, ['aliceRisk', 'orphanRisk'], ['aliceRisk', 'orphanRisk'], [true, false]],
  ['carol, viewer on risk', user('carol', onTeam('viewer')), false, ['aliceRisk', 'orphanRisk'], [], [false, false]],
  ['carol, editor on all', user('carol', onAll('editor')), true, ['aliceRisk', 'bobGrowth', 'orphanRisk'], ['aliceRisk', 'bobGrowth', 'orphanRisk'], [true, true]],
  ['carol, viewer on all and editor on growth', user('carol', onAll('viewer'), onTeam('editor', 'growth')), true, ['aliceRisk', 'bobGrowth', 'orphanRisk'], ['bobGrowth'], [false, true]],
  ['carol, editor on listed models only', user('carol', onModels('editor')), true, [], [], [false, false]],
  ['carol, no grants', user('carol'), false, [], [], [false, false]],
  ['an admin key of an admin', key(user('carol', onAll('admin')), 'admin'), true, ['aliceRisk', 'bobGrowth', 'orphanRisk'], ['aliceRisk', 'bobGrowth', 'orphanRisk'], [true, true]],
  ["alice's read key", key(user('alice', onTeam('editor')), 'read'), false, ['alicePersonal', 'aliceRisk', 'orphanRisk'], [], [false, false]],
  ["alice's admin key limited to models", key(user('alice', onTeam('editor')), 'admin', ['fraud']), false, ['alicePersonal', 'aliceRisk', 'orphanRisk'], [], [false, false]],
];

for (const [who, p, changes, sees, edits, [risk, growth]] of ROWS) {
  test(`dashboards as ${who}`, () => {
    assert.equal(dashboardChangeRefusal(p) === null, changes, dashboardChangeRefusal(p) ?? '');
    assert.deepEqual(ALL.filter((d) => canSeeDashboard(p, D[d]!)), sees, 'sees');
    assert.deepEqual(ALL.filter((d) => canEditDashboard(p, D[d]!)), edits, 'edits');
    assert.deepEqual([mayChangeTeamDashboards(p, 'risk'), mayChangeTeamDashboards(p, 'growth')], [risk, growth], 'shares');
    for (const d of edits) assert.ok(sees.includes(d), `edits ${d} without seeing it`);
  });
}

test('refusals say why', () => {
  assert.equal(dashboardChangeRefusal(user('v', onAll('viewer'))), 'viewers cannot change dashboards; ask for the editor role');
  assert.match(dashboardChangeRefusal(key(user('e', onAll('editor')), 'ingest')) ?? '', /scope "ingest" cannot change dashboards; sign in/);
  assert.match(dashboardChangeRefusal(key(user('e', onAll('editor')), 'admin', ['fraud'])) ?? '', /limited to models cannot change dashboards/);
});

test('teams of a principal: every team grant once, or all', () => {
  assert.deepEqual(dashboardTeamsOf(user('x', onTeam('viewer'), onTeam('editor'), onTeam('viewer', 'growth'), onModels('admin'))), ['risk', 'growth']);
  assert.equal(dashboardTeamsOf(user('x', onTeam('viewer'), onAll('viewer'))), 'all');
  assert.deepEqual(dashboardTeamsOf(user('x')), []);
});
