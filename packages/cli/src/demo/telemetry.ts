import { DEMO_MODELS } from './models.ts';
import { clamp, round, Rng } from './prng.ts';
import { BAD_DEPLOY, incidentsAt, MINUTE, windowAt } from './schedule.ts';
import { diurnalFactor } from './traffic.ts';
import { iso, type LogEvent, type MetricSample } from './wire.ts';

/** Resource samples are taken every 15 s, like a default Prometheus scrape. */
export const METRIC_STEP_MS = 15_000;
const GIB = 1024 ** 3;

/** Which model each simulated host serves; intent-router runs its transformer on a GPU. */
export const HOSTS = [
  { host: 'inference-a', models: ['fraud-detector'], gpu: false },
  { host: 'inference-b', models: ['eta-regressor'], gpu: false },
  { host: 'gpu-1', models: ['intent-router'], gpu: true },
] as const;

const shareOf = (models: readonly string[]) => DEMO_MODELS.filter((m) => models.includes(m.spec.id)).reduce((s, m) => s + m.share, 0);

/** Resource samples at every 15 s step in [from, to), and the revenue KPI at every minute. */
export function metricsBetween(seed: number, from: number, to: number, rate: number): MetricSample[] {
  const out: MetricSample[] = [];
  for (let t = Math.ceil(from / METRIC_STEP_MS) * METRIC_STEP_MS; t < to; t += METRIC_STEP_MS) {
    const rng = Rng.for(seed, 'metrics', t);
    const inc = incidentsAt(t);
    const load = diurnalFactor(t);
    const ts = iso(t);
    for (const h of HOSTS) {
      const labels = { host: h.host };
      const rps = rate * shareOf(h.models) * load;
      const spike = inc.latency !== null && (h.models as readonly string[]).includes(inc.latency.model);
      const bad = inc.badDeploy !== null && (h.models as readonly string[]).includes(inc.badDeploy.model);
      const cpu = clamp(18 + 1.2 * rps + rng.normal(0, 3) + (spike ? 55 : 0) + (bad ? 12 : 0), 0, 100);
      out.push({ name: 'node_cpu_utilization', labels, ts, value: round(cpu, 2) });
      out.push({ name: 'node_memory_used_bytes', labels, ts, value: Math.round((6 + 0.04 * rps + rng.normal(0, 0.1) + (spike ? 3 : 0)) * GIB) });
      out.push({ name: 'network_receive_bytes', labels, ts, value: Math.round(rps * 2200 * (1 + rng.normal(0, 0.05))) + 4000 });
      out.push({ name: 'network_transmit_bytes', labels, ts, value: Math.round(rps * 600 * (1 + rng.normal(0, 0.05))) + 2500 });
      if (h.gpu) {
        const g = { host: h.host, gpu: '0' };
        out.push({ name: 'gpu_utilization', labels: g, ts, value: round(clamp(30 + 2.5 * rps + rng.normal(0, 4) + (bad ? 35 : 0), 0, 100), 2) });
        out.push({ name: 'gpu_memory_used_bytes', labels: g, ts, value: Math.round((9 + rng.normal(0, 0.15) + (bad ? 5.5 : 0)) * GIB) });
      }
    }
    if (t % MINUTE === 0) {
      // misrouted sales conversations during the bad deployment cost revenue
      const revenue = 1800 * load * (1 + rng.normal(0, 0.05)) * (inc.badDeploy ? 0.82 : 1);
      out.push({ name: 'business_revenue_per_minute', labels: { currency: 'EUR' }, ts, value: round(revenue, 2) });
    }
  }
  return out;
}

const BAD_DEPLOY_ERRORS = {
  LabelMapKeyError: 'label map has no entry for class index 7',
  TokenizerShapeError: 'tokenizer output shape (1, 512) does not match model input (1, 384)',
  CUDAOutOfMemoryError: 'CUDA out of memory while allocating 1.2 GiB',
} as const;
const BACKGROUND_ERRORS = {
  UpstreamTimeout: 'feature store request timed out after 250 ms',
  ValidationError: 'request rejected: payload missing required field',
} as const;

/** Log events for every whole second in [from, to). */
export function logsBetween(seed: number, from: number, to: number): LogEvent[] {
  const out: LogEvent[] = [];
  for (let sec = Math.ceil(from / 1000); sec * 1000 < to; sec++) {
    const t = sec * 1000;
    const inc = incidentsAt(t);
    for (const m of DEMO_MODELS) {
      const model = m.spec.id;
      const rng = Rng.for(seed, 'logs', model, sec);
      let i = 0;
      const push = (level: LogEvent['level'], message: string, extra: Partial<LogEvent> = {}) =>
        out.push({ id: `log-${seed.toString(36)}-${m.short}-${sec.toString(36)}-${i++}`, ts: iso(t + rng.int(0, 999)), model, level, message, ...extra });
      if (sec % 30 === DEMO_MODELS.indexOf(m) * 7) push('info', 'health check ok', { attributes: { replicas: 3 } });
      const bad = inc.badDeploy?.model === model;
      const spike = inc.latency?.model === model;
      for (let k = rng.poisson(bad ? 1.2 : 1 / 600); k > 0; k--) {
        const cls = bad ? rng.weighted({ LabelMapKeyError: 60, TokenizerShapeError: 30, CUDAOutOfMemoryError: 10 }) : rng.weighted({ UpstreamTimeout: 3, ValidationError: 1 });
        const message = bad ? BAD_DEPLOY_ERRORS[cls as keyof typeof BAD_DEPLOY_ERRORS] : BACKGROUND_ERRORS[cls as keyof typeof BACKGROUND_ERRORS];
        push('error', message, { error_class: cls, attributes: { version: bad ? BAD_DEPLOY.version : m.stableVersion } });
      }
      for (let k = rng.poisson(spike ? 0.6 : 1 / 240); k > 0; k--) {
        push('warn', 'slow inference call', { attributes: { latency_ms: Math.round(spike ? rng.logNormal(600, 0.4) : rng.logNormal(120, 0.3)) } });
      }
      if (spike) for (let k = rng.poisson(0.15); k > 0; k--) push('error', 'feature store request timed out after 500 ms', { error_class: 'TimeoutError' });
      if (model === BAD_DEPLOY.model) {
        const w = windowAt(t, BAD_DEPLOY.window) ?? windowAt(t - 1000, BAD_DEPLOY.window);
        if (w && w.since === t) push('info', `deployment of ${BAD_DEPLOY.version} to production started`, { attributes: { version: BAD_DEPLOY.version } });
        if (w && w.until === t) push('warn', `error rate above 5%: rolling back ${BAD_DEPLOY.version} to ${BAD_DEPLOY.stableVersion}`, { attributes: { version: BAD_DEPLOY.version } });
      }
    }
  }
  return out;
}
