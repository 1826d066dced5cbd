import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS } from '../security/types.ts';
import { BUILTIN_DASHBOARDS, builtinDashboard, defaultDashboardFor, OVERVIEW_DASHBOARD_ID } from './defaults.ts';
import { DashboardSpecSchema } from './spec.ts';

for (const d of BUILTIN_DASHBOARDS) {
  test(`${d.id} parses with the schema, unchanged`, () => {
    const r = DashboardSpecSchema.safeParse(d.spec);
    assert.ok(r.success, r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    assert.deepEqual(r.data, d.spec, 'already in parsed form: thresholds sorted, version set');
  });
}

test('one default per persona, named default-<persona>, and the overview for no persona', () => {
  for (const p of PERSONAS) {
    const d = defaultDashboardFor(p);
    assert.equal(d.id, `default-${p}`);
    assert.equal(d.persona, p);
  }
  assert.equal(defaultDashboardFor(null).id, OVERVIEW_DASHBOARD_ID);
  assert.equal(defaultDashboardFor(null).persona, null);
  assert.equal(builtinDashboard('default-operations')?.persona, 'operations');
  assert.equal(builtinDashboard('default-nobody'), null);
  assert.deepEqual(BUILTIN_DASHBOARDS.map((d) => d.id).sort(), [...PERSONAS.map((p) => `default-${p}`), OVERVIEW_DASHBOARD_ID].sort());
});

test('the defaults differ from each other: titles, and the metrics their panels show', () => {
  const titles = BUILTIN_DASHBOARDS.map((d) => d.spec.title);
  assert.equal(new Set(titles).size, titles.length, titles.join(', '));
  const shape = (id: string) => JSON.stringify(builtinDashboard(id)?.spec.panels.map((p) => [p.title, p.query]));
  const shapes = BUILTIN_DASHBOARDS.map((d) => shape(d.id));
  assert.equal(new Set(shapes).size, shapes.length);
});

// What each persona is promised (docs/dashboards.md): the metrics its default must show.
const PROMISED: [string, string[]][] = [
  ['default-ml_engineer', ['predictions.count', 'latency.p99', 'score.distribution', 'feature.mean']],
  ['default-data_engineer', ['quality.violations', 'feature.null_rate', 'logs.count', 'predictions.count']],
  ['default-product_owner', ['predictions.count', 'samples']],
  ['default-operations', ['latency.p50', 'latency.p99', 'predictions.rate', 'logs.count', 'samples']],
  [OVERVIEW_DASHBOARD_ID, ['predictions.count', 'latency.p99', 'logs.count']],
];
for (const [id, metrics] of PROMISED) {
  test(`${id} shows ${metrics.join(', ')}`, () => {
    const shown = new Set(builtinDashboard(id)?.spec.panels.map((p) => p.query.metric));
    for (const m of metrics) assert.ok(shown.has(m), `${id} lacks ${m}`);
  });
}

test('operations reads the host samples the demo sends, product owners the revenue KPI', () => {
  const names = (id: string) => builtinDashboard(id)?.spec.panels.flatMap((p) => (p.query.filters?.name ? [p.query.filters.name] : []));
  assert.deepEqual(names('default-operations'), ['node_cpu_utilization', 'node_memory_used_bytes', 'gpu_utilization']);
  assert.deepEqual(names('default-product_owner'), ['business_revenue_per_minute']);
  const stat = builtinDashboard('default-product_owner')?.spec.panels.find((p) => p.id === 'predictions-per-model');
  assert.deepEqual([stat?.kind, stat?.query.group_by], ['stat', ['model']]);
});

test('no panel of a default overlaps another', () => {
  for (const d of BUILTIN_DASHBOARDS) {
    const cells = new Set<string>();
    for (const p of d.spec.panels) {
      for (let x = p.layout.x; x < p.layout.x + p.layout.w; x++) {
        for (let y = p.layout.y; y < p.layout.y + p.layout.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${d.id}: ${p.id} overlaps at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  }
});
