import { randomUUID } from 'node:crypto';
import { Batcher } from './batcher.ts';
import { VigilApiError, type VigilSdkError } from './errors.ts';
import { registerExitFlush, unregisterExitFlush, type ExitFlushable } from './exit.ts';
import { encodeRecord } from './encode.ts';
import { apiErrorFrom, backoffDelay, HttpTransport, sleep } from './http.ts';
import type {
  ClientStats,
  Deployment,
  DeploymentPatch,
  DeploymentSpec,
  DropReason,
  LabelRecord,
  LogRecord,
  MetricRecord,
  Model,
  ModelPatch,
  ModelSpec,
  ModelVersion,
  PipelineRunRecord,
  PredictionRecord,
  RecordKind,
  TrainingRunRecord,
  VersionSpec,
  ReferenceUpload,
} from './types.ts';

/** Options of {@link VigilClient}; only `url` and `token` are required. */
export interface VigilClientOptions {
  /** server base URL, e.g. `http://127.0.0.1:8470` (a path prefix behind a proxy is kept) */
  url: string;
  /** API key or admin token, sent as `Authorization: Bearer …` */
  token: string;
  /** records per request (default 500); a kind is sent as soon as this many are queued */
  batchSize?: number;
  /** how often queued records are sent even if the batch is not full (default 1000 ms) */
  flushIntervalMs?: number;
  /** most records held in memory, all kinds together (default 100 000); the oldest are dropped beyond it */
  maxBufferSize?: number;
  /** retries of a batch after 429, 5xx, network errors or timeouts before it is dropped (default 8) */
  maxRetries?: number;
  /** gzip request bodies of 1 KiB or more (default true) */
  gzip?: boolean;
  /** per-request timeout (default 10 000 ms) */
  timeoutMs?: number;
  /** most JSON characters per request before a batch is cut short (default 4 MiB) */
  maxBatchBytes?: number;
  /** back-off base (default 200 ms): retry n waits a random time in [0, min(cap, base·2^n)) */
  retryBaseMs?: number;
  /** back-off cap (default 30 000 ms) */
  retryMaxDelayMs?: number;
  /** flush on process 'beforeExit', SIGTERM and SIGINT (default true) */
  handleExit?: boolean;
  /** how long a SIGTERM / SIGINT waits for the flush before re-raising the signal (default 5 000 ms) */
  shutdownTimeoutMs?: number;
  /** background problems (refused records, dropped batches); default: a rate-limited warning on stderr */
  onError?: (err: VigilSdkError) => void;
  /** records the SDK gave up, with the reason; called synchronously, keep it cheap */
  onDrop?: (kind: RecordKind, records: unknown[], reason: DropReason) => void;
}

export interface FlushOptions {
  /** stop waiting after this long; unsent records stay buffered and keep being sent in the background */
  timeoutMs?: number;
}

const WARN_EVERY_MS = 10_000;
const REGISTRY_RETRIES = 3;

