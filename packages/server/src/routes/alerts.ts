import { AlertRuleSchema, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { ALERT_STATES, createRule, deleteRule, getRule, listAlerts, listHistory, listRules, updateRule, type RuleInput } from '../services/manage-alert-rules.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

const idParams = z.object({ ruleId: z.string().min(1).max(64) });
const alertsQuery = z.object({ state: z.enum(ALERT_STATES).optional(), rule: z.string().min(1).max(64).optional() }).strict();
const historyQuery = z
  .object({
    rule: z.string().min(1).max(64).optional(),
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2025-01-15T10:00:00Z' }).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();
// read-only fields a client may send back from a GET: ignored
const READ_ONLY = ['created_by', 'created_at', 'updated_at'];

/**
 * A rule document (docs/alerts.md) plus `enabled`. The id is the server's: refused in a new rule,
 * and in a replacement it must be the path's.
 */
function ruleBody(body: unknown, id: string | null): RuleInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new VigilError('validation_failed', 'invalid rule', { details: [{ field: '(body)', message: 'must be a JSON object' }] });
  const { enabled = true, id: given, ...rest } = body as Record<string, unknown>;
  for (const k of READ_ONLY) delete rest[k];
  const details: { field: string; message: string }[] = [];
  if (typeof enabled !== 'boolean') details.push({ field: 'enabled', message: 'must be true or false' });
  if (given !== undefined && id === null) details.push({ field: 'id', message: 'is assigned by the server: leave it out' });
  if (given !== undefined && id !== null && given !== id) details.push({ field: 'id', message: `must be the rule's id "${id}" (or left out)` });
  if (details.length) throw new VigilError('validation_failed', 'invalid rule', { details, hint: 'fix the fields named in details and send again' });
  return { rule: parseInput(AlertRuleSchema, { ...rest, id: id ?? 'new' }, 'rule'), enabled: enabled as boolean };
}

const readAny = { access: { kind: 'any', action: 'read' } } as const;
const writeAny = { access: { kind: 'any', action: 'write' } } as const;
const tags = ['alerts'];
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const ruleJson = jsonSchema(AlertRuleSchema) as { properties?: Record<string, unknown> };
const ruleSchema = { type: 'object', properties: { ...(ruleJson.properties ?? {}), enabled: { type: 'boolean' }, created_by: { type: ['string', 'null'] }, created_at: { type: 'string' }, updated_at: { type: 'string' } } };
const bodySchema = { ...ruleJson, required: ((ruleJson as { required?: string[] }).required ?? []).filter((f) => f !== 'id'), properties: { ...(ruleJson.properties ?? {}), enabled: { type: 'boolean', default: true } } };
const alertSchema = {
  type: 'object',
  properties: {
    rule_id: { type: 'string' }, rule_name: { type: 'string' }, severity: { type: 'string' }, state: { type: 'string', enum: [...ALERT_STATES] },
    labels: { type: 'object', additionalProperties: { type: 'string' } }, since: { type: ['string', 'null'] }, value: { type: ['number', 'null'] }, error: { type: ['string', 'null'] }, updated_at: { type: 'string' },
  },
};
const transitionSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, rule_id: { type: 'string' }, rule_name: { type: ['string', 'null'], description: 'null once the rule was deleted' },
    labels: { type: 'object', additionalProperties: { type: 'string' } }, from: { type: 'string' }, to: { type: 'string' }, at: { type: 'string' }, value: { type: ['number', 'null'] }, detail: { type: 'object', additionalProperties: true },
  },
};
const SCOPE = 'A rule reaches the models its "model" names (every model without one): reading it needs read on each, changing it the editor role on each.';

/** Alert rules, the alerts they raise, and their history. */
export async function alertRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/alerts', {
    config: readAny,
    schema: { tags, summary: 'Current alerts: series firing, pending, without data or failing (state= and rule= narrow it)', querystring: jsonSchema(alertsQuery), response: { 200: { type: 'object', properties: { items: { type: 'array', items: alertSchema } } }, ...errors } },
  }, async (req) => {
    const q = parseInput(alertsQuery, req.query, 'query');
    return { items: await listAlerts({ ctx, actor: actorOf(req), input: { ...(q.state ? { state: q.state } : {}), ...(q.rule ? { ruleId: q.rule } : {}) } }) };
  });
  app.get('/api/v1/alerts/history', {
    config: readAny,
    schema: { tags, summary: 'State transitions, newest first (rule=, since=, limit= up to 5000, default 500)', querystring: jsonSchema(historyQuery), response: { 200: { type: 'object', properties: { items: { type: 'array', items: transitionSchema } } }, ...errors } },
  }, async (req) => {
    const q = parseInput(historyQuery, req.query, 'query');
    return { items: await listHistory({ ctx, actor: actorOf(req), input: { limit: q.limit, ...(q.rule ? { ruleId: q.rule } : {}), ...(q.since ? { since: new Date(q.since).toISOString() } : {}) } }) };
  });

  app.get('/api/v1/alerts/rules', { config: readAny, schema: { tags, summary: 'Alert rules you may read', description: SCOPE, response: { 200: { type: 'object', properties: { items: { type: 'array', items: ruleSchema } } }, ...errors } } }, async (req) => ({
    items: await listRules({ ctx, actor: actorOf(req) }),
  }));
  app.get('/api/v1/alerts/rules/:ruleId', { config: readAny, schema: { tags, summary: 'An alert rule', description: SCOPE, response: { 200: ruleSchema, ...errors } } }, async (req) =>
    getRule({ ctx, actor: actorOf(req), input: { id: parseInput(idParams, req.params, 'path').ruleId } }),
  );
  app.post('/api/v1/alerts/rules', { config: writeAny, schema: { tags, summary: 'Create an alert rule (the server assigns its id)', description: SCOPE, body: bodySchema, response: { 201: ruleSchema, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await createRule({ ctx, actor: actorOf(req), input: ruleBody(req.body, null) })),
  );
  app.put('/api/v1/alerts/rules/:ruleId', { config: writeAny, schema: { tags, summary: 'Replace an alert rule', description: SCOPE, body: bodySchema, response: { 200: ruleSchema, ...errors } } }, async (req) => {
    const { ruleId } = parseInput(idParams, req.params, 'path');
    return updateRule({ ctx, actor: actorOf(req), input: { id: ruleId, ...ruleBody(req.body, ruleId) } });
  });
  app.delete('/api/v1/alerts/rules/:ruleId', { config: writeAny, schema: { tags, summary: 'Delete an alert rule (its history stays)', description: SCOPE, response: { 204: { type: 'null', description: 'deleted' }, ...errors } } }, async (req, reply) => {
    await deleteRule({ ctx, actor: actorOf(req), input: { id: parseInput(idParams, req.params, 'path').ruleId } });
    return reply.status(204).send();
  });
}
