/** Error codes of the domain. Routes map each code to an HTTP status at the edge. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

export interface ErrorDetail {
  field: string;
  message: string;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** What the caller can do next; surfaced in the JSON error body. */
  readonly hint: string | undefined;
  /** For `rate_limited`: how long the caller should wait (becomes a Retry-After header). */
  readonly retryAfterMs: number | undefined;
  /** For `forbidden`: the denial is already in the audit log (with its target), so the edge does not record it again. */
  readonly audited: boolean;

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; hint?: string; retryAfterMs?: number; audited?: boolean } = {}) {
    super(message);
    this.name = 'VigilError';
    this.code = code;
    this.details = opts.details ?? [];
    this.hint = opts.hint;
    this.retryAfterMs = opts.retryAfterMs;
    this.audited = opts.audited ?? false;
  }
}

export const isVigilError = (e: unknown): e is VigilError => e instanceof VigilError;
