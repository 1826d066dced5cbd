import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, AlertRule } from '../api/alerts.ts';
import {
  canManageChannels, channelToValues, conditionText, draftToDocument, durationText, emptyDraft, errorsByField, fieldError, historyRules, parseDuration, parsePairs,
  previewData, previewSpans, previewSummary, ruleToDraft, silenceBody, sortAlerts, unplacedErrors, valuesToConfig,
} from './alerts-view.ts';

const alert = (state: Alert['state'], severity: Alert['severity'], since: string): Alert => ({ rule_id: 'r', rule_name: 'r', severity, state, labels: {}, since, value: 1, error: null, updated_at: since });

test('alerts: firing first, then pending, error, no data; within a state most severe, then oldest', () => {
  const sorted = sortAlerts([alert('no_data', 'critical', '1'), alert('pending', 'critical', '1'), alert('firing', 'info', '1'), alert('firing', 'critical', '3'), alert('firing', 'critical', '2'), alert('error', 'info', '1')]);
  assert.deepEqual(sorted.map((a) => `${a.state}/${a.severity}/${a.since}`), ['firing/critical/2', 'firing/critical/3', 'firing/info/1', 'pending/critical/1', 'error/info/1', 'no_data/critical/1']);
});

test('durations as typed and as shown', () => {
  const cases: [string, number | null][] = [['0', 0], ['30s', 30_000], ['5m', 300_000], ['5min', 300_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['1.5h', 5_400_000], ['', null], ['5', null], ['5 minutes', null], ['-1m', null]];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  assert.equal(durationText(0), '0');
  assert.equal(durationText(300_000), '5m');
  assert.equal(durationText(5_400_000), '1h30m');
  assert.equal(durationText(90_500), '1m30s500ms');
  for (const ms of [0, 1000, 300_000, 86_400_000 + 60_000]) assert.equal(parseDuration(durationText(ms)), ms);
});

test('key=value lists: lines or commas; a line without = is named', () => {
  assert.deepEqual(parsePairs('team=ml\n\n segment.country = FR '), { pairs: { team: 'ml', 'segment.country': 'FR' }, error: null });
  assert.deepEqual(parsePairs('a=1, b=2').pairs, { a: '1', b: '2' });
  assert.equal(parsePairs('team').error, '"team" is not key=value');
  assert.equal(parsePairs('=x').error, '"=x" is not key=value');
});

const stored: AlertRule = {
  id: 'r1', name: 'p99 high', metric: 'latency.p99', model: 'fraud', filters: { 'segment.country': 'FR' }, group_by: ['version'],
  condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 }, severity: 'critical', for: 300_000, keep_firing_for: 600_000,
  evaluation_interval: 60_000, renotify_interval: null, labels: { team: 'ml' }, annotations: {}, no_data_state: 'ok', channels: ['c1'], enabled: true,
  created_by: 'u', created_at: 't', updated_at: 't',
};

test('a stored threshold rule round-trips through the editor, keeping the fields it does not show', () => {
  const d = ruleToDraft(stored);
  assert.ok(d);
  assert.equal(d.for, '5m');
  assert.equal(d.filters, 'segment.country=FR');
  const { doc, errors } = draftToDocument({ ...d, condition: { ...d.condition, value: '600' } }, stored);
  assert.deepEqual(errors, {});
  assert.deepEqual(doc, {
    name: 'p99 high', metric: 'latency.p99', model: 'fraud', filters: { 'segment.country': 'FR' }, group_by: ['version'],
    condition: { kind: 'threshold', op: 'above', value: 600, recovery: 400 }, severity: 'critical', for: 300_000, keep_firing_for: 600_000,
    evaluation_interval: 60_000, renotify_interval: null, labels: { team: 'ml' }, annotations: {}, no_data_state: 'ok', channels: ['c1'], enabled: true,
  });
  assert.equal(ruleToDraft({ ...stored, condition: { kind: 'forecast', horizon: 3 } }), null, 'a kind this page does not know is not edited');
});

test('a new rule: model list, no recovery, no runbook; bad fields named by their server names', () => {
  const { doc } = draftToDocument({ ...emptyDraft(), name: ' x ', model: 'a, b', condition: { ...emptyDraft().condition, value: '250' }, runbook_url: 'https://wiki/x' });
  assert.deepEqual(doc, { name: 'x', metric: 'latency.p99', model: ['a', 'b'], filters: {}, condition: { kind: 'threshold', op: 'above', value: 250 }, for: 300_000, severity: 'warning', channels: [], labels: {}, annotations: {}, enabled: true, runbook_url: 'https://wiki/x' });
  const bad = draftToDocument({ ...emptyDraft(), condition: { ...emptyDraft().condition, value: 'lots', recovery: 'x' }, for: 'soon', labels: 'team' });
  assert.equal(bad.doc, null);
  assert.deepEqual(Object.keys(bad.errors).sort(), ['condition.recovery', 'condition.value', 'for', 'labels', 'name']);
});

test("server errors go beside their field; a nested field's under its parent; the rest are listed", () => {
  const errors = errorsByField([
    { field: 'condition.recovery', message: 'must lie below value' },
    { field: 'rule.for', message: 'too long' },
    { field: 'colour', message: 'not a known field' },
  ]);
  assert.equal(fieldError(errors, 'for'), 'too long');
  assert.equal(fieldError(errors, 'condition'), 'recovery: must lie below value');
  assert.equal(fieldError(errors, 'condition.recovery'), 'must lie below value');
  assert.equal(fieldError(errors, 'name'), undefined);
  assert.deepEqual(unplacedErrors(errors, ['condition', 'for']), ['colour: not a known field']);
});