/** Rate-limited stderr warning: a monitoring SDK must not flood the logs of the service it watches. */
function stderrReporter(): (err: VigilSdkError) => void {
  let last = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < WARN_EVERY_MS) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} similar messages suppressed)` : '';
    last = now;
    suppressed = 0;
    console.warn(`[vigil-sdk] ${err.code}: ${err.message}${more}`);
  };
}

function positive(name: string, v: number | undefined, dflt: number, min = 1): number {
  const n = v ?? dflt;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min) throw new RangeError(`VigilClient: ${name} must be a number >= ${min}, got ${String(v)}`);
  return n;
}

const seg = encodeURIComponent;

/**
 * Sends predictions, labels, metrics, logs, pipeline and training runs to a Vigil server in
 * batches from a bounded in-memory buffer, and manages the model registry.
 *
 * Logging methods are synchronous and never throw for network reasons: records are queued and
 * sent in the background (every `flushIntervalMs`, or when `batchSize` are queued), retried with
 * exponential back-off and full jitter on 429 / 5xx / network errors, and split in two on 413.
 * Re-sending is safe because the server de-duplicates by record id.
 *
 * @example
 * import { VigilClient } from '@vigil/sdk';
 *
 * const vigil = new VigilClient({ url: 'http://127.0.0.1:8470', token: process.env.VIGIL_TOKEN! });
 * const id = vigil.logPrediction({ model: 'churn', version: '3', features: { age: 41, plan: 'pro' }, prediction: 'yes', score: 0.81 });
 * // … later, when the truth is known
 * vigil.logLabel({ prediction_id: id, model: 'churn', label: 'no' });
 * await vigil.close();
 */
export class VigilClient implements ExitFlushable {
  private readonly transport: HttpTransport;
  private readonly batcher: Batcher;
  private readonly timer: NodeJS.Timeout;
  private readonly handleExit: boolean;
  private readonly retryBaseMs: number;
  private readonly retryMaxDelayMs: number;
  private closing: Promise<void> | null = null;
  readonly shutdownTimeoutMs: number;

  constructor(opts: VigilClientOptions) {
    if (typeof opts?.url !== 'string' || !/^https?:\/\//.test(opts.url)) throw new TypeError(`VigilClient: url must be an http(s) URL, got ${String(opts?.url)}`);
    if (typeof opts.token !== 'string' || opts.token === '') throw new TypeError('VigilClient: token is required');
    const onError = opts.onError ?? stderrReporter();
    const onDrop = opts.onDrop;
    this.retryBaseMs = positive('retryBaseMs', opts.retryBaseMs, 200, 0);
    this.retryMaxDelayMs = positive('retryMaxDelayMs', opts.retryMaxDelayMs, 30_000, 0);
    this.shutdownTimeoutMs = positive('shutdownTimeoutMs', opts.shutdownTimeoutMs, 5_000, 0);
    this.transport = new HttpTransport({ url: opts.url, token: opts.token, timeoutMs: positive('timeoutMs', opts.timeoutMs, 10_000), gzip: opts.gzip ?? true });
    this.batcher = new Batcher(this.transport, {
      batchSize: positive('batchSize', opts.batchSize, 500),
      maxBatchBytes: positive('maxBatchBytes', opts.maxBatchBytes, 4 * 1024 * 1024),
      maxBufferSize: positive('maxBufferSize', opts.maxBufferSize, 100_000),
      maxRetries: positive('maxRetries', opts.maxRetries, 8, 0),
      retryBaseMs: this.retryBaseMs,
      retryMaxDelayMs: this.retryMaxDelayMs,
      onError: (err) => {
        try {
          onError(err);
        } catch {
          // a throwing callback must not break the send loop
        }
      },
      onDrop: (kind, records, reason) => {
        if (onDrop === undefined) return;
        try {
          onDrop(kind, records(), reason);
        } catch {
          // as above
        }
      },
    });
    this.timer = setInterval(() => this.batcher.kick(), positive('flushIntervalMs', opts.flushIntervalMs, 1000));
    this.timer.unref();
    this.handleExit = opts.handleExit ?? true;
    if (this.handleExit) registerExitFlush(this);
  }

  /**
   * Queues a prediction and returns its id (generated when `p.id` is missing, for `logLabel`).
   * @example
   * const id = client.logPrediction({ model: 'churn', version: '3', features: { age: 41 }, prediction: 'yes', score: 0.8 });
   */
  logPrediction(p: PredictionRecord): string {
    const id = typeof p?.id === 'string' && p.id !== '' ? p.id : randomUUID();
    this.enqueue('predictions', { ...p, id, ts: p?.ts ?? new Date() });
    return id;
  }

  /** Queues a label for an earlier prediction. @example client.logLabel({ prediction_id: id, model: 'churn', label: 'no' }); */
  logLabel(l: LabelRecord): void {
    this.enqueue('labels', { ...l, ts: l?.ts ?? new Date() });
  }

  /** Queues a metric sample. @example client.logMetric({ name: 'queue.depth', labels: { queue: 'scoring' }, value: 17 }); */
  logMetric(m: MetricRecord): void {
    this.enqueue('metrics', { ...m, ts: m?.ts ?? new Date() });
  }

  /** Queues a log event and returns its id. @example client.logLog({ level: 'error', model: 'churn', message: 'timeout' }); */
  logLog(e: LogRecord): string {
    const id = typeof e?.id === 'string' && e.id !== '' ? e.id : randomUUID();
    this.enqueue('logs', { ...e, id, ts: e?.ts ?? new Date() });
    return id;
  }

  /** Queues a pipeline run event. @example client.logPipelineRun({ pipeline: 'features', run_id: 'r1', status: 'running' }); */
  logPipelineRun(r: PipelineRunRecord): void {
    this.enqueue('pipeline-runs', { ...r, started_at: r?.started_at ?? new Date() });
  }

  /** Queues a training run event. @example client.logTrainingRun({ run_id: 't1', model: 'churn', status: 'running' }); */
  logTrainingRun(r: TrainingRunRecord): void {
    this.enqueue('training-runs', { ...r, started_at: r?.started_at ?? new Date() });
  }

  /**
   * Sends everything buffered now and resolves when the server acknowledged it or the SDK gave
   * it up (see `onDrop`). Never rejects. While it runs it keeps the process alive.
   * @example
   * await client.flush({ timeoutMs: 5000 });
   */
  async flush(opts: FlushOptions = {}): Promise<void> {
    const keep = setInterval(() => undefined, 60_000);
    try {
      const done = this.batcher.flush();
      await (opts.timeoutMs === undefined ? done : Promise.race([done, sleep(opts.timeoutMs, true)]));
    } finally {
      clearInterval(keep);
    }
  }

  /**
   * Flushes, stops the timer and the exit hooks. Records logged afterwards are dropped (reason `closed`).
   * @example
   * process.on('SIGTERM', async () => { await client.close(); process.exit(0); });
   */
  close(opts: FlushOptions = {}): Promise<void> {
    if (this.closing === null) {
      clearInterval(this.timer);
      if (this.handleExit) unregisterExitFlush(this);
      this.closing = this.flush(opts);
    }
    return this.closing;
  }

  /** Counters since creation. @example const { dropped, buffered } = client.stats(); */
  stats(): ClientStats {
    return this.batcher.stats();
  }

  /** @internal used by the exit hooks */
  get busy(): boolean {
    return this.batcher.busy;
  }

  /** @internal used by the exit hooks */
  flushForExit(timeoutMs: number | undefined): Promise<void> {
    return this.flush(timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Registers a model; throws `VigilApiError` with status 409 when the id exists. */
  createModel(spec: ModelSpec): Promise<Model> {
    return this.call('POST', '/api/v1/models', spec);
  }

  getModel(id: string): Promise<Model> {
    return this.call('GET', `/api/v1/models/${seg(id)}`);
  }

  async listModels(): Promise<Model[]> {
    return unwrapList<Model>(await this.call('GET', '/api/v1/models'));
  }

  updateModel(id: string, patch: ModelPatch): Promise<Model> {
    return this.call('PATCH', `/api/v1/models/${seg(id)}`, patch);
  }

  /** @example await client.createVersion('churn', { version: '3', validation_metrics: { accuracy: 0.91 } }); */
  createVersion(modelId: string, v: VersionSpec): Promise<ModelVersion> {
    return this.call('POST', `/api/v1/models/${seg(modelId)}/versions`, v);
  }

  async listVersions(modelId: string): Promise<ModelVersion[]> {
    return unwrapList<ModelVersion>(await this.call('GET', `/api/v1/models/${seg(modelId)}/versions`));
  }

  /** @example const d = await client.createDeployment('churn', { version: '3', environment: 'production' }); */
  createDeployment(modelId: string, d: DeploymentSpec): Promise<Deployment> {
    return this.call('POST', `/api/v1/models/${seg(modelId)}/deployments`, d);
  }

  /** @example await client.updateDeployment('churn', d.id, { outcome: 'succeeded', ended_at: new Date() }); */
  updateDeployment(modelId: string, deploymentId: string, patch: DeploymentPatch): Promise<Deployment> {
    return this.call('PATCH', `/api/v1/models/${seg(modelId)}/deployments/${seg(deploymentId)}`, patch);
  }

  async listDeployments(modelId: string): Promise<Deployment[]> {
    return unwrapList<Deployment>(await this.call('GET', `/api/v1/models/${seg(modelId)}/deployments`));
  }

  /**
   * Sets the drift reference of a model version from a training or validation file (CSV with a
   * header row, or Parquet). Replaces the version's earlier reference. Not retried: a stream
   * cannot be sent twice.
   * @example await client.uploadReference('churn', '3', fs.readFileSync('train.csv'), { format: 'csv', name: 'train.csv' });
   */
  async uploadReference(modelId: string, version: string, body: string | Uint8Array | ReadableStream<Uint8Array>, opts: { format: 'csv' | 'parquet'; name?: string }): Promise<ReferenceUpload> {
    const q = new URLSearchParams({ format: opts.format, ...(opts.name ? { name: opts.name } : {}) });
    const path = `/api/v1/models/${seg(modelId)}/versions/${seg(version)}/reference?${q}`;
    const a = await this.transport.request('POST', path, undefined, true, { body, contentType: opts.format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet' });
    if (a.status >= 200 && a.status < 300) return a.body as ReferenceUpload;
    throw apiErrorFrom(a, `POST ${path}`);
  }

  /**
   * Sets the drift reference of a model version from a window of stored predictions.
   * @example await client.referenceFromWindow('churn', '3', { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' });
   */
  referenceFromWindow(modelId: string, version: string, w: { from: string | number; to: string | number; version?: string; segments?: Record<string, string> }): Promise<ReferenceUpload> {
    return this.call('POST', `/api/v1/models/${seg(modelId)}/versions/${seg(version)}/reference/window`, w);
  }

  /** The drift references of a model, newest first. */
  async listReferences(modelId: string): Promise<Omit<ReferenceUpload, 'features' | 'missing_features' | 'ignored_columns'>[]> {
    const body = await this.call<{ references: Omit<ReferenceUpload, 'features' | 'missing_features' | 'ignored_columns'>[] }>('GET', `/api/v1/models/${seg(modelId)}/references`);
    return body.references;
  }

  /** Unauthenticated liveness check; throws `VigilApiError` when the server is not healthy. */
  health(): Promise<Record<string, unknown>> {
    return this.call('GET', '/api/v1/health', undefined, false);
  }

  private enqueue(kind: RecordKind, rec: object): void {
    if (this.closing !== null) {
      this.batcher.discard(kind, [rec], 'closed', 'client_closed', `${kind} logged after close() were dropped`);
      return;
    }
    const line = encodeRecord(rec);
    if (line === null) {
      this.batcher.discard(kind, [rec], 'unserializable', 'unserializable', `a ${kind} record could not be serialized to JSON (circular structure?) and was dropped`);
      return;
    }
    this.batcher.add(kind, line);
  }

  /**
   * One registry request. Reads and patches are retried like ingestion; creations only after
   * 429 / 503, when the server said it did not process them.
   */
  private async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const json = body === undefined ? undefined : (encodeRecord(body) ?? undefined);
    for (let attempt = 0; ; attempt++) {
      const a = await this.transport.request(method, path, json, auth);
      if (a.status >= 200 && a.status < 300) return a.body as T;
      const retryable = method === 'POST' ? a.status === 429 || a.status === 503 : a.status === 0 || a.status === 429 || a.status >= 500;
      if (!retryable || attempt >= REGISTRY_RETRIES) throw apiErrorFrom(a, `${method} ${path}`);
      await sleep(Math.max(backoffDelay(attempt, this.retryBaseMs, this.retryMaxDelayMs), a.retryAfterMs ?? 0), false);
    }
  }
}

/** List endpoints answer `{ items: [...] }`; a bare array is accepted too. */
function unwrapList<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items as T[];
  throw new VigilApiError(200, 'unexpected_response', 'the server answered a list request without an items array');
}
