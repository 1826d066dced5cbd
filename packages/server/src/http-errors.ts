import { VigilError, type ErrorCode } from '@vigil/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { auditBy } from './auth/actor.ts';
import type { AuditRecorder, Logger } from './context.ts';

export const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; hint?: string; details: { field: string; message: string }[] };
}

export function errorBody(code: string, message: string, hint?: string, details: { field: string; message: string }[] = []): ErrorBody {
  return { error: { code, message, ...(hint ? { hint } : {}), details } };
}

/** Validates input with a zod schema; every issue names its field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new VigilError('validation_failed', `invalid ${where}`, {
    hint: 'fix the fields named in details and send again',
    // an unknown key is named as the field (zod puts it on the object holding it)
    details: r.error.issues.flatMap((i) => (i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: [...i.path, k].join('.'), message: 'not a known field' }))
      : [{ field: i.path.length ? i.path.join('.') : '(body)', message: i.message }])),
  });
}

/** Maps domain and framework errors to JSON bodies with a status; never leaks internals. */
export function makeErrorHandler(log: Logger, bodyLimit: number, audit?: AuditRecorder) {
  return async (err: FastifyError | VigilError | Error, req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (err instanceof VigilError && err.code === 'forbidden' && !err.audited && audit && req.principal) {
      // every 403 is in the audit log; denials with a model target were recorded where they arose
      await audit
        .record(auditBy({ principal: req.principal, ip: req.ip, userAgent: req.headers['user-agent'] ?? null }, 'access.denied', { type: 'route', id: req.routeOptions.url ?? null }, 'denied', { method: req.method, message: err.message }))
        .catch((e: unknown) => log.error('audit append failed', { err: (e as Error).message }));
    }
    if (err instanceof VigilError) {
      if (err.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
      void reply.status(STATUS[err.code]).send(errorBody(err.code, err.message, err.hint, err.details));
      return;
    }
    const code = (err as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.status(413).send(errorBody('payload_too_large', `request body is larger than the limit of ${bodyLimit} bytes (after decompression)`, 'send smaller batches, or raise VIGIL_BODY_LIMIT on the server'));
      return;
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      void reply.status(415).send(errorBody('unsupported_media_type', `content type ${JSON.stringify(req.headers['content-type'] ?? '')} is not accepted here`, 'send application/json (or application/x-ndjson for ingestion)'));
      return;
    }
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      void reply.status(400).send(errorBody('bad_request', `body is not valid JSON: ${err.message}`, 'send a JSON document'));
      return;
    }
    if (typeof code === 'string' && code.startsWith('Z_')) {
      void reply.status(400).send(errorBody('bad_request', `body is not valid gzip: ${err.message}`, 'check the compression, or send the body uncompressed'));
      return;
    }
    const status = (err as FastifyError).statusCode;
    if (status === 429) {
      void reply.status(429).send(errorBody('rate_limited', `too many requests: ${err.message}`, 'slow down: wait for the time in the Retry-After header, batch records into fewer requests, or ask the operator to raise the limit'));
      return;
    }
    if (status && status >= 400 && status < 500) {
      void reply.status(status).send(errorBody('bad_request', err.message));
      return;
    }
    log.error('request failed', { err: err.message, stack: err.stack, url: req.url, method: req.method });
    void reply.status(500).send(errorBody('internal', 'the server failed to handle this request; the error is in the server log', 'retry; if it persists, report it with the time of the request'));
  };
}
