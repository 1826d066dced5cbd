import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import type { NotifyContext } from '../notify/send.ts';
import { createChannel, deleteChannel, getChannel, listChannels, testChannel, updateChannel } from '../services/manage-channels.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

// the configuration is validated by parseChannel in the service, whose messages never echo a value
const ChannelBody = z.object({ name: z.string().trim().min(1).max(200), config: z.record(z.string(), z.unknown()) }).strict();
const idParams = z.object({ channelId: z.string().min(1).max(64) });

const readAny = { access: { kind: 'any', action: 'read' } } as const;
const admin = { access: { kind: 'system', action: 'admin' } } as const;
const tags = ['alerts'];
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };
const channelSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['webhook', 'slack', 'email', 'alertmanager', 'pagerduty'] },
    config: { type: 'object', additionalProperties: true, description: 'the configuration with secrets replaced by "[redacted]" and URLs cut to scheme and host' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
};
const testSchema = {
  type: 'object',
  properties: {
    delivered: { type: 'boolean' },
    retryable: { type: 'boolean', description: 'when not delivered: whether the outbox would retry (network, time-out, 5xx, 429) or give up (other 4xx, bad configuration)' },
    code: { type: 'string' },
    status: { type: 'integer', description: 'the receiver\'s HTTP status, when it answered' },
    message: { type: 'string' },
  },
};
const CONFIG = 'config is one channel (webhook, slack, email, alertmanager, pagerduty) as docs/notifications.md describes. Needs the admin role on all models.';

/** Notification channels: read by anyone who reads some model (secrets redacted), changed by admins. */
export async function channelRoutes(app: FastifyInstance, { ctx, notify }: { ctx: ServiceContext; notify: NotifyContext }): Promise<void> {
  app.get('/api/v1/alerts/channels', { config: readAny, schema: { tags, summary: 'Notification channels, secrets redacted', response: { 200: { type: 'object', properties: { items: { type: 'array', items: channelSchema } } }, ...errors } } }, async () => ({
    items: await listChannels({ ctx }),
  }));
  app.get('/api/v1/alerts/channels/:channelId', { config: readAny, schema: { tags, summary: 'A notification channel, secrets redacted', response: { 200: channelSchema, ...errors } } }, async (req) =>
    getChannel({ ctx, input: { id: parseInput(idParams, req.params, 'path').channelId } }),
  );
  app.post('/api/v1/alerts/channels', { config: admin, schema: { tags, summary: 'Create a notification channel', description: CONFIG, body: jsonSchema(ChannelBody), response: { 201: channelSchema, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await createChannel({ ctx, actor: actorOf(req), input: parseInput(ChannelBody, req.body, 'channel') })),
  );
  app.put('/api/v1/alerts/channels/:channelId', {
    config: admin,
    schema: { tags, summary: 'Replace a notification channel', description: `${CONFIG} A secret left out or sent back as "[redacted]", or a URL sent back as shown (scheme and host), keeps its stored value.`, body: jsonSchema(ChannelBody), response: { 200: channelSchema, ...errors } },
  }, async (req) => {
    const { channelId } = parseInput(idParams, req.params, 'path');
    return updateChannel({ ctx, actor: actorOf(req), input: { id: channelId, ...parseInput(ChannelBody, req.body, 'channel') } });
  });
  app.delete('/api/v1/alerts/channels/:channelId', {
    config: admin,
    schema: { tags, summary: 'Delete a notification channel', description: '409 while a rule uses it or notifications wait to be delivered through it.', response: { 204: { type: 'null', description: 'deleted' }, ...errors } },
  }, async (req, reply) => {
    await deleteChannel({ ctx, actor: actorOf(req), input: { id: parseInput(idParams, req.params, 'path').channelId } });
    return reply.status(204).send();
  });
  app.post('/api/v1/alerts/channels/:channelId/test', {
    config: admin,
    schema: { tags, summary: 'Send a test notification now and say what happened', description: 'One attempt, not retried, not through the outbox: 200 with delivered true, or false with whether the failure is retryable and the receiver\'s answer.', response: { 200: testSchema, ...errors } },
  }, async (req) => {
    const { channelId } = parseInput(idParams, req.params, 'path');
    return testChannel({ ctx, actor: actorOf(req), notify, input: { id: channelId, generatorUrl: `${req.protocol}://${req.host}/alerts` } });
  });
}
