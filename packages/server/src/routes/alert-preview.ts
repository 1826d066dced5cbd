import { AlertRuleSchema } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { previewAlertRule } from '../services/preview-alert-rule.ts';
import { errorSchema } from './openapi.ts';

export async function alertPreviewRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.post('/api/v1/alerts/preview', {
    // any reader; the query then checks the rule's models against the caller's grants
    config: { access: { kind: 'any', action: 'read' } },
    schema: {
      tags: ['alerts'],
      summary: 'How a rule would have behaved over the last 7 days: per series, the values, transitions and notifications (nothing stored or sent)',
      response: { 400: errorSchema },
    },
  }, async (req) => {
    const rule = parseInput(AlertRuleSchema, req.body, 'rule');
    return previewAlertRule({ ctx, actor: actorOf(req), input: { rule } });
  });
}
