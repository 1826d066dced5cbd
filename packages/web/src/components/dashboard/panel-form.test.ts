import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogMetric } from '../../api/query.ts';
import type { PanelSpec } from '../charts/index.tsx';
import { emptyForm, filterFields, fitToMetric, formFromPanel, groupByFields, panelFromForm, validateForm, type PanelForm } from './panel-form.ts';

const metric = (name: string, filters: string[], group_by: string[], source = 'inference', resolution_ms = 60_000): CatalogMetric => ({ name, description: name, unit: 'ms', source, filters, group_by, resolution_ms });
const CATALOG = [
  metric('latency.p99', ['model', 'version', 'segment.<name>'], ['model', 'version', 'segment.<name>']),
  metric('logs.count', ['model', 'level', 'error_class'], ['model', 'level', 'error_class'], 'logs', 1000),
  metric('samples', ['name', 'label.<name>', 'agg'], ['label.<name>'], 'samples', 1000),
];
const form = (patch: Partial<PanelForm>): PanelForm => ({ ...emptyForm(), title: 'P', metric: 'latency.p99', ...patch });

test('filterFields and groupByFields sort catalogue keys into the inputs the editor shows', () => {
  assert.deepEqual(filterFields(CATALOG[0]), { model: true, version: true, plain: [], prefixes: ['segment'] });
  assert.deepEqual(filterFields(CATALOG[1]), { model: true, version: false, plain: ['level', 'error_class'], prefixes: [] });
  assert.deepEqual(filterFields(CATALOG[2]), { model: false, version: false, plain: ['name', 'agg'], prefixes: ['label'] });
  assert.deepEqual(groupByFields(CATALOG[2]), { plain: [], prefixes: ['label'] });
  assert.deepEqual(filterFields(undefined), { model: false, version: false, plain: [], prefixes: [] });
});

test('validateForm names each problem by field', () => {
  const cases: [Partial<PanelForm>, string[], string][] = [
    [{}, [], 'a valid form'],
    [{ title: '  ' }, ['title'], 'blank title'],
    [{ metric: '' }, ['metric'], 'no metric'],
    [{ metric: 'nope' }, ['metric'], 'a metric not in the catalogue'],
    [{ step: '5m' }, [], 'a step on the resolution'],
    [{ step: '90s' }, ['step'], 'a step off the 1-minute resolution'],
    [{ step: 'soon' }, ['step'], 'not a duration'],
    [{ metric: 'samples' }, ['filters.name'], 'samples need a name'],
    [{ metric: 'samples', filters: { name: 'gpu.util' } }, [], 'samples with a name'],
    [{ pairs: [{ prefix: 'segment', key: '', value: 'eu' }] }, ['pairs.0'], 'a filter without a name'],
    [{ pairs: [{ prefix: 'segment', key: 'region', value: 'eu' }, { prefix: 'segment', key: 'a b', value: '' }] }, ['pairs.1'], 'a name with a space'],
    [{ groupByNames: { segment: 'region, bad name', label: '' } }, ['groupBy.segment'], 'group-by names'],
    [{ thresholds: [{ value: '10', color: 'amber' }, { value: 'x', color: 'red' }] }, ['thresholds.1'], 'a threshold that is not a number'],
    [{ thresholds: [{ value: '', color: 'amber' }] }, ['thresholds.0'], 'an empty threshold'],
  ];
  for (const [patch, want, name] of cases) assert.deepEqual(Object.keys(validateForm(form(patch), CATALOG)).sort(), want, name);
  assert.deepEqual(Object.keys(validateForm(form({ metric: 'nope' }), null)), [], 'while the catalogue loads a saved metric is not called unknown');
});

test('a panel survives the round trip through the form', () => {
  const panel: PanelSpec = {
    id: 'lat',
    title: 'p99 in the EU',
    kind: 'stat',
    query: { metric: 'latency.p99', model: ['fraud', 'eta'], version: 'v2', step: '5m', group_by: ['model', 'segment.region'], filters: { 'segment.region': 'eu' } },
    thresholds: [
      { value: 100, color: 'amber' },
      { value: 250, color: 'red' },
    ],
    unit: 'ms',
    layout: { x: 6, y: 2, w: 6, h: 4 },
  };
  assert.deepEqual(panelFromForm(formFromPanel(panel), panel), panel);
  const minimal: PanelSpec = { id: 'c', title: 'Count', kind: 'timeseries', query: { metric: 'predictions.count', model: 'fraud' }, layout: { x: 0, y: 0, w: 12, h: 8 } };
  assert.deepEqual(panelFromForm(formFromPanel(minimal), minimal), minimal);
});

test('panelFromForm trims, leaves out empty fields and sorts thresholds', () => {
  const f = form({ title: ' Errors ', metric: 'logs.count', model: ' a , b ,', filters: { level: 'error', error_class: ' ' }, groupBy: ['level'], thresholds: [{ value: '5', color: 'red' }, { value: '1', color: 'amber' }] });
  assert.deepEqual(panelFromForm(f, { id: 'e', layout: { x: 0, y: 0, w: 6, h: 4 } }), {
    id: 'e',
    title: 'Errors',
    kind: 'timeseries',
    query: { metric: 'logs.count', model: ['a', 'b'], group_by: ['level'], filters: { level: 'error' } },
    thresholds: [
      { value: 1, color: 'amber' },
      { value: 5, color: 'red' },
    ],
    layout: { x: 0, y: 0, w: 6, h: 4 },
  });
});

test('fitToMetric drops what the new metric cannot take', () => {
  const f = form({ model: 'fraud', version: 'v1', pairs: [{ prefix: 'segment', key: 'region', value: 'eu' }], groupBy: ['model', 'version'], groupByNames: { segment: 'region', label: '' }, filters: { level: 'error' } });
  const logs = fitToMetric({ ...f, metric: 'logs.count' }, CATALOG[1]);
  assert.equal(logs.model, 'fraud');
  assert.equal(logs.version, '');
  assert.deepEqual(logs.pairs, []);
  assert.deepEqual(logs.groupBy, ['model']);
  assert.deepEqual(logs.groupByNames, { segment: '', label: '' });
  assert.deepEqual(logs.filters, { level: 'error' });
  const samples = fitToMetric({ ...f, metric: 'samples' }, CATALOG[2]);
  assert.equal(samples.model, '');
  assert.deepEqual(samples.filters, {});
});
