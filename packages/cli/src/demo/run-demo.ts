import { setTimeout as sleep } from 'node:timers/promises';
import { VigilClient, type Deployment, type VigilSdkError } from '@vigil/sdk';
import { diffDeployments, planDeployments } from './deployments.ts';
import { HOUR } from './model-types.ts';
import { DEMO_DEFAULTS, MAX_BACKFILL_HOURS, MAX_RATE, type DemoOptions } from './options.ts';
import { generateWindow, LabelQueue, registrations, type DemoBatch } from './scenario.ts';
import { DEMO_MODELS } from './models.ts';
import { referenceCsv } from './references.ts';
import { describeIncidents, incidentsAt, MINUTE } from './schedule.ts';

export interface RunDemoOptions extends DemoOptions {
  url: string;
  token: string;
  /** aborting it stops the stream; the runner then flushes what is buffered and resolves */
  signal?: AbortSignal;
  /** progress lines; default: console.log */
  log?: (msg: string) => void;
  /** the clock; tests and replays may pass their own */
  now?: () => number;
}

const TICK_MS = 1000;
const PROGRESS_EVERY_MS = 10_000;
const BACKFILL_CHUNK_MS = 10 * MINUTE;
/** the backfill runs at a tenth of the live rate: enough for every chart, quick to send */
const BACKFILL_RATE_FACTOR = 0.1;

interface Counters {
  predictions: number;
  labels: number;
  metrics: number;
  logs: number;
  runs: number;
}

const isConflict = (err: unknown) => typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 409;

