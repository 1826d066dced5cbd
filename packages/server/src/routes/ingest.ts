import { VigilError } from '@vigil/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { assertCanIngest } from '../services/authorize.ts';
import { errorBody } from '../http-errors.ts';
import { formatOf, parseRecords } from '../ingest-body.ts';
import { ingestEvents, type EventKind } from '../services/ingest-events.ts';
import { ingestPredictions } from '../services/ingest-predictions.ts';
import type { IngestResult } from '../services/ingest-result.ts';
import { ingestResponseSchema } from './openapi.ts';

/** At most `limit` tasks at once; the others wait in arrival order. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const BODY_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl'];

function send(reply: FastifyReply, r: IngestResult): void {
  const body = { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected, errors: r.errors, errors_truncated: r.errors_truncated };
  switch (r.outcome) {
    case 'all':
      void reply.status(200).send(body);
      return;
    case 'partial':
      void reply.status(207).send(body);
      return;
    case 'unknown_model':
      void reply.status(404).send({ ...errorBody('not_found', 'no record names a registered model', 'register the model first with POST /api/v1/models, or fix the model field'), ...body });
      return;
    case 'none':
      void reply.status(400).send({ ...errorBody('validation_failed', 'every record was refused; see errors for each record and reason', 'fix the records named in errors and send them again'), ...body });
  }
}

/**
 * Ingestion endpoints. They read the body as bytes (JSON array or NDJSON, optionally
 * gzip): the bytes of an all-valid batch go to the store as they are.
 */
export async function ingestRoutes(app: FastifyInstance, opts: { ctx: ServiceContext; concurrency: number }): Promise<void> {
  const { ctx } = opts;
  // Bodies wait as bytes; only `concurrency` are parsed into objects and held until their commit
  // at a time: enough to keep the store busy while the next one is parsed, and memory bounded.
  const gate = new Gate(opts.concurrency);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(BODY_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const bodyOf = (body: unknown, contentType: string | undefined) => {
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new VigilError('bad_request', 'body is empty', { hint: 'send a JSON array of records or NDJSON' });
    }
    const format = formatOf(contentType);
    const records = parseRecords(body, format);
    if (records.length === 0) throw new VigilError('bad_request', 'body holds no records', { hint: 'send at least one record' });
    return { records, format, body };
  };

  const docs = (summary: string, description: string) => ({
    tags: ['ingestion'],
    summary,
    description: `${description}\n\nBody: a JSON array of records or NDJSON (\`Content-Type: application/x-ndjson\`), optionally \`Content-Encoding: gzip\`. 200 all stored (duplicates of earlier records are counted, not stored twice); 207 some records refused (see errors); 400 malformed body or every record refused; 404 no record names a registered model; 413 body over the limit. Acknowledged only after a durable commit.`,
    consumes: BODY_TYPES,
    body: { type: 'array', items: { type: 'object' } },
    response: { 200: ingestResponseSchema, 207: ingestResponseSchema },
  });

  app.post('/api/v1/predictions', { config: { access: { kind: 'any', action: 'ingest' } }, schema: docs('Ingest predictions', 'Each record: id, model, version, ts, features{}, prediction; optional score, scores{}, latency_ms, batch_size, segment{}, feature_ts. Checked against the model schema; violations are refused and counted as data-quality metrics (per feature and kind, and one refused record each). Idempotent by (model, id): duplicates are not stored again, and are counted over time as quality.duplicates.') }, async (req, reply) => {
    await gate.run(async () => {
      const { records, format, body } = bodyOf(req.body, req.headers['content-type']);
      await assertCanIngest(ctx, actorOf(req), records, 'predictions');
      const bulk = !('single' in records);
      send(reply, await ingestPredictions({ ctx, input: { records, ...(bulk ? { raw: { bytes: body, format } } : {}) } }));
    });
    // the reply was sent above; returning it tells Fastify so while async onSend hooks still run
    return reply;
  });

  const kinds: [EventKind, string, string][] = [
    ['labels', 'Ingest labels (ground truth)', 'Each record: prediction_id, model, label, ts. May arrive before or after the prediction. Idempotent by (model, prediction_id, ts).'],
    ['metrics', 'Ingest metric samples', 'Each record: name, labels{}, ts, value — resources, business KPIs, anything numeric. Idempotent by (name, labels, ts).'],
    ['logs', 'Ingest log events', 'Each record: ts, level, message; optional id, model, error_class, attributes{}. Idempotent by id when given.'],
    ['pipeline-runs', 'Ingest pipeline run events', 'Each record: pipeline, run_id, stage, status, started_at; optional ended_at, model, rows_in, rows_out, bytes, quality{}, schema_checks{}. quality and schema_checks carry batch checks — structured {checks: [{name, status: passed|failed|warning, value?, expected?, message?}], row_count?, null_counts?: {column: n}, duplicate_rows?} or a map {name: true|false|number} — read by GET /api/v1/models/{id}/quality; a payload in neither form is stored as sent and reported there as an invalid_quality_payload check.'],
    ['training-runs', 'Ingest training runs', 'Each record: run_id, model, status, started_at; optional version, ended_at, params{}, metrics{name: [[step, value], ...]}, dataset_sizes{}.'],
  ];
  for (const [kind, summary, description] of kinds) {
    app.post(`/api/v1/${kind}`, { config: { access: { kind: 'any', action: 'ingest' } }, schema: docs(summary, description) }, async (req, reply) => {
      await gate.run(async () => {
        const { records } = bodyOf(req.body, req.headers['content-type']);
        await assertCanIngest(ctx, actorOf(req), records, kind);
        send(reply, await ingestEvents({ ctx, input: { kind, records } }));
      });
      return reply;
    });
  }
}
