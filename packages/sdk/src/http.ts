import { gzip as gzipCb } from 'node:zlib';
import { promisify } from 'node:util';
import { VigilApiError, type ApiErrorDetail } from './errors.ts';

const gzipAsync = promisify(gzipCb);

/** Bodies smaller than this are sent as they are: compressing them costs more than it saves. */
const GZIP_MIN_BYTES = 1024;
const USER_AGENT = 'vigil-sdk-typescript/0.1.0';

export interface TransportOptions {
  url: string;
  token: string;
  timeoutMs: number;
  gzip: boolean;
}

/** What one HTTP exchange produced: an answer (`status` > 0) or a failure to get one (`status` 0). */
export interface HttpAnswer {
  status: number;
  body: unknown;
  /** from a Retry-After header, in ms; null when absent */
  retryAfterMs: number | null;
  /** network error or timeout when status is 0 */
  error?: unknown;
  timedOut?: boolean;
}

/** 429, 5xx gateway / availability errors and "no answer" are worth repeating; ingestion is idempotent by id. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * Exponential back-off with full jitter: a uniform draw from [0, min(cap, base·2^attempt)).
 * Full jitter spreads the retries of many clients after a shared outage.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Parses Retry-After (delta seconds or an HTTP date) to ms; null when absent or unreadable. */
export function parseRetryAfter(v: string | null, now: number = Date.now()): number | null {
  if (v === null || v.trim() === '') return null;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export const sleep = (ms: number, unref: boolean): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (unref) t.unref();
  });

/** Builds the error a registry call throws from an answer that was not a success. */
export function apiErrorFrom(a: HttpAnswer, what: string): VigilApiError {
  if (a.status === 0) {
    const code = a.timedOut ? 'timeout' : 'network_error';
    const why = a.error instanceof Error ? a.error.message : String(a.error);
    return new VigilApiError(0, code, `${what}: ${a.timedOut ? 'no answer in time' : `could not reach the server (${why})`}`, {
      hint: 'check the url and that the Vigil server is running',
      cause: a.error,
    });
  }
  const err = (a.body as { error?: { code?: unknown; message?: unknown; hint?: unknown; details?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : `http_${a.status}`;
  const message = typeof err?.message === 'string' ? err.message : `HTTP ${a.status}`;
  const opts: { hint?: string; details?: ApiErrorDetail[] } = {};
  if (typeof err?.hint === 'string') opts.hint = err.hint;
  if (Array.isArray(err?.details)) opts.details = err.details as ApiErrorDetail[];
  return new VigilApiError(a.status, code, `${what}: ${message}`, opts);
}

/** Thin wrapper around global `fetch`: auth, JSON, gzip, timeout. Never throws. */
export class HttpTransport {
  private readonly base: string;

  constructor(private readonly opts: TransportOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  /**
   * One request. `raw` sends a body that is not JSON (a file), as it is: a stream goes out as it
   * is read, without a timeout, since a large upload may take long.
   */
  async request(method: string, path: string, json?: string, auth = true, raw?: { body: string | Uint8Array | ReadableStream<Uint8Array>; contentType: string }): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
    if (auth) headers.authorization = `Bearer ${this.opts.token}`;
    let body: Buffer | string | Uint8Array | ReadableStream<Uint8Array> | undefined;
    if (raw) {
      headers['content-type'] = raw.contentType;
      body = raw.body;
    } else if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = json;
      if (this.opts.gzip && json.length >= GZIP_MIN_BYTES) {
        body = await gzipAsync(Buffer.from(json, 'utf8'));
        headers['content-encoding'] = 'gzip';
      }
    }
    try {
      const streaming = typeof body === 'object' && body !== null && 'getReader' in body;
      const res = await fetch(this.base + path, { method, headers, body, ...(streaming ? { duplex: 'half' } : { signal: AbortSignal.timeout(this.opts.timeoutMs) }) } as RequestInit);
      const text = await res.text();
      let parsed: unknown = null;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { error: { code: `http_${res.status}`, message: text.slice(0, 500) } };
        }
      }
      return { status: res.status, body: parsed, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { status: 0, body: null, retryAfterMs: null, error, timedOut };
    }
  }
}
