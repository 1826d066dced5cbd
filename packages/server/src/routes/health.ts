import type { FastifyInstance } from 'fastify';

export async function healthRoutes(app: FastifyInstance, { version }: { version: string }): Promise<void> {
  app.get('/api/v1/health', { config: { access: { kind: 'public' } }, schema: { tags: ['system'], summary: 'Liveness; needs no token', security: [] } }, async () => ({ status: 'ok', version }));
}