test('conditions in words', () => {
  assert.equal(conditionText(stored), 'above 500 (recovers at 400)');
  assert.equal(conditionText({ condition: { kind: 'threshold', op: 'below', value: 0.9 } }), 'below 0.9');
  assert.equal(conditionText({ condition: { kind: 'anomaly', method: 'seasonal', sensitivity: 4, direction: 'both' } }), 'anomaly (seasonal, sensitivity 4)');
  assert.equal(conditionText({ condition: { kind: 'anomaly', method: 'ewma', sensitivity: 5, direction: 'above' } }), 'anomaly (ewma, sensitivity 5, above only)');
  assert.equal(conditionText({ condition: { kind: 'absence', duration: 600_000 } }), 'no data for 10m');
  assert.equal(conditionText({ condition: { kind: 'drift', target: 'share', value: 0.5 } }), 'drifted share above 0.5');
  assert.equal(conditionText({ condition: { kind: 'drift', target: 'feature', method: 'ks', value: 0.01 } }), 'drift ks past 0.01');
  assert.equal(conditionText({ condition: { kind: 'performance_drop', source: 'realized', mode: 'relative', value: 0.1 } }), 'drop above 0.1 (relative)');
  assert.equal(conditionText({ condition: { kind: 'error_rate', value: 0.05, recovery: 0.02 } }), 'error rate above 0.05 (recovers at 0.02)');
  assert.equal(conditionText({ condition: { kind: 'forecast' } }), 'forecast');
});

test('preview spans: pending then firing until resolved; a state still open lasts to the end', () => {
  const transitions = [
    { at: 100, from: 'ok', to: 'pending', value: 1 },
    { at: 200, from: 'pending', to: 'firing', value: 1 },
    { at: 400, from: 'firing', to: 'resolved', value: 0 },
    { at: 500, from: 'resolved', to: 'ok', value: 0 },
    { at: 700, from: 'ok', to: 'firing', value: 2 },
  ] as const;
  assert.deepEqual(previewSpans({ transitions: [...transitions] }, 900), [
    { from: 100, to: 200, state: 'pending' },
    { from: 200, to: 400, state: 'firing' },
    { from: 700, to: 900, state: 'firing' },
  ]);
  assert.deepEqual(previewSpans({ transitions: [] }, 900), []);
});

test('preview data: seconds, the value, and one flat column per level', () => {
  const [xs, ...ys] = previewData({ values: [[1000, 5], [2000, null]] }, [4]);
  assert.deepEqual([...xs], [1, 2]);
  assert.deepEqual(ys, [[5, null], [4, 4]]);
  assert.equal(previewData({ values: [[1000, 5]] }, [4, 3]).length, 4);
  assert.equal(previewData({ values: [[1000, 5]] }, []).length, 2);
});

test('preview summary', () => {
  assert.match(previewSummary({ series: [] }), /No data/);
  assert.match(previewSummary({ series: [{ transitions: [], notifications: [] }] }), /would not have fired/i);
  const t = { at: 1, from: 'ok', to: 'firing', value: 1 } as const;
  assert.equal(previewSummary({ series: [{ transitions: [t, t], notifications: [{ kind: 'firing', at: 1, status: 'firing', value: 1 }] }] }), 'Would have fired 2 times and sent 1 notification in the last 7 days (1 series).');
});

test('history filter: known rules by name, deleted ones marked', () => {
  const items = [{ id: 1, rule_id: 'gone', rule_name: null, labels: {}, from: 'ok', to: 'firing', at: 't', value: 1, detail: {} }] as const;
  assert.deepEqual(historyRules([...items], [stored]), [{ id: 'gone', name: 'gone (deleted)' }, { id: 'r1', name: 'p99 high' }]);
});

test('a silence: matchers, an end from a duration, a reason; each missing part named', () => {
  const { body } = silenceBody({ matchers: 'model=fraud', duration: '2h', comment: ' deploy ' }, Date.UTC(2025, 0, 1));
  assert.deepEqual(body, { matchers: { model: 'fraud' }, ends_at: '2025-01-01T02:00:00.000Z', comment: 'deploy' });
  assert.deepEqual(Object.keys(silenceBody({ matchers: '', duration: 'later', comment: '' }, 0).errors).sort(), ['comment', 'ends_at', 'matchers']);
});

test('channel forms: secrets are write-only; editing keeps a secret left empty', () => {
  const values = channelToValues({ type: 'webhook', config: { type: 'webhook', url: 'http://hooks.example', secret: '[redacted]' } });
  assert.deepEqual(values, { url: 'http://hooks.example', secret: '' });
  assert.deepEqual(valuesToConfig('webhook', values, true), { config: { type: 'webhook', url: 'http://hooks.example' }, errors: {} });
  assert.deepEqual(valuesToConfig('webhook', values, false).errors, { secret: 'required' });
  const email = valuesToConfig('email', { 'smtp.host': 'mx', 'smtp.port': '587', 'smtp.secure': 'false', from: 'v@x', to: 'a@x, b@x', 'smtp.user': '', 'smtp.password': '' }, false);
  assert.deepEqual(email.config, { type: 'email', smtp: { host: 'mx', port: 587, secure: false }, from: 'v@x', to: ['a@x', 'b@x'] });
  assert.deepEqual(valuesToConfig('email', { 'smtp.host': 'mx', 'smtp.port': 'x', from: 'a', to: 'b' }, false).errors, { 'smtp.port': 'must be a whole number' });
});

test('only administrators of every model manage channels', () => {
  assert.equal(canManageChannels([{ role: 'admin', scope: { kind: 'all' } }]), true);
  assert.equal(canManageChannels([{ role: 'admin', scope: { kind: 'team', team: 't' } }, { role: 'editor', scope: { kind: 'all' } }]), false);
});
