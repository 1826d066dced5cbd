import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { DriftConfigSchema, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import { auditBy } from '../auth/actor.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { auditRead } from '../services/authorize.ts';
import { driftConfigOf, getDrift } from '../services/get-drift.ts';
import { getDriftSegments } from '../services/get-drift-segments.ts';
import { checkReferenceTarget, deleteReference, getReference, listReferences, referenceFromWindow, uploadReference } from '../services/manage-references.ts';
import { errorSchema, jsonSchema } from './openapi.ts';
import { hourStep, range, segmentsOf, timeBound } from './params.ts';

const tags = ['drift'];
const readModel = { access: { kind: 'model', action: 'read' } } as const;
const writeModel = { access: { kind: 'model', action: 'write' } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

const FILE_TYPES = ['text/csv', 'application/vnd.apache.parquet', 'application/x-parquet', 'application/octet-stream'];
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Most points of a feature's drift series: each is a statistic over the step's histograms. */
const MAX_SERIES_POINTS = 1000;

const mib = (bytes: number): string => (bytes >= 1024 ** 2 ? `${Math.round(bytes / 1024 ** 2)} MiB` : `${bytes} bytes`);

const idParams = z.object({ id: z.string().min(1).max(64) });
const versionParams = z.object({ id: z.string().min(1).max(64), version: z.string().min(1).max(100) });

const step = hourStep('drift is kept per hour', 366 * DAY);

const windowBody = z.object({
  from: z.union([z.number(), z.string()]),
  to: z.union([z.number(), z.string()]),
  version: z.string().min(1).max(100).optional().describe('only predictions of this version (default: every version)'),
  segments: z.record(z.string(), z.string()).optional(),
}).strict();

export async function driftRoutes(app: FastifyInstance, { ctx, uploadDir, maxUploadBytes }: { ctx: ServiceContext; uploadDir?: string; maxUploadBytes?: number }): Promise<void> {
  const dir = uploadDir ?? path.join(os.tmpdir(), 'vigil-uploads');
  const limit = maxUploadBytes ?? 2 * 1024 ** 3;
  // uploads left by a process that died mid-upload: the data directory is locked to this
  // process, so whatever is in its upload folder now is nobody's (the shared temp folder is not)
  if (uploadDir) for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) fs.rmSync(path.join(dir, f), { force: true, recursive: true });
  // reference files stream to disk as they come: never held in memory, never past the limit
  app.addContentTypeParser(FILE_TYPES, (_req, payload, done) => done(null, payload));

  app.post('/api/v1/models/:id/versions/:version/reference', {
    config: writeModel,
    schema: {
      tags, summary: 'Set the drift reference of a version from a training or validation file',
      description: `Body: the file itself, as text/csv (with a header row) or application/vnd.apache.parquet (application/octet-stream with ?format=csv|parquet also works), up to ${mib(limit)}. Columns are matched to the model's features by name, ignoring case; others are ignored. A value that does not fit its feature's type refuses the whole file (400 naming the column and row). Replaces the version's earlier reference. Query: name (shown in lists; default the content type).`,
      querystring: { type: 'object', properties: { format: { type: 'string', enum: ['csv', 'parquet'] }, name: { type: 'string', maxLength: 200 } } },
      response: { 201: { type: 'object', additionalProperties: true }, ...errors, 413: errorSchema, 415: errorSchema },
    },
  }, async (req, reply) => {
    const { id, version } = parseInput(versionParams, req.params, 'path');
    const q = parseInput(z.object({ format: z.enum(['csv', 'parquet']).optional(), name: z.string().min(1).max(200).optional() }).strict(), req.query, 'query');
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!req.body || typeof (req.body as Readable).pipe !== 'function') {
      throw new VigilError('validation_failed', 'the body must be the reference file', { details: [{ field: 'body', message: `content-type must be one of ${FILE_TYPES.join(', ')}` }] });
    }
    const format = q.format ?? (type === 'text/csv' ? 'csv' : type.includes('parquet') ? 'parquet' : null);
    if (!format) throw new VigilError('validation_failed', 'cannot tell the file format', { details: [{ field: 'format', message: 'send content-type text/csv or application/vnd.apache.parquet, or add ?format=csv|parquet' }] });
    // an unknown model or version is answered before the file is read, not after
    await checkReferenceTarget({ ctx, input: { modelId: id, version } });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${randomUUID()}.${format}`);
    try {
      let size = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > limit) cb(new VigilError('payload_too_large', `the reference file is larger than ${mib(limit)}`, { hint: 'sample the file, or raise VIGIL_REFERENCE_MAX_BYTES' }));
          else cb(null, chunk);
        },
      });
      await pipeline(req.body as Readable, cap, fs.createWriteStream(file, { mode: 0o600 }));
      if (size === 0) throw new VigilError('validation_failed', 'the reference file is empty', { details: [{ field: 'body', message: 'send the file as the request body' }] });
      const result = await uploadReference({ ctx, actor: actorOf(req), input: { modelId: id, version, file, format, name: q.name ?? `${format} upload` } });
      return reply.status(201).send(result);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  app.post('/api/v1/models/:id/versions/:version/reference/window', {
    config: writeModel,
    schema: { tags, summary: 'Set the drift reference of a version from a window of its stored predictions', body: jsonSchema(windowBody), response: { 201: { type: 'object', additionalProperties: true }, ...errors } },
  }, async (req, reply) => {
    const { id, version } = parseInput(versionParams, req.params, 'path');
    const now = ctx.clock.now();
    const b = parseInput(windowBody, req.body, 'body');
    const t = parseInput(z.object({ from: timeBound(now, 'from'), to: timeBound(now, 'to') }), { from: String(b.from), to: String(b.to) }, 'body');
    range(t);
    const result = await referenceFromWindow({ ctx, actor: actorOf(req), input: { modelId: id, version, window: { from: t.from, to: t.to, versions: b.version ? [b.version] : null, segments: b.segments ?? {} } } });
    return reply.status(201).send(result);
  });

  app.get('/api/v1/models/:id/references', { config: readModel, schema: { tags, summary: 'The drift references of a model, newest first', response: errors } }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    return { references: await listReferences({ ctx, input: { modelId: id } }) };
  });
  app.get('/api/v1/models/:id/versions/:version/reference', { config: readModel, schema: { tags, summary: 'A version\'s reference profile: per feature, counts, moments, quantile edges and counts, or value counts', response: errors } }, async (req) => {
    const { id, version } = parseInput(versionParams, req.params, 'path');
    const p = await getReference({ ctx, input: { modelId: id, version } });
    await auditRead(ctx, actorOf(req), 'reference profile', [id]);
    return p;
  });
  app.delete('/api/v1/models/:id/versions/:version/reference', { config: writeModel, schema: { tags, summary: 'Remove a version\'s reference', response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const { id, version } = parseInput(versionParams, req.params, 'path');
    await deleteReference({ ctx, actor: actorOf(req), input: { modelId: id, version } });
    return reply.status(204).send();
  });

  app.get('/api/v1/models/:id/drift', {
    config: readModel,
    schema: {
      tags, summary: 'Drift of a window of predictions against a reference, per feature and for the dataset',
      description: 'Query: from / to (RFC 3339, epoch ms, now, now-24h; default the last 24 h), version (only its predictions), reference (the version whose reference to compare with; default the window version\'s, else the newest), path (auto: streaming histograms where they decide the verdict, raw values elsewhere; streaming; exact), step (series step, whole hours), segment.<name>=value. The window snaps to whole hours of the step grid (window in the answer). Each feature says which path answered it; a streaming statistic comes with the bound the exact one lies in.',
      response: { 200: { type: 'object', additionalProperties: true }, ...errors },
    },
  }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const now = ctx.clock.now();
    const { rest, segments } = segmentsOf(req.query as Record<string, unknown>);
    const q = range(parseInput(z.object({
      from: timeBound(now, 'from').default(now - DAY), to: timeBound(now, 'to').default(now),
      version: z.string().min(1).max(100).optional(), reference: z.string().min(1).max(100).optional(),
      path: z.enum(['auto', 'streaming', 'exact']).default('auto'), step: step.optional(),
    }).strict(), rest, 'query'));
    if (q.step !== undefined && Math.ceil((q.to - q.from) / q.step) > MAX_SERIES_POINTS) {
      const least = Math.ceil((q.to - q.from) / MAX_SERIES_POINTS / HOUR);
      throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'step', message: `too fine for the range: at most ${MAX_SERIES_POINTS} points; use a step of at least ${least}h, or leave it out (about 60 points)` }] });
    }
    const done = auditRead(ctx, actorOf(req), 'drift', [id]);
    const result = await getDrift({ ctx, input: { modelId: id, from: q.from, to: q.to, version: q.version ?? null, reference: q.reference ?? null, path: q.path, stepMs: q.step ?? null, segments } });
    await done;
    return result;
  });

  app.get('/api/v1/models/:id/drift/segments', {
    config: readModel,
    schema: { tags, summary: 'Drift per value of one segment (streaming path), with each value\'s contribution to a feature\'s drift', description: 'Query: segment (required), feature, from, to, version, reference.', response: { 200: { type: 'object', additionalProperties: true }, ...errors } },
  }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const now = ctx.clock.now();
    const q = range(parseInput(z.object({
      segment: z.string().min(1).max(128), feature: z.string().min(1).max(128).optional(),
      from: timeBound(now, 'from').default(now - DAY), to: timeBound(now, 'to').default(now),
      version: z.string().min(1).max(100).optional(), reference: z.string().min(1).max(100).optional(),
    }).strict(), req.query, 'query'));
    const done = auditRead(ctx, actorOf(req), 'drift by segment', [id]);
    const result = await getDriftSegments({ ctx, input: { modelId: id, segment: q.segment, feature: q.feature ?? null, from: q.from, to: q.to, version: q.version ?? null, reference: q.reference ?? null } });
    await done;
    return result;
  });

  app.get('/api/v1/models/:id/drift/config', { config: readModel, schema: { tags, summary: 'The model\'s drift settings (methods, thresholds, drift share; docs/drift-tests.md)', response: errors } }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    if (!(await ctx.stores.meta.getModel(id))) throw new VigilError('not_found', `model "${id}" does not exist`);
    return driftConfigOf(ctx, id);
  });
  app.put('/api/v1/models/:id/drift/config', { config: writeModel, schema: { tags, summary: 'Replace the model\'s drift settings', body: jsonSchema(DriftConfigSchema), response: errors } }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    if (!(await ctx.stores.meta.getModel(id))) throw new VigilError('not_found', `model "${id}" does not exist`);
    const config = parseInput(DriftConfigSchema, req.body, 'drift config');
    await ctx.stores.meta.setSetting(`drift_config:${id}`, JSON.stringify(config));
    await ctx.audit.record(auditBy(actorOf(req), 'drift_config.update', { type: 'model', id }, 'success', { config }));
    return config;
  });
}