async function tolerateExisting(what: string, call: () => Promise<unknown>, log: (m: string) => void): Promise<void> {
  try {
    await call();
    log(`demo: registered ${what}`);
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

async function registerModels(client: VigilClient, log: (m: string) => void): Promise<void> {
  for (const { spec, versions } of registrations()) {
    await tolerateExisting(`model ${spec.id}`, () => client.createModel(spec), log);
    for (const v of versions) await tolerateExisting(`version ${spec.id}@${v.version}`, () => client.createVersion(spec.id, v), log);
  }
}

/** Rows of each demo reference: enough for the 0.5% quantile bins, quick to profile. */
const REFERENCE_ROWS = 20_000;

/** Uploads a training-data reference for every demo model version that has none yet. */
async function uploadReferences(client: VigilClient, seed: number, base: number, log: (m: string) => void): Promise<void> {
  for (const m of DEMO_MODELS) {
    const have = new Set((await client.listReferences(m.spec.id)).map((r) => r.version));
    // the stable version's reference goes last: the newest reference sets the live histograms
    const ordered = [...m.versions.filter((v) => v.version !== m.stableVersion), ...m.versions.filter((v) => v.version === m.stableVersion)];
    for (const v of ordered) {
      if (have.has(v.version)) continue;
      const r = await client.uploadReference(m.spec.id, v.version, referenceCsv(m, v.version, seed, REFERENCE_ROWS, base), { format: 'csv', name: `${m.spec.id}-${v.version}-train.csv` });
      log(`demo: set the drift reference of ${m.spec.id}@${v.version} (${r.rows} rows)`);
    }
  }
}

/** Brings every model's deployment history on the server in line with the plan for [since, now]. */
async function syncDeployments(client: VigilClient, since: number, now: number, log: (m: string) => void): Promise<void> {
  for (const [model, planned] of planDeployments(since, now)) {
    const existing: Deployment[] = await client.listDeployments(model);
    for (const a of diffDeployments(existing, planned)) {
      if (a.op === 'create') {
        await client.createDeployment(model, a.spec);
        if (Date.parse(a.spec.started_at) > now - MINUTE) log(`demo: deployed ${model}@${a.spec.version} to ${a.spec.environment}`);
      } else {
        await client.updateDeployment(model, a.id, a.patch);
        if (a.patch.outcome === 'rolled_back') log(`demo: ${model} deployment ${a.id} rolled back`);
      }
    }
  }
}

function send(client: VigilClient, batch: DemoBatch, labels: LabelQueue, now: number, c: Counters): void {
  for (const p of batch.predictions) client.logPrediction(p);
  for (const m of batch.metrics) client.logMetric(m);
  for (const e of batch.logs) client.logLog(e);
  for (const r of batch.pipelineRuns) client.logPipelineRun(r);
  for (const r of batch.trainingRuns) client.logTrainingRun(r);
  for (const l of batch.labels) labels.add(l);
  const due = labels.due(now);
  for (const l of due) client.logLabel(l);
  c.predictions += batch.predictions.length;
  c.metrics += batch.metrics.length;
  c.logs += batch.logs.length;
  c.runs += batch.pipelineRuns.length + batch.trainingRuns.length;
  c.labels += due.length;
}

function checkOptions(rate: number, backfillHours: number, seed: number): void {
  if (!(rate > 0 && rate <= MAX_RATE)) throw new RangeError(`demo: rate must be above 0 and at most ${MAX_RATE} predictions per second, got ${rate}`);
  if (!(backfillHours >= 0 && backfillHours <= MAX_BACKFILL_HOURS)) throw new RangeError(`demo: backfillHours must be from 0 to ${MAX_BACKFILL_HOURS}, got ${backfillHours}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`demo: seed must be an integer from 0 to 4294967295, got ${seed}`);
}

/**
 * Registers the demo models, sends `backfillHours` of history, then streams live traffic with
 * scheduled incidents until `signal` aborts. Progress goes to `log` every 10 s.
 *
 * @example
 * const ac = new AbortController();
 * process.once('SIGINT', () => ac.abort());
 * await runDemo({ url: 'http://127.0.0.1:8470', token: process.env.VIGIL_TOKEN!, signal: ac.signal });
 */
export async function runDemo(opts: RunDemoOptions): Promise<void> {
  const rate = opts.rate ?? DEMO_DEFAULTS.rate;
  const backfillHours = opts.backfillHours ?? DEMO_DEFAULTS.backfillHours;
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  checkOptions(rate, backfillHours, seed);
  const log = opts.log ?? ((m: string) => console.log(m));
  const clock = opts.now ?? Date.now;
  const signal = opts.signal;
  const c: Counters = { predictions: 0, labels: 0, metrics: 0, logs: 0, runs: 0 };
  let lastError = '';
  const client = new VigilClient({
    url: opts.url,
    token: opts.token,
    batchSize: 1000,
    flushIntervalMs: 1000,
    maxBufferSize: 500_000,
    // the runner owns shutdown: it stops on the signal and closes the client itself
    handleExit: false,
    onError: (err: VigilSdkError) => {
      // refused records are expected: the demo sends a trickle of schema violations on purpose
      if (err.code !== 'records_rejected' || err.kind !== 'predictions') lastError = `${err.code}: ${err.message}`;
    },
  });
  const registry = client;
  const labels = new LabelQueue();
  const progress = (phase: string) => {
    const s = client.stats();
    const err = lastError ? ` last error: ${lastError}` : '';
    log(`demo: ${phase} sent ${c.predictions} predictions, ${c.labels} labels (${labels.size} not yet due), ${c.metrics} metric samples, ${c.logs} logs, ${c.runs} run events; ` +
      `server accepted ${s.accepted} (+${s.duplicates} already stored), refused ${s.rejected} (schema violations on purpose), dropped ${s.dropped};${err}`);
    lastError = '';
  };

  try {
    log(`demo: ${opts.url}, ${rate} predictions/s live, ${backfillHours} h backfill, seed ${seed}`);
    await registerModels(registry, log);
    const start = Math.floor(clock() / 1000) * 1000;
    const since = start - Math.round(backfillHours * HOUR);
    await syncDeployments(registry, since, start, log);
    await uploadReferences(registry, seed, since, log);

    for (let t = since; t < start && !signal?.aborted; t += BACKFILL_CHUNK_MS) {
      const to = Math.min(t + BACKFILL_CHUNK_MS, start);
      send(client, generateWindow(seed, t, to, Math.max(0.5, rate * BACKFILL_RATE_FACTOR)), labels, clock(), c);
      await client.flush();
      if ((to - since) % HOUR === 0 || to === start) progress(`backfill ${((to - since) / HOUR).toFixed(1)}/${backfillHours} h:`);
    }

    let cursor = start;
    let lastProgress = clock();
    let deployState = incidentsAt(start).badDeploy?.since ?? null;
    let lastIncidents = describeIncidents(incidentsAt(start));
    log(`demo: streaming live; incidents now: ${lastIncidents}`);
    while (!signal?.aborted) {
      const now = clock();
      const to = Math.floor(now / 1000) * 1000;
      if (to > cursor) {
        send(client, generateWindow(seed, cursor, to, rate), labels, now, c);
        cursor = to;
      }
      const inc = incidentsAt(now);
      const state = inc.badDeploy?.since ?? null;
      if (state !== deployState) {
        deployState = state;
        // a failed registry call must not stop the traffic; the next state change retries the sync
        await syncDeployments(registry, since, now, log).catch((e: unknown) => log(`demo: could not update deployments: ${(e as Error).message}`));
      }
      const described = describeIncidents(inc);
      if (described !== lastIncidents) log(`demo: incidents now: ${(lastIncidents = described)}`);
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        progress('live:');
        lastProgress = now;
      }
      try {
        await sleep(TICK_MS - (clock() % TICK_MS) + 5, undefined, signal ? { signal } : {});
      } catch {
        // aborted: leave the loop
      }
    }
  } finally {
    await client.close({ timeoutMs: 10_000 });
    progress('stopped:');
  }
}
