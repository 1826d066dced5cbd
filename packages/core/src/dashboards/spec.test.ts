import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSpecSchema, type DashboardSpecInput } from './spec.ts';

const panel = (id: string, over: Record<string, unknown> = {}) => ({
  id, title: `Panel ${id}`, kind: 'timeseries', query: { metric: 'predictions.count' }, layout: { x: 0, y: 0, w: 12, h: 8 }, ...over,
});
const spec = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ title: 'Risk', panels: [panel('a')], ...over });

/** The field paths of every issue, "(ok)" when the spec parses. */
const issues = (input: unknown): string[] => {
  const r = DashboardSpecSchema.safeParse(input);
  return r.success ? ['(ok)'] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const paths = (input: unknown): string[] => issues(input).map((i) => i.split(': ')[0] as string);

test('a minimal spec parses with version 1 filled in', () => {
  const r = DashboardSpecSchema.parse(spec());
  assert.equal(r.version, 1);
  assert.deepEqual(r.panels[0]?.layout, { x: 0, y: 0, w: 12, h: 8 });
});

test('thresholds come back sorted by value', () => {
  const r = DashboardSpecSchema.parse(spec({ panels: [panel('a', { thresholds: [{ value: 90, color: 'red' }, { value: -1, color: 'blue' }, { value: 70, color: 'amber' }] })] }));
  assert.deepEqual(r.panels[0]?.thresholds?.map((t) => t.value), [-1, 70, 90]);
});

test('a full spec with every optional field parses unchanged', () => {
  const full: DashboardSpecInput = {
    version: 1,
    title: 'Ops',
    description: 'on call',
    time: { from: 'now-24h', to: 'now' },
    panels: [
      panel('cpu', { kind: 'stat', unit: '%', query: { metric: 'samples', filters: { name: 'node_cpu_utilization', agg: 'max', 'label.host': 'a' }, group_by: ['label.host'], step: '1m' } }),
      panel('p99', { query: { metric: 'latency.p99', model: ['fraud', 'churn'], version: 'v2', group_by: ['segment.region'], filters: { 'segment.country': 'DE' } }, layout: { x: 12, y: 1000, w: 12, h: 40 } }),
      panel('logs', { kind: 'table', query: { metric: 'logs.count', model: 'fraud', filters: { level: 'error' }, group_by: ['error_class'] }, layout: { x: 23, y: 0, w: 1, h: 1 } }),
    ] as DashboardSpecInput['panels'],
  };
  assert.deepEqual(DashboardSpecSchema.parse(full), full);
  assert.deepEqual(issues({ ...full, time: { from: '2025-01-01T00:00:00Z', to: '1735776000000' } }), ['(ok)']);
});

// Each row: a change to the minimal spec and the field paths that must be named.
const BAD: [string, Record<string, unknown>, string[]][] = [
  ['empty title', { title: '' }, ['title']],
  ['long title', { title: 'x'.repeat(201) }, ['title']],
  ['long description', { description: 'x'.repeat(2001) }, ['description']],
  ['version 2', { version: 2 }, ['version']],
  ['unknown top-level key', { owner: 'me' }, ['']],
  ['time that is not a bound', { time: { from: 'yesterday', to: 'now' } }, ['time.from']],
  ['time without to', { time: { from: 'now-1h' } }, ['time.to']],
  ['no panels field', { panels: undefined }, ['panels']],
  ['101 panels', { panels: Array.from({ length: 101 }, (_, i) => panel(`p${i}`)) }, ['panels']],
  ['duplicate panel ids', { panels: [panel('a'), panel('b'), panel('a')] }, ['panels.2.id']],
  ['unknown metric', { panels: [panel('a', { query: { metric: 'accuracy' } })] }, ['panels.0.query.metric']],
  ['unknown kind', { panels: [panel('a', { kind: 'pie' })] }, ['panels.0.kind']],
  ['empty id', { panels: [panel('')] }, ['panels.0.id']],
  ['id of 65 characters', { panels: [panel('x'.repeat(65))] }, ['panels.0.id']],
  ['x + w past the grid', { panels: [panel('a', { layout: { x: 13, y: 0, w: 12, h: 8 } })] }, ['panels.0.layout.w']],
  ['x of 24', { panels: [panel('a', { layout: { x: 24, y: 0, w: 1, h: 8 } })] }, ['panels.0.layout.x', 'panels.0.layout.w']],
  ['w of 0, h of 41, y of 1001, fractional x', { panels: [panel('a', { layout: { x: 0.5, y: 1001, w: 0, h: 41 } })] }, ['panels.0.layout.x', 'panels.0.layout.y', 'panels.0.layout.w', 'panels.0.layout.h']],
  ['layout missing', { panels: [panel('a', { layout: undefined })] }, ['panels.0.layout']],
  ['11 thresholds', { panels: [panel('a', { thresholds: Array.from({ length: 11 }, (_, i) => ({ value: i, color: 'red' })) })] }, ['panels.0.thresholds']],
  ['a colour off the palette', { panels: [panel('a', { thresholds: [{ value: 1, color: 'pink' }] })] }, ['panels.0.thresholds.0.color']],
  ['unknown panel key', { panels: [panel('a', { colour: 'red' })] }, ['panels.0']],
  ['unknown query key', { panels: [panel('a', { query: { metric: 'predictions.count', from: 'now-1h' } })] }, ['panels.0.query']],
  ['group by a key the metric lacks', { panels: [panel('a', { query: { metric: 'predictions.count', group_by: ['model', 'feature'] } })] }, ['panels.0.query.group_by.1']],
  ['filter the metric does not take', { panels: [panel('a', { query: { metric: 'logs.count', filters: { feature: 'x' } } })] }, ['panels.0.query.filters.feature']],
  ['version filter on logs', { panels: [panel('a', { query: { metric: 'logs.count', version: 'v1' } })] }, ['panels.0.query.version']],
  ['samples without a name', { panels: [panel('a', { query: { metric: 'samples', filters: { agg: 'median' } } })] }, ['panels.0.query.filters.name', 'panels.0.query.filters.agg']],
  ['a step that is not a duration', { panels: [panel('a', { query: { metric: 'predictions.count', step: 'hourly' } })] }, ['panels.0.query.step']],
  ['an empty model list', { panels: [panel('a', { query: { metric: 'predictions.count', model: [] } })] }, ['panels.0.query.model']],
];

for (const [name, change, want] of BAD) {
  test(`refused, naming its fields: ${name}`, () => {
    assert.deepEqual(paths(spec(change)).sort(), [...want].sort(), issues(spec(change)).join('\n'));
  });
}

test('every problem is reported at once, each with its path', () => {
  const got = paths(spec({ title: '', panels: [panel('a', { kind: 'pie' }), panel('a', { query: { metric: 'nope' } })] }));
  assert.deepEqual(got.sort(), ['panels.0.kind', 'panels.1.id', 'panels.1.query.metric', 'title']);
});

test('error messages say what is wrong', () => {
  assert.match(issues(spec({ panels: [panel('a'), panel('a')] }))[0] ?? '', /duplicate panel id "a"/);
  assert.match(issues(spec({ panels: [panel('a', { query: { metric: 'accuracy' } })] }))[0] ?? '', /unknown metric "accuracy"/);
  assert.match(issues(spec({ panels: [panel('a', { layout: { x: 20, y: 0, w: 6, h: 1 } })] }))[0] ?? '', /x \+ w must be at most 24/);
});
