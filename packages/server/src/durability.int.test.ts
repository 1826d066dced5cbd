import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exited, spawnServer } from './testing/child-server.ts';

const TOKEN = 'durability-token-0123456789';
const H = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const BASE_TS = Date.now() - 6 * 3_600_000;

/** Every prediction has a unique ts, so the list endpoint can page through all of them by time. */
function batch(start: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `d-${start + i}`,
    model: 'dur',
    version: 'v1',
    ts: BASE_TS + start + i,
    features: Object.fromEntries(Array.from({ length: 20 }, (_, j) => [`f${j}`, (start + i + j) % 97])),
    prediction: (start + i) % 2,
    score: 0.5,
    latency_ms: 3,
  }));
}

async function storedIds(url: string): Promise<string[]> {
  const ids: string[] = [];
  let to = BASE_TS + 100_000_000;
  for (;;) {
    const r = await fetch(`${url}/api/v1/predictions?model=dur&limit=10000&from=${BASE_TS}&to=${to}`, { headers: H });
    const items = ((await r.json()) as { items: { id: string; ts: number }[] }).items;
    ids.push(...items.map((p) => p.id));
    if (items.length < 10_000) return ids;
    to = items[items.length - 1]!.ts;
  }
}

test('kill -9 during sustained ingestion loses no acknowledged record and duplicates none', { timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-kill-'));
  const env = { VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_ROLLUP_INTERVAL_MS: '200' };
  const acked = new Set<string>();
  let next = 0;
  try {
    for (let round = 0; round < 3; round++) {
      const { child, url, output } = await spawnServer(env);
      if (round === 0) {
        const m = await fetch(`${url}/api/v1/models`, {
          method: 'POST',
          headers: H,
          body: JSON.stringify({ id: 'dur', name: 'durability', task: 'binary', schema: { features: Array.from({ length: 20 }, (_, j) => ({ name: `f${j}`, type: 'numeric' })) } }),
        });
        assert.equal(m.status, 201, output());
      }
      let stop = false;
      const sender = async () => {
        while (!stop) {
          const start = next;
          next += 250;
          const recs = batch(start, 250);
          try {
            const r = await fetch(`${url}/api/v1/predictions`, { method: 'POST', headers: H, body: JSON.stringify(recs) });
            if (r.status === 200) for (const p of recs) acked.add(p.id);
          } catch {
            /* the server died mid-request: not acknowledged */
          }
        }
      };
      const senders = Array.from({ length: 4 }, sender);
      // kill at a different moment each round, while requests are in flight
      await new Promise((r) => setTimeout(r, 1200 + round * 700));
      child.kill('SIGKILL');
      await exited(child);
      stop = true;
      await Promise.all(senders);
    }
    assert.ok(acked.size > 1000, `enough records were acknowledged (${acked.size})`);
    const { child, url } = await spawnServer(env);
    try {
      const ids = await storedIds(url);
      const stored = new Set(ids);
      assert.equal(ids.length, stored.size, 'no record is stored twice');
      const lost = [...acked].filter((id) => !stored.has(id));
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} acknowledged records lost`);
      // rollups rebuilt behind the watermark agree with the raw events after the crashes
      let counted = -1;
      for (let i = 0; i < 100 && counted !== stored.size; i++) {
        const q = await fetch(`${url}/api/v1/query?metric=predictions.count&model=dur&from=${BASE_TS - 3_600_000}&to=${BASE_TS + 3_600_000}&step=1h`, { headers: H });
        const body = (await q.json()) as { series: { points: [number, number | null][] }[] };
        counted = body.series[0]!.points.reduce((a, p) => a + (p[1] ?? 0), 0);
        if (counted !== stored.size) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(counted, stored.size, 'rollup count equals stored records');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM finishes in-flight batches, flushes and exits 0', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-term-'));
  const env = { VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: TOKEN };
  try {
    const { child, url } = await spawnServer(env);
    await fetch(`${url}/api/v1/models`, { method: 'POST', headers: H, body: JSON.stringify({ id: 'dur', name: 'd', task: 'binary', schema: { features: Array.from({ length: 20 }, (_, j) => ({ name: `f${j}`, type: 'numeric' })) } }) });
    const inflight = Array.from({ length: 6 }, (_, k) => fetch(`${url}/api/v1/predictions`, { method: 'POST', headers: H, body: JSON.stringify(batch(k * 2000, 2000)) }).then((r) => r.status, () => 0));
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGTERM');
    const statuses = await Promise.all(inflight);
    assert.equal(await exited(child), 0);
    const ok = statuses.filter((s) => s === 200).length;
    const again = await spawnServer(env);
    try {
      const ids = await storedIds(again.url);
      assert.ok(ids.length >= ok * 2000, `every acknowledged batch stored (${ids.length} >= ${ok * 2000})`);
      assert.ok(statuses.every((s) => s === 200 || s === 503 || s === 0), `statuses ${statuses}`);
    } finally {
      again.child.kill('SIGTERM');
      await exited(again.child);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
