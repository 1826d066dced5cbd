import type { RecordError, RecordKind } from './types.ts';

/** One field-level problem the server found in a request body. */
export interface ApiErrorDetail {
  field: string;
  message: string;
}

/**
 * A registry call (`createModel`, `getModel`, …) that did not succeed. `status` is the HTTP
 * status, or 0 when no answer came (`code` is then `network_error` or `timeout`).
 *
 * @example
 * try {
 *   await client.createModel(spec);
 * } catch (err) {
 *   if (err instanceof VigilApiError && err.status === 409) console.log('already registered');
 *   else throw err;
 * }
 */
export class VigilApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: ApiErrorDetail[];

  constructor(status: number, code: string, message: string, opts: { hint?: string; details?: ApiErrorDetail[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VigilApiError';
    this.status = status;
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** What went wrong in the background, as handed to `onError`. */
export type SdkErrorCode =
  /** the server stored the batch but refused some records (HTTP 207); see `errors` and `records` */
  | 'records_rejected'
  /** the server refused the whole batch (400, 401, 403, 404, …); the batch was dropped */
  | 'batch_rejected'
  /** retryable failures (429, 5xx, network, timeout) outlasted `maxRetries`; the batch was dropped */
  | 'retries_exhausted'
  /** one record alone was over the server's body limit (413); it was dropped */
  | 'record_too_large'
  /** the buffer was full; the oldest records were dropped */
  | 'buffer_full'
  /** a record could not be serialized to JSON; it was dropped */
  | 'unserializable'
  /** a record was logged after `close()`; it was dropped */
  | 'client_closed';

/**
 * A problem sending buffered records. Logging calls never throw; these go to the client's
 * `onError` callback instead (by default a rate-limited warning on stderr).
 *
 * @example
 * const client = new VigilClient({
 *   url, token,
 *   onError: (err) => metrics.increment(`vigil.sdk.${err.code}`, err.recordCount),
 * });
 */
export class VigilSdkError extends Error {
  readonly code: SdkErrorCode;
  readonly kind: RecordKind;
  /** HTTP status of the last answer, 0 when none came */
  readonly status: number;
  /** how many records this error is about */
  readonly recordCount: number;
  /** per-record reasons from a 207 answer */
  readonly errors: RecordError[];
  /** the records concerned, when the SDK still holds them (refused records of a 207 answer) */
  readonly records: unknown[];
  /** the server's error body for a refused batch */
  readonly apiError: VigilApiError | undefined;

  constructor(
    code: SdkErrorCode,
    kind: RecordKind,
    message: string,
    opts: { status?: number; recordCount?: number; errors?: RecordError[]; records?: unknown[]; apiError?: VigilApiError; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VigilSdkError';
    this.code = code;
    this.kind = kind;
    this.status = opts.status ?? 0;
    this.recordCount = opts.recordCount ?? 0;
    this.errors = opts.errors ?? [];
    this.records = opts.records ?? [];
    this.apiError = opts.apiError;
  }
}
