import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { listRetrainingTriggers } from '../services/retraining-triggers.ts';
import { errorSchema } from './openapi.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

/** The retraining triggers alert rules sent for a model, for its lifecycle timeline (docs/notifications.md). */
export async function retrainingRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.get('/api/v1/models/:id/retraining-triggers', {
    config: { access: { kind: 'model', action: 'read' } },
    schema: { tags: ['alerts'], summary: 'Retraining triggers sent for a model by alert rules, newest first, with their delivery status', response: errors },
  }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    return { items: await listRetrainingTriggers({ ctx, input: { modelId: id } }) };
  });
}
