import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RetrainingTrigger } from '../api/models.ts';
import { buildFlow, trainingStage, triggerRuleName, withLastTrigger, type DeploymentRecord } from './flow.ts';
import { deliveryStatus, lifecycleEvents, triggerEvidence } from './lifecycle.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A trigger as GET /models/{id}/retraining-triggers lists it. */
const trigger = (over: Partial<RetrainingTrigger> = {}): RetrainingTrigger => ({
  trigger_id: 'tr-1', model: 'fraud', version: '2.0', rule_id: 'rule-1', reason: 'p99 high: latency.p99 907.031 above 500',
  evidence: { rule_name: 'p99 high', metric: 'latency.p99', condition: 'threshold', value: 907.031, threshold: 500, op: 'above', window: { from: iso(NOW - 2 * HOUR - 60_000), to: iso(NOW - 2 * HOUR) }, labels: { model: 'fraud' } },
  triggered_at: iso(NOW - 2 * HOUR), delivery: { status: 'sent', attempts: 1, sent_at: iso(NOW - 2 * HOUR), last_error: null }, ...over,
});

test("a trigger's rule: the evidence's name, else the reason's prefix, else the id", () => {
  assert.equal(triggerRuleName(trigger()), 'p99 high');
  assert.equal(triggerRuleName(trigger({ evidence: {} })), 'p99 high');
  assert.equal(triggerRuleName(trigger({ evidence: {}, reason: 'no colon here' })), 'rule-1');
});

test('delivery in words and colour', () => {
  const d = (status: string, attempts: number, last_error: string | null = null) => deliveryStatus({ status, attempts, sent_at: null, last_error });
  assert.deepEqual(d('sent', 1), { status: 'healthy', text: 'delivered (1 attempt)' });
  assert.deepEqual(d('failed', 10, 'webhook at https://ml.example answered 404'), { status: 'problem', text: 'not delivered after 10 attempts: webhook at https://ml.example answered 404' });
  assert.deepEqual(d('pending', 0), { status: 'unknown', text: 'pending' });
  assert.deepEqual(d('pending', 2), { status: 'unknown', text: 'pending, retrying (2 attempts)' });
  assert.deepEqual(d('sending', 1), { status: 'unknown', text: 'sending' });
});

test("why: the server's reason without the rule's name, else the evidence's value and threshold; then the step evaluated", () => {
  assert.deepEqual(triggerEvidence(trigger()), ['latency.p99 907.031 above 500', 'step from 09:59 UTC']);
  assert.deepEqual(triggerEvidence(trigger({ reason: '' })), ['latency.p99 907 (above 500)', 'step from 09:59 UTC']);
  assert.deepEqual(triggerEvidence(trigger({ reason: '', evidence: {} })), []);
});

test('versions, deployments and triggers on one timeline, newest first; a tie puts the trigger first', () => {
  const versions = [{ version: '2.0', created_at: iso(NOW - 48 * HOUR), validation_metrics: { auc: 0.91 } }];
  const deployments: DeploymentRecord[] = [{ id: 'd1', version: '2.0', environment: 'production', started_at: iso(NOW - 24 * HOUR), outcome: 'succeeded', ended_at: null, notes: 'canary ok' }];
  const triggers = [trigger(), trigger({ trigger_id: 'tr-0', triggered_at: iso(NOW - 24 * HOUR), delivery: { status: 'failed', attempts: 10, sent_at: null, last_error: 'answered 404' } })];
  const events = lifecycleEvents(versions, deployments, triggers);
  assert.deepEqual(events.map((e) => [e.kind, e.title, e.status, e.statusText]), [
    ['retrain', 'by p99 high (serving 2.0)', 'healthy', 'delivered (1 attempt)'],
    ['retrain', 'by p99 high (serving 2.0)', 'problem', 'not delivered after 10 attempts: answered 404'],
    ['deployment', '2.0 to production', 'healthy', 'succeeded'],
    ['version', '2.0', 'healthy', 'registered'],
  ]);
  assert.equal(events[0]?.at, NOW - 2 * HOUR);
  assert.deepEqual(events[0]?.details, ['latency.p99 907.031 above 500', 'step from 09:59 UTC']);
  assert.deepEqual(events[2]?.details, ['canary ok']);
  assert.deepEqual(events[3]?.details, ['auc 0.91']);
  assert.deepEqual(lifecycleEvents([], [], []), []);
});

test('the training stage shows the last trigger: when, by which rule; an undelivered one turns it amber', () => {
  const runs = [{ run_id: 'run-7', version: '2.0', status: 'succeeded', started_at: NOW - 30 * HOUR, ended_at: NOW - 29 * HOUR, params: {}, metrics: {} }];
  const base = trainingStage(runs, [], NOW);
  const s = withLastTrigger(base, [trigger(), trigger({ rule_id: 'older', triggered_at: iso(NOW - 30 * HOUR) })], NOW);
  assert.equal(s.details[0], 'retraining requested 2 h ago by p99 high');
  assert.deepEqual(s.details.slice(1), base.details);
  assert.equal(s.status, 'healthy');
  assert.deepEqual(withLastTrigger(base, [], NOW), base, 'no trigger, no change');
  const failed = withLastTrigger(base, [trigger({ delivery: { status: 'failed', attempts: 10, sent_at: null, last_error: 'x' } })], NOW);
  assert.deepEqual([failed.status, failed.statusText, failed.details[1]], ['warning', 'Retrain not delivered', 'the pipeline did not receive it']);
  const pending = withLastTrigger(base, [trigger({ delivery: { status: 'pending', attempts: 0, sent_at: null, last_error: null } })], NOW);
  assert.equal(pending.details[1], 'delivery to the pipeline pending');
  // without runs the stage stays grey, and says a retrain was requested
  const none = withLastTrigger(trainingStage([], [], NOW), [trigger()], NOW);
  assert.deepEqual([none.status, none.statusText], ['no_data', 'Retrain requested']);
  // a failing run stays red
  const red = withLastTrigger(trainingStage([{ ...runs[0]!, status: 'failed' }], [], NOW), [trigger({ delivery: { status: 'failed', attempts: 1, sent_at: null, last_error: null } })], NOW);
  assert.deepEqual([red.status, red.statusText], ['problem', 'Failed']);
});

test('buildFlow puts the last trigger on the training stage', () => {
  const stages = buildFlow({ pipelineRuns: [], trainingRuns: [], versions: [], deployments: [], overview: null, errors: null, triggers: [trigger()] }, NOW);
  assert.equal(stages.find((s) => s.name === 'training')?.details[0], 'retraining requested 2 h ago by p99 high');
  assert.equal(buildFlow({ pipelineRuns: [], trainingRuns: [], versions: [], deployments: [], overview: null, errors: null }, NOW)[1]?.details[0], 'no training run reported for this model');
});
