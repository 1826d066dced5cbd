import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, canAll, canAny, describeMissing, visibleModels, type ModelRef, type Principal } from './access.ts';
import { ACTIONS, type Action, type Grant, type KeyScope, type Role } from './types.ts';

// Models: two in team "risk", two in team "ops", two with no team. The "listed" ones are named
// by the models-scoped grants below; the key list is another, smaller list.
const MODELS: ModelRef[] = [
  { id: 'fraud', owner_team: 'risk' },
  { id: 'churn', owner_team: 'risk' },
  { id: 'eta', owner_team: 'ops' },
  { id: 'intent', owner_team: 'ops' },
  { id: 'legacy', owner_team: null },
  { id: 'orphan', owner_team: null },
];
const LISTED = ['fraud', 'eta', 'legacy'];
const KEY_LIST = ['fraud', 'eta'];
const ALL = MODELS.map((m) => m.id).join(' ');

const onAll = (role: Role): Grant => ({ role, scope: { kind: 'all' } });
const onRisk = (role: Role): Grant => ({ role, scope: { kind: 'team', team: 'risk' } });
const onListed = (role: Role): Grant => ({ role, scope: { kind: 'models', models: LISTED } });
const user = (username: string, ...grants: Grant[]): Principal => ({ type: 'user', userId: `u-${username}`, username, grants });
const key = (owner: Principal, scope: KeyScope, models: string[] | null = null): Principal => ({
  ...owner, type: 'key', key: { id: `k-${owner.username}-${scope}`, scope, models },
});

const MULTI = user('multi', onAll('viewer'), onRisk('editor'), { role: 'admin', scope: { kind: 'models', models: ['legacy'] } });
const ADMIN = user('root', onAll('admin'));
const VIEWER = user('vera', onAll('viewer'));
const RISK_EDITOR = user('rita', onRisk('editor'));

/** Space-separated model ids the principal may act on, per action; absent = none. */
type Expected = Partial<Record<Action, string>>;
interface Row {
  name: string;
  p: Principal;
  may: Expected;
  /** Actions allowed on every model, present and future. */
  all: Action[];
  /** Actions allowed on at least one model. */
  any: Action[];
}

const FULL: Action[] = ['read', 'ingest', 'write', 'admin'];
const RW: Action[] = ['read', 'ingest', 'write'];

const ROWS: Row[] = [
  { name: 'viewer on all', p: user('a', onAll('viewer')), may: { read: ALL }, all: ['read'], any: ['read'] },
  { name: 'editor on all', p: user('b', onAll('editor')), may: { read: ALL, ingest: ALL, write: ALL }, all: RW, any: RW },
  { name: 'admin on all', p: ADMIN, may: { read: ALL, ingest: ALL, write: ALL, admin: ALL }, all: FULL, any: FULL },
  { name: 'viewer on team risk', p: user('c', onRisk('viewer')), may: { read: 'fraud churn' }, all: [], any: ['read'] },
  { name: 'editor on team risk', p: RISK_EDITOR, may: { read: 'fraud churn', ingest: 'fraud churn', write: 'fraud churn' }, all: [], any: RW },
  { name: 'admin on team risk', p: user('d', onRisk('admin')), may: { read: 'fraud churn', ingest: 'fraud churn', write: 'fraud churn', admin: 'fraud churn' }, all: [], any: FULL },
  { name: 'viewer on listed models', p: user('e', onListed('viewer')), may: { read: 'fraud eta legacy' }, all: [], any: ['read'] },
  { name: 'editor on listed models', p: user('f', onListed('editor')), may: { read: 'fraud eta legacy', ingest: 'fraud eta legacy', write: 'fraud eta legacy' }, all: [], any: RW },
  { name: 'admin on listed models', p: user('g', onListed('admin')), may: { read: 'fraud eta legacy', ingest: 'fraud eta legacy', write: 'fraud eta legacy', admin: 'fraud eta legacy' }, all: [], any: FULL },
  { name: 'several grants: viewer on all + editor on risk + admin on legacy', p: MULTI, may: { read: ALL, ingest: 'fraud churn legacy', write: 'fraud churn legacy', admin: 'legacy' }, all: ['read'], any: FULL },
  { name: 'no grants', p: user('nobody'), may: {}, all: [], any: [] },

  { name: 'ingest key of an admin', p: key(ADMIN, 'ingest'), may: { ingest: ALL }, all: ['ingest'], any: ['ingest'] },
  { name: 'read key of an admin', p: key(ADMIN, 'read'), may: { read: ALL }, all: ['read'], any: ['read'] },
  { name: 'admin key of an admin', p: key(ADMIN, 'admin'), may: { read: ALL, ingest: ALL, write: ALL, admin: ALL }, all: FULL, any: FULL },
  // A key never exceeds its owner: the admin scope only passes the owner's rights on.
  { name: 'admin key of a viewer cannot write', p: key(VIEWER, 'admin'), may: { read: ALL }, all: ['read'], any: ['read'] },
  { name: 'admin key of a risk editor', p: key(RISK_EDITOR, 'admin'), may: { read: 'fraud churn', ingest: 'fraud churn', write: 'fraud churn' }, all: [], any: RW },
  { name: 'ingest key of a risk editor', p: key(RISK_EDITOR, 'ingest'), may: { ingest: 'fraud churn' }, all: [], any: ['ingest'] },
  { name: 'ingest key of a viewer can do nothing', p: key(VIEWER, 'ingest'), may: {}, all: [], any: [] },
  { name: 'read key of a user with several grants', p: key(MULTI, 'read'), may: { read: ALL }, all: ['read'], any: ['read'] },

  // A key with a model list: never canAll, and only the listed models the owner covers.
  { name: 'admin key of an admin, limited to fraud + eta', p: key(ADMIN, 'admin', KEY_LIST), may: { read: 'fraud eta', ingest: 'fraud eta', write: 'fraud eta', admin: 'fraud eta' }, all: [], any: FULL },
  { name: 'read key of an admin, limited to fraud + eta', p: key(ADMIN, 'read', KEY_LIST), may: { read: 'fraud eta' }, all: [], any: ['read'] },
  { name: 'ingest key of a risk editor, limited to fraud + eta', p: key(RISK_EDITOR, 'ingest', KEY_LIST), may: { ingest: 'fraud' }, all: [], any: ['ingest'] },
  { name: 'admin key of a viewer, limited to fraud + eta', p: key(VIEWER, 'admin', KEY_LIST), may: { read: 'fraud eta' }, all: [], any: ['read'] },
  // canAny answers "may a list route run at all"; the route then filters, here to nothing.
  { name: 'ingest key of a risk editor, limited to a model outside risk', p: key(RISK_EDITOR, 'ingest', ['eta']), may: {}, all: [], any: ['ingest'] },
];

