import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCreateSchema, VersionCreateSchema } from '@vigil/core';
import { generateWindow, LabelQueue, registrations } from './scenario.ts';
import { MINUTE } from './schedule.ts';
import { T0 } from './test-helpers.ts';
import type { Label } from './wire.ts';

describe('generateWindow', () => {
  it('is deterministic for a seed', () => {
    assert.deepEqual(generateWindow(9, T0, T0 + 2 * MINUTE, 20), generateWindow(9, T0, T0 + 2 * MINUTE, 20));
  });

  it('two adjacent windows give what one window spanning both gives', () => {
    const whole = generateWindow(9, T0 + 10 * MINUTE, T0 + 14 * MINUTE, 10);
    const a = generateWindow(9, T0 + 10 * MINUTE, T0 + 11 * MINUTE + 500, 10);
    const b = generateWindow(9, T0 + 11 * MINUTE + 500, T0 + 14 * MINUTE, 10);
    for (const k of Object.keys(whole) as (keyof typeof whole)[]) {
      assert.equal(a[k].length + b[k].length, whole[k].length, k);
      assert.deepEqual([...a[k], ...b[k]].map((x) => JSON.stringify(x)).sort(), whole[k].map((x) => JSON.stringify(x)).sort(), k);
    }
  });

  it('every kind of record shows up over an hour', () => {
    const h = generateWindow(9, T0, T0 + 60 * MINUTE, 5);
    for (const [k, v] of Object.entries(h)) assert.ok(v.length > 0, `no ${k}`);
  });
});

describe('registrations', () => {
  it('three models of the three tasks, valid for the registry, with validation metrics on every version', () => {
    const regs = registrations();
    assert.deepEqual(regs.map((r) => r.spec.task).sort(), ['binary', 'multiclass', 'regression']);
    for (const { spec, versions } of regs) {
      const parsed = ModelCreateSchema.safeParse(spec);
      assert.ok(parsed.success, `${spec.id}: ${JSON.stringify(parsed.error?.issues)}`);
      assert.ok((spec.schema.segments ?? []).length >= 2);
      for (const v of versions) {
        assert.ok(VersionCreateSchema.safeParse(v).success, `${spec.id}@${v.version}`);
        assert.ok(Object.keys(v.validation_metrics ?? {}).length >= 3);
      }
    }
    const fraud = regs.find((r) => r.spec.id === 'fraud-detector');
    assert.ok((fraud?.spec.schema.features.length ?? 0) >= 12);
    assert.ok(fraud?.spec.schema.features.some((f) => f.type === 'categorical') && fraud.spec.schema.features.some((f) => f.type === 'numeric'));
  });
});

describe('LabelQueue', () => {
  const label = (id: string, ms: number): Label => ({ prediction_id: id, model: 'm', label: 1, ts: new Date(ms).toISOString() });
  const table: { name: string; labels: [string, number][]; steps: [number, string[]][] }[] = [
    { name: 'nothing is due before its time', labels: [['a', 5_000]], steps: [[4_999, []], [5_000, ['a']], [9_000, []]] },
    { name: 'releases in time order across seconds', labels: [['late', 9_200], ['early', 2_100], ['mid', 5_000]], steps: [[6_000, ['early', 'mid']], [10_000, ['late']]] },
    { name: 'splits a second at the millisecond', labels: [['x', 3_100], ['y', 3_900]], steps: [[3_500, ['x']], [3_899, []], [3_900, ['y']]] },
    { name: 'a label already in the past is due at once', labels: [['old', 1_000]], steps: [[50_000, ['old']]] },
  ];
  for (const row of table) {
    it(row.name, () => {
      const q = new LabelQueue();
      for (const [id, ms] of row.labels) q.add(label(id, T0 + ms));
      for (const [at, want] of row.steps) assert.deepEqual(q.due(T0 + at).map((l) => l.prediction_id), want, `at ${at}`);
      assert.equal(q.size, 0);
    });
  }

  it('accepts labels earlier than what was already drained', () => {
    const q = new LabelQueue();
    q.add(label('b', T0 + 8_000));
    assert.deepEqual(q.due(T0 + 6_000), []);
    q.add(label('a', T0 + 2_000));
    assert.deepEqual(q.due(T0 + 6_000).map((l) => l.prediction_id), ['a']);
    assert.equal(q.size, 1);
  });
});
