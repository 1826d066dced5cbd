import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVigilError } from '@vigil/core';
import { demoOptionsFromEnv } from './options.ts';

describe('demoOptionsFromEnv', () => {
  const ok: { env: Record<string, string>; want: object }[] = [
    { env: {}, want: {} },
    { env: { VIGIL_DEMO_RATE: '' }, want: {} },
    { env: { VIGIL_DEMO_RATE: '200' }, want: { rate: 200 } },
    { env: { VIGIL_DEMO_RATE: ' 2.5 ' }, want: { rate: 2.5 } },
    { env: { VIGIL_DEMO_BACKFILL_HOURS: '0' }, want: { backfillHours: 0 } },
    { env: { VIGIL_DEMO_BACKFILL_HOURS: '0.5', VIGIL_DEMO_SEED: '7' }, want: { backfillHours: 0.5, seed: 7 } },
    { env: { VIGIL_DEMO_SEED: '4294967295', OTHER: 'x' }, want: { seed: 4294967295 } },
  ];
  for (const row of ok) {
    it(`accepts ${JSON.stringify(row.env)}`, () => assert.deepEqual(demoOptionsFromEnv(row.env), row.want));
  }

  const bad: { env: Record<string, string>; names: string }[] = [
    { env: { VIGIL_DEMO_RATE: 'fast' }, names: 'VIGIL_DEMO_RATE' },
    { env: { VIGIL_DEMO_RATE: '0' }, names: 'VIGIL_DEMO_RATE' },
    { env: { VIGIL_DEMO_RATE: '-5' }, names: 'VIGIL_DEMO_RATE' },
    { env: { VIGIL_DEMO_RATE: '1e9' }, names: 'VIGIL_DEMO_RATE' },
    { env: { VIGIL_DEMO_BACKFILL_HOURS: '-1' }, names: 'VIGIL_DEMO_BACKFILL_HOURS' },
    { env: { VIGIL_DEMO_BACKFILL_HOURS: '6h' }, names: 'VIGIL_DEMO_BACKFILL_HOURS' },
    { env: { VIGIL_DEMO_BACKFILL_HOURS: '1000' }, names: 'VIGIL_DEMO_BACKFILL_HOURS' },
    { env: { VIGIL_DEMO_SEED: '1.5' }, names: 'VIGIL_DEMO_SEED' },
    { env: { VIGIL_DEMO_SEED: '-1' }, names: 'VIGIL_DEMO_SEED' },
    { env: { VIGIL_DEMO_SEED: 'abc' }, names: 'VIGIL_DEMO_SEED' },
  ];
  for (const row of bad) {
    it(`refuses ${JSON.stringify(row.env)} naming the variable and the value`, () => {
      assert.throws(() => demoOptionsFromEnv(row.env), (err: unknown) => {
        assert.ok(isVigilError(err));
        assert.equal(err.code, 'bad_request');
        assert.ok(err.message.includes(row.names), err.message);
        assert.ok(err.message.includes(`"${Object.values(row.env)[0]}"`), err.message);
        return true;
      });
    });
  }
});
