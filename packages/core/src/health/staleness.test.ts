import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../schemas/model.ts';
import { productionVersionAt, staleShares } from './staleness.ts';

const H = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();
const dep = (version: string, from: number, to: number | null, over: Partial<Deployment> = {}): Deployment => ({
  id: version, model_id: 'm', version, environment: 'production', started_at: iso(from), ended_at: to === null ? null : iso(to), outcome: 'succeeded', notes: null, ...over,
});

test('the production version at a time: the latest started and not ended, failed and rolled-back ones left out', () => {
  const deps = [dep('1', 0, 10 * H), dep('2', 10 * H, null), dep('3', 12 * H, null, { outcome: 'rolled_back' }), dep('c', 11 * H, null, { environment: 'canary' })];
  const table: [number, string | null][] = [[-1, null], [0, '1'], [5 * H, '1'], [10 * H, '2'], [13 * H, '2']];
  for (const [t, v] of table) assert.equal(productionVersionAt(deps, t), v, String(t));
});

test('stale share: traffic of other versions over all traffic, null without traffic or production', () => {
  const deps = [dep('1', 0, 10 * H), dep('2', 10 * H, null)];
  const shares = staleShares(deps, [
    { bucket: -H, version: '1', count: 5 },
    { bucket: 9 * H, version: '1', count: 90 }, { bucket: 9 * H, version: '0', count: 10 },
    { bucket: 10 * H, version: '2', count: 97 }, { bucket: 10 * H, version: '1', count: 3 },
    { bucket: 11 * H, version: '2', count: 0 },
  ]);
  assert.deepEqual([...shares], [[-H, null], [9 * H, 0.1], [10 * H, 0.03], [11 * H, null]]);
});
