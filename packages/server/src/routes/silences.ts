import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { createSilence, expireSilence, listSilences } from '../services/manage-silences.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

const Iso = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2025-01-15T10:00:00Z' });
const SilenceBody = z
  .object({
    matchers: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,99}$/, 'must be a label name'), z.string().max(200)).refine((m) => Object.keys(m).length > 0, 'needs at least one matcher: an empty silence would mute everything'),
    starts_at: Iso.optional(),
    ends_at: Iso,
    comment: z.string().trim().min(1, 'say why: a silence without a reason confuses the next person on call').max(1000),
  })
  .strict();
const listQuery = z.object({ all: z.enum(['true', 'false']).default('false') }).strict();
const idParams = z.object({ silenceId: z.string().min(1).max(64) });

const readAny = { access: { kind: 'any', action: 'read' } } as const;
const writeAny = { access: { kind: 'any', action: 'write' } } as const;
const tags = ['alerts'];
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const silenceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    matchers: { type: 'object', additionalProperties: { type: 'string' }, description: 'a series is silenced when each matcher equals its label' },
    starts_at: { type: 'string' },
    ends_at: { type: 'string' },
    comment: { type: 'string' },
    created_by: { type: ['string', 'null'] },
    created_at: { type: 'string' },
  },
};

/** Silences: mute notifications of matching alerts for a while. */
export async function silenceRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/alerts/silences', {
    config: readAny,
    schema: { tags, summary: 'Silences: active and future ones, or every one with all=true', querystring: jsonSchema(listQuery), response: { 200: { type: 'object', properties: { items: { type: 'array', items: silenceSchema } } }, ...errors } },
  }, async (req) => ({ items: await listSilences({ ctx, actor: actorOf(req), input: { all: parseInput(listQuery, req.query, 'query').all === 'true' } }) }));
  app.post('/api/v1/alerts/silences', {
    config: writeAny,
    schema: { tags, summary: 'Create a silence', description: 'starts_at defaults to now. A "model" matcher needs the editor role on that model; a silence without one needs it on all models.', body: jsonSchema(SilenceBody), response: { 201: silenceSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createSilence({ ctx, actor: actorOf(req), input: parseInput(SilenceBody, req.body, 'silence') })));
  app.post('/api/v1/alerts/silences/:silenceId/expire', {
    config: writeAny,
    schema: { tags, summary: 'End a silence now', response: { 200: silenceSchema, ...errors } },
  }, async (req) => expireSilence({ ctx, actor: actorOf(req), input: { id: parseInput(idParams, req.params, 'path').silenceId } }));
}
