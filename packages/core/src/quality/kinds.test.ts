import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isViolationKind, violationRows } from './kinds.ts';

const KINDS: [string, boolean][] = [
  ['out_of_range', true],
  ['unknown_feature', true],
  ['nan_or_infinity', true],
  ['refused', false],
  ['duplicate', false],
  ['invalid_field', false],
  ['', false],
];
for (const [kind, want] of KINDS) test(`isViolationKind(${JSON.stringify(kind)}) = ${want}`, () => assert.equal(isViolationKind(kind), want));

const rows = [
  { group: { model: 'a', kind: 'out_of_range' }, bucket: 0, count: 2 },
  { group: { model: 'a', kind: 'wrong_type' }, bucket: 0, count: 3 },
  { group: { model: 'a', kind: 'duplicate' }, bucket: 0, count: 50 },
  { group: { model: 'a', kind: 'refused' }, bucket: 60_000, count: 4 },
  { group: { model: 'b', kind: 'unseen_category' }, bucket: 60_000, count: 1 },
];

test('violationRows drops whole-record kinds and sums the kind away when not asked for', () => {
  assert.deepEqual(violationRows(rows, ['model']), [
    { group: { model: 'a' }, bucket: 0, count: 5 },
    { group: { model: 'b' }, bucket: 60_000, count: 1 },
  ]);
  assert.deepEqual(violationRows(rows, []), [
    { group: {}, bucket: 0, count: 5 },
    { group: {}, bucket: 60_000, count: 1 },
  ]);
});

test('violationRows keeps the kind when grouped by it', () => {
  assert.deepEqual(violationRows(rows, ['model', 'kind']).map((r) => `${r.group.model}/${r.group.kind}@${r.bucket}=${r.count}`), ['a/out_of_range@0=2', 'a/wrong_type@0=3', 'b/unseen_category@60000=1']);
});
