// Alert evaluation cost: 100 models with two hours of traffic in a temporary data directory,
// 10,000 rules over them (threshold, absence, anomaly, error-rate and performance-drop rules on
// several metrics), then full evaluation cycles one minute apart, every rule due each time. One
// rule in ten notifies a channel; the first cycle writes every series' first state.
// Target (issue 7): under 10 s per cycle. Run: node --import tsx bench/alerts.ts [--cycles 5] [--mix templates|wide]
import { parseArgs } from 'node:util';
import { evaluateAlerts } from '../packages/server/src/services/evaluate-alerts.ts';
import { fraudModel, startTestServer } from '../packages/server/src/testing/test-server.ts';
import { machine, percentile } from './lib.ts';

const { values: args } = parseArgs({ options: { cycles: { type: 'string', default: '5' }, models: { type: 'string', default: '100' }, rules: { type: 'string', default: '10000' }, mix: { type: 'string', default: 'templates' } } });
// templates: ten rule templates per model (7 distinct queries a cycle, rules of the same template
// share one); wide: every rule of a model reads a different metric and step (100 distinct queries
// a cycle: 10 metrics × 10 evaluation intervals), so batching helps only across models
const WIDE = args.mix === 'wide';
const MODELS = Number(args.models);
const RULES = Number(args.rules);
const CYCLES = Number(args.cycles);
const MIN = 60_000;
const now0 = Math.floor(Date.now() / MIN) * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

const s = await startTestServer({ VIGIL_ALERTS_ENABLED: 'false', VIGIL_INGEST_RATE_LIMIT: '0', VIGIL_API_RATE_LIMIT: '0' });
try {
  const ids = Array.from({ length: MODELS }, (_, i) => `m${String(i).padStart(3, '0')}`);
  for (const id of ids) {
    const r = await s.call('POST', '/api/v1/models', { ...fraudModel, id });
    if (r.status !== 201) throw new Error(`model ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // two hours, 4 predictions a minute per model; every tenth model slows down in the last 20 minutes
  const t0 = performance.now();
  let sent = 0;
  for (const [mi, id] of ids.entries()) {
    const recs = Array.from({ length: 120 * 4 }, (_, i) => {
      const ts = now0 - 120 * MIN + Math.floor(i / 4) * MIN + (i % 4) * 10_000;
      const slow = mi % 10 === 0 && ts > now0 - 20 * MIN;
      return { id: `${id}-${i}`, model: id, version: 'v1', ts: iso(ts), features: { amount: i % 1000, country: 'DE', is_new: true, note: null }, prediction: i % 2, score: (i % 100) / 100, latency_ms: (slow ? 800 : 40) + (i % 13) };
    });
    const r = await s.call('POST', '/api/v1/predictions', recs);
    if (r.status !== 200) throw new Error(`ingest ${id}: ${r.status}`);
    sent += recs.length;
  }
  await s.server.ctx.stores.events.rollupStep();
  const ingestS = (performance.now() - t0) / 1000;

  const meta = s.server.ctx.stores.meta;
  const ch = await meta.createChannel({ name: 'bench hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/x', secret: 's'.repeat(20) } }, iso(Date.now()));
  const kinds: ((model: string, i: number) => Record<string, unknown>)[] = [
    (model, i) => ({ metric: 'latency.p99', model, condition: { kind: 'threshold', op: 'above', value: 100 + (i % 7) * 100, recovery: 80 }, for: 2 * MIN }),
    (model, i) => ({ metric: 'latency.mean', model, group_by: ['version'], condition: { kind: 'threshold', op: 'above', value: 50 + i % 500 } }),
    (model, i) => ({ metric: 'predictions.count', model, condition: { kind: 'threshold', op: 'below', value: 1 + (i % 5) } }),
    (model) => ({ metric: 'score.mean', model, condition: { kind: 'threshold', op: 'above', value: 0.9 } }),
    (model, i) => ({ metric: 'predictions.count', model, condition: { kind: 'absence', duration: (3 + (i % 10)) * MIN } }),
    (model) => ({ metric: 'latency.p99', model, condition: { kind: 'anomaly', method: 'ewma', sensitivity: 4 } }),
    (model) => ({ metric: 'predictions.count', model, evaluation_interval: 5 * MIN, condition: { kind: 'anomaly', method: 'seasonal', sensitivity: 4 } }),
    (model, i) => ({ metric: 'errors.rate', model, condition: { kind: 'error_rate', value: 0.01 * (1 + (i % 5)) } }),
    (model) => ({ metric: 'performance.accuracy', model, condition: { kind: 'performance_drop', source: 'realized', value: 0.05 } }),
    (model, i) => ({ metric: 'latency.p99', model, severity: 'critical', condition: { kind: 'threshold', op: 'above', value: 300 + (i % 7) * 100 }, channels: [ch.id] }),
  ];
  const wideMetrics = ['latency.p50', 'latency.p90', 'latency.p99', 'latency.mean', 'predictions.count', 'predictions.rate', 'score.mean', 'batch_size.mean', 'labels.coverage', 'score.low_confidence_share'];
  const wide = (model: string, i: number) => {
    const k = Math.floor(i / MODELS) % 100;
    return { metric: wideMetrics[k % 10], model, evaluation_interval: (1 + Math.floor(k / 10)) * MIN, condition: { kind: 'threshold', op: 'above', value: 1000 + (i % 7) } };
  };
  for (let i = 0; i < RULES; i++) {
    const model = ids[i % MODELS] as string;
    const spec = { id: `r${i}`, name: `rule ${i}`, ...(WIDE ? wide(model, i) : (kinds[Math.floor(i / MODELS) % kinds.length] as (m: string, i: number) => Record<string, unknown>)(model, i)) };
    await meta.createAlertRule({ name: spec.name, enabled: true, spec, created_by: null }, iso(Date.now()));
  }

  const times: number[] = [];
  let last = null as Awaited<ReturnType<typeof evaluateAlerts>> | null;
  for (let c = 0; c < CYCLES; c++) {
    const t = performance.now();
    // cycles a minute apart, the last one just after the last minute of traffic
    last = await evaluateAlerts({ ctx: s.server.ctx, input: { now: now0 - (CYCLES - 1 - c) * MIN + 1000 } });
    times.push((performance.now() - t) / 1000);
    console.log(`cycle ${c + 1}: ${times[c]?.toFixed(2)} s, ${last.evaluated.length} rules, ${last.queries} queries, ${last.series} series, ${last.transitions} transitions, ${last.enqueued} notifications enqueued, ${last.failed} failed`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const states = await meta.listAlertStates();
  const by = new Map<string, number>();
  for (const st of states) by.set(st.state, (by.get(st.state) ?? 0) + 1);
  console.log(`\nbench:alerts on ${machine()}`);
  console.log(`${MODELS} models, ${sent} predictions (ingested in ${ingestS.toFixed(1)} s), ${RULES} rules (${WIDE ? 'wide mix' : 'templates'}), ${CYCLES} cycles`);
  console.log(`cycle time: p50 ${percentile(sorted, 0.5).toFixed(2)} s, p95 ${percentile(sorted, 0.95).toFixed(2)} s, max ${(sorted[sorted.length - 1] ?? 0).toFixed(2)} s (target < 10 s: ${(sorted[sorted.length - 1] ?? 0) < 10 ? 'met' : 'MISSED'})`);
  console.log(`states after the last cycle: ${[...by].map(([k, v]) => `${k} ${v}`).join(', ')}`);
} finally {
  await s.stop();
}
