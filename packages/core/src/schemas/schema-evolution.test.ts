import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelSchemaSpec } from './model.ts';
import { findFeatureTypeChange } from './schema-evolution.ts';

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
    { title: 'same name in another case', history: [schema(['Age', 'numeric'])], next: schema(['age', 'text']), want: 'age:numeric->text' },
    { title: 'no history', history: [], next: schema(['a', 'text']), want: null },
  ];
  for (const c of cases) {
    const got = findFeatureTypeChange(c.history, c.next);
    assert.equal(got === null ? null : `${got.name}:${got.from}->${got.to}`, c.want, c.title);
  }
});