for (const row of ROWS) {
  test(`access: ${row.name}`, () => {
    for (const action of ACTIONS) {
      const allowed = new Set((row.may[action] ?? '').split(' ').filter(Boolean));
      for (const m of MODELS) {
        assert.equal(can(row.p, action, m), allowed.has(m.id), `can(${action}, ${m.id} of ${m.owner_team ?? 'no team'})`);
      }
      assert.equal(canAll(row.p, action), row.all.includes(action), `canAll(${action})`);
      assert.equal(canAny(row.p, action), row.any.includes(action), `canAny(${action})`);
      const visible = visibleModels(row.p, action, MODELS);
      if (row.all.includes(action)) assert.equal(visible, null, `visibleModels(${action}) is every model`);
      else assert.deepEqual(visible?.map((m) => m.id), MODELS.filter((m) => allowed.has(m.id)).map((m) => m.id), `visibleModels(${action})`);
    }
  });
}

test('a model the principal cannot see is not made visible by an unknown team or id', () => {
  assert.equal(can(user('x', onRisk('admin')), 'read', { id: 'risk', owner_team: null }), false);
  assert.equal(can(user('x', onListed('admin')), 'read', { id: 'other', owner_team: 'fraud' }), false);
  assert.deepEqual(visibleModels(user('x', onRisk('viewer')), 'read', []), []);
});

test('describeMissing names the role the action needs and what the user has', () => {
  const m = describeMissing(VIEWER, 'write', 'model "fraud"');
  assert.match(m, /write on model "fraud" needs the "editor" role/);
  assert.match(m, /vera has: viewer on all models/);
  assert.doesNotMatch(m, /key/);
  assert.match(describeMissing(RISK_EDITOR, 'admin', 'all models (a system-wide action)'), /needs the "admin" role.*rita has: editor on team "risk"/);
  assert.match(describeMissing(user('f', onListed('viewer')), 'ingest', 'model "orphan"'), /needs the "editor" role.*viewer on models "fraud", "eta", "legacy"/);
  assert.match(describeMissing(MULTI, 'admin', 'model "fraud"'), /viewer on all models; editor on team "risk"; admin on models "legacy"/);
  assert.match(describeMissing(user('nobody'), 'read', 'model "fraud"'), /needs the "viewer" role.*nobody has: no grants/);
});

test('describeMissing names the key scope when the key is the reason', () => {
  const cases: [KeyScope, Action, string][] = [
    ['read', 'write', '"admin"'],
    ['read', 'ingest', '"ingest" or "admin"'],
    ['read', 'admin', '"admin"'],
    ['ingest', 'read', '"read" or "admin"'],
    ['ingest', 'write', '"admin"'],
  ];
  for (const [scope, action, want] of cases) {
    const m = describeMissing(key(ADMIN, scope), action, 'model "fraud"');
    assert.equal(m, `this API key has scope "${scope}"; ${action} on model "fraud" needs a key with scope ${want}`);
  }
});

test('describeMissing blames the owner, not the key, when the key scope allows the action', () => {
  const m = describeMissing(key(VIEWER, 'admin'), 'write', 'model "fraud"');
  assert.match(m, /needs the "editor" role/);
  assert.match(m, /vera has: viewer on all models/);
  assert.doesNotMatch(m, /scope "admin"/);
});

test('describeMissing names the model list of a limited key, for one model, several, or a system action', () => {
  const limited = key(ADMIN, 'admin', KEY_LIST);
  for (const target of ['model "churn"', 'models "churn", "intent"', 'all models (a system-wide action)']) {
    const m = describeMissing(limited, 'write', target);
    assert.match(m, /this API key is limited to models "fraud", "eta"/, target);
    assert.match(m, /"editor" role/, target);
  }
  // The scope is checked first: a limited read key asked to write is refused for its scope.
  assert.match(describeMissing(key(ADMIN, 'read', KEY_LIST), 'write', 'model "churn"'), /has scope "read"/);
});
