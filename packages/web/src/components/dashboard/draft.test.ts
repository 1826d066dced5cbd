import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '../../api/session.ts';
import { exportFileName, isDirty, newPanelId, shareOptions, stableJson, type Draft } from './draft.ts';

test('newPanelId picks an id no panel uses', () => {
  const cases: [string[], string][] = [
    [[], 'panel-1'],
    [['panel-1'], 'panel-2'],
    [['latency', 'errors'], 'panel-3'],
    [['panel-2', 'panel-3'], 'panel-4'],
    [['a', 'panel-2'], 'panel-3'],
  ];
  for (const [ids, want] of cases) {
    assert.equal(newPanelId(ids), want, ids.join(','));
    assert.ok(!ids.includes(newPanelId(ids)));
  }
});

test('stableJson ignores key order and undefined fields', () => {
  assert.equal(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  assert.equal(stableJson([undefined, null, 'x']), '[null,null,"x"]');
});

test('isDirty: a change to the document or to who sees it', () => {
  const panel = { id: 'p', title: 'Latency', kind: 'timeseries' as const, query: { metric: 'latency.p99' }, layout: { x: 0, y: 0, w: 12, h: 8 } };
  const saved: Draft = { spec: { version: 1, title: 'Ops', panels: [panel] }, team: null };
  const cases: [Draft, boolean, string][] = [
    [{ spec: { panels: [{ ...panel }], title: 'Ops', version: 1 }, team: null }, false, 'same content, other key order'],
    [{ spec: { ...saved.spec, description: undefined }, team: null }, false, 'an emptied optional field'],
    [{ spec: { ...saved.spec, title: 'Ops 2' }, team: null }, true, 'title'],
    [{ spec: saved.spec, team: 'growth' }, true, 'shared with a team'],
    [{ spec: { ...saved.spec, panels: [{ ...panel, layout: { ...panel.layout, x: 12 } }] }, team: null }, true, 'moved'],
    [{ spec: { ...saved.spec, panels: [] }, team: null }, true, 'removed'],
  ];
  for (const [draft, want, name] of cases) assert.equal(isDirty(saved, draft), want, name);
});

const user = (grants: User['grants']): User => ({ id: 'u', username: 'u', display_name: 'U', email: null, kind: 'human', persona: null, source: 'local', grants });
const teams = [
  { id: 'growth', name: 'Growth' },
  { id: 'risk', name: 'risk' },
];

test('shareOptions: personal, plus the teams the user can edit for', () => {
  const ids = (u: User, current: string | null = null) => shareOptions(u, teams, current).map((o) => o.team);
  assert.deepEqual(ids(user([{ role: 'admin', scope: { kind: 'all' } }])), [null, 'growth', 'risk'], 'a grant on everything: every team');
  assert.deepEqual(ids(user([{ role: 'editor', scope: { kind: 'team', team: 'risk' } }])), [null, 'risk'], 'a team grant: that team');
  assert.deepEqual(ids(user([{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }])), [null], 'viewing grants share nothing');
  assert.deepEqual(ids(user([{ role: 'editor', scope: { kind: 'models', models: ['m'] } }])), [null], 'a model grant names no team');
  assert.deepEqual(ids(user([]), 'ops'), [null, 'ops'], 'the current team stays listed');
  assert.deepEqual(
    shareOptions(user([{ role: 'admin', scope: { kind: 'all' } }]), teams, null).map((o) => o.label),
    ['Personal (only you)', 'Team Growth (growth)', 'Team risk'],
  );
});

test('exportFileName is the title in kebab-case', () => {
  assert.equal(exportFileName('Ops: latency & errors', 'yaml'), 'ops-latency-errors.yaml');
  assert.equal(exportFileName('  ', 'json'), 'dashboard.json');
});
