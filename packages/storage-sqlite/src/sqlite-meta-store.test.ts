import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVigilError } from '@vigil/core';
import type { ModelSchemaSpec } from '@vigil/core';
import { canonicalJson, findFeatureTypeChange, toUtcIso } from './sqlite-meta-store.ts';

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

const schema = (...features: [string, ModelSchemaSpec['features'][number]['type']][]): ModelSchemaSpec => ({
  features: features.map(([name, type]) => ({ name, type, nullable: false })),
  segments: [],
});

test('findFeatureTypeChange', () => {
  const cases: { title: string; history: ModelSchemaSpec[]; next: ModelSchemaSpec; want: string | null }[] = [
    { title: 'same types', history: [schema(['a', 'numeric'])], next: schema(['a', 'numeric'], ['b', 'text']), want: null },
    { title: 'rename', history: [schema(['a', 'numeric'])], next: schema(['a2', 'boolean']), want: null },
    { title: 'in-place change', history: [schema(['a', 'numeric'])], next: schema(['a', 'text']), want: 'a:numeric->text' },
    { title: 'removed then re-added', history: [schema(['a', 'numeric']), schema()], next: schema(['a', 'boolean']), want: 'a:numeric->boolean' },
    { title: 'no history', history: [], next: schema(['a', 'text']), want: null },
  ];
  for (const c of cases) {
    const got = findFeatureTypeChange(c.history, c.next);
    assert.equal(got === null ? null : `${got.name}:${got.from}->${got.to}`, c.want, c.title);
  }
});
