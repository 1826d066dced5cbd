import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVigilError } from '@vigil/core';
import { canonicalJson, toUtcIso } from './sqlite-meta-store.ts';

test('toUtcIso turns any accepted spelling of an instant into sortable UTC text', () => {
  const cases: [string, string][] = [
    ['2025-01-05T01:00:00+02:00', '2025-01-04T23:00:00.000Z'],
    ['2025-01-05T00:00:00Z', '2025-01-05T00:00:00.000Z'],
    ['2025-01-05T00:00:00.123456789Z', '2025-01-05T00:00:00.123Z'],
  ];
  for (const [input, want] of cases) assert.equal(toUtcIso(input), want, input);
  assert.throws(() => toUtcIso('yesterday', 'started_at'), (e: unknown) => isVigilError(e) && e.code === 'validation_failed' && e.message.includes('started_at'));
});

test('canonicalJson ignores key order but not array order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
  assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
});
