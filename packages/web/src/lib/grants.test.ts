import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Grant } from '../api/session.ts';
import { canEditModel } from './grants.ts';

test('who may change a model: an editor or admin whose grant covers it', () => {
  const model = { id: 'fraud', owner_team: 'risk' };
  const cases: [Grant[], boolean][] = [
    [[{ role: 'admin', scope: { kind: 'all' } }], true],
    [[{ role: 'editor', scope: { kind: 'team', team: 'risk' } }], true],
    [[{ role: 'editor', scope: { kind: 'team', team: 'growth' } }], false],
    [[{ role: 'editor', scope: { kind: 'models', models: ['fraud'] } }], true],
    [[{ role: 'viewer', scope: { kind: 'all' } }], false],
    [[{ role: 'viewer', scope: { kind: 'all' } }, { role: 'editor', scope: { kind: 'models', models: ['fraud'] } }], true],
    [[], false],
  ];
  for (const [grants, want] of cases) assert.equal(canEditModel(grants, model), want, JSON.stringify(grants));
  assert.equal(canEditModel([{ role: 'editor', scope: { kind: 'team', team: 'risk' } }], { id: 'x', owner_team: null }), false, 'a team grant does not cover a model without a team');
});
