import { DashboardSpecSchema, VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { DASHBOARD_FORMATS, exportDashboard, parseDashboardYaml } from '../services/dashboard-files.ts';
import { assertChangesDashboards, createDashboard, deleteDashboard, getDashboard, getDefaultDashboard, listDashboards, updateDashboard } from '../services/manage-dashboards.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

const TeamSchema = z.string().min(1).max(100);
const DashboardBody = z.object({ spec: DashboardSpecSchema, team: TeamSchema.nullable().optional() }).strict();
const idParams = z.object({ dashboardId: z.string().min(1).max(64) });
const exportQuery = z.object({ format: z.enum(DASHBOARD_FORMATS).default('json') }).strict();
const importQuery = z.object({ team: TeamSchema.optional() }).strict();

/** YAML media types accepted by the import route (JSON is Fastify's own). */
export const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

// Every route needs a caller; which dashboards each may see or change is decided in the service.
const signedIn = { access: { kind: 'signed-in' } } as const;
const tags = ['dashboards'];
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };
const summaryProps = {
  id: { type: 'string', description: 'a UUID, or default-<persona> / default-overview for built-ins' },
  title: { type: 'string' },
  team: { type: ['string', 'null'], description: 'the team it is shared with; null: personal or built in' },
  owner: { type: ['object', 'null'], properties: { id: { type: 'string' }, username: { type: 'string' } } },
  builtin: { type: 'boolean' },
  persona: { type: 'string', description: 'built-ins only: the persona it is the default for' },
  editable: { type: 'boolean', description: 'whether you may change and delete it' },
  updated_at: { type: ['string', 'null'] },
};
const dashboardSchema = { type: 'object', properties: { ...summaryProps, spec: jsonSchema(DashboardSpecSchema), created_at: { type: ['string', 'null'] } } };
const listSchema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: summaryProps } } } };
const one = { 200: dashboardSchema, ...errors };
const CHANGE = 'Needs the editor or admin role somewhere (a browser session, or an admin key without a model list); sharing with a team needs it on that team.';

/** Saved and built-in dashboards, and their import and export as files. */
export async function dashboardRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  // kept as text here: the handler parses it after checking the caller, so a viewer learns nothing from a parse error
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/api/v1/dashboards', { config: signedIn, schema: { tags, summary: 'Dashboards you can open: the built-ins, your own, and those shared with your teams', response: { 200: listSchema } } }, async (req) => ({
    items: await listDashboards({ ctx, actor: actorOf(req) }),
  }));
  // before /:dashboardId, so "default" is never taken for an id
  app.get('/api/v1/dashboards/default', { config: signedIn, schema: { tags, summary: 'The built-in dashboard for your persona (the overview without one)', response: one } }, async (req) => getDefaultDashboard({ ctx, actor: actorOf(req) }));
  app.get('/api/v1/dashboards/:dashboardId', { config: signedIn, schema: { tags, summary: 'A dashboard with its spec', response: one } }, async (req) =>
    getDashboard({ ctx, actor: actorOf(req), input: { id: parseInput(idParams, req.params, 'path').dashboardId } }),
  );
  app.post('/api/v1/dashboards', { config: signedIn, schema: { tags, summary: 'Save a dashboard (personal, or shared with a team)', description: CHANGE, body: jsonSchema(DashboardBody), response: { 201: dashboardSchema, ...errors } } }, async (req, reply) => {
    const actor = actorOf(req);
    assertChangesDashboards(actor);
    return reply.status(201).send(await createDashboard({ ctx, actor, input: parseInput(DashboardBody, req.body, 'dashboard') }));
  });
  app.put('/api/v1/dashboards/:dashboardId', { config: signedIn, schema: { tags, summary: 'Replace a dashboard\'s spec (and team: absent keeps it, null makes it personal)', description: CHANGE, body: jsonSchema(DashboardBody), response: one } }, async (req) => {
    const actor = actorOf(req);
    assertChangesDashboards(actor);
    const { dashboardId } = parseInput(idParams, req.params, 'path');
    return updateDashboard({ ctx, actor, input: { id: dashboardId, ...parseInput(DashboardBody, req.body, 'dashboard') } });
  });
  app.delete('/api/v1/dashboards/:dashboardId', { config: signedIn, schema: { tags, summary: 'Delete a dashboard', description: CHANGE, response: { 204: { type: 'null', description: 'deleted' }, ...errors } } }, async (req, reply) => {
    const actor = actorOf(req);
    assertChangesDashboards(actor);
    await deleteDashboard({ ctx, actor, input: { id: parseInput(idParams, req.params, 'path').dashboardId } });
    return reply.status(204).send();
  });

  app.get('/api/v1/dashboards/:dashboardId/export', { config: signedIn, schema: { tags, summary: 'Download a dashboard\'s spec as a file (format=json or yaml), to keep in git', querystring: jsonSchema(exportQuery) } }, async (req, reply) => {
    const { dashboardId } = parseInput(idParams, req.params, 'path');
    const file = await exportDashboard({ ctx, actor: actorOf(req), input: { id: dashboardId, format: parseInput(exportQuery, req.query, 'query').format } });
    return reply.header('content-disposition', `attachment; filename="${file.filename}"`).type(file.contentType).send(file.body);
  });
  app.post('/api/v1/dashboards/import', {
    config: signedIn,
    schema: { tags, summary: 'Save a dashboard from an exported spec: JSON (application/json) or YAML (application/yaml, text/yaml)', description: `team=<team> shares it. ${CHANGE}`, querystring: jsonSchema(importQuery), response: { 201: dashboardSchema, ...errors } },
  }, async (req, reply) => {
    const actor = actorOf(req);
    assertChangesDashboards(actor);
    const { team } = parseInput(importQuery, req.query, 'query');
    const yaml = YAML_TYPES.includes((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase());
    // Fastify parses text/plain too; only JSON and the YAML types are dashboards
    if (typeof req.body === 'string' && !yaml) {
      throw new VigilError('unsupported_media_type', `content type ${JSON.stringify(req.headers['content-type'] ?? '')} is not accepted here`, { hint: `send the spec as application/json or as YAML (${YAML_TYPES.join(', ')})` });
    }
    const spec = parseInput(DashboardSpecSchema, yaml ? parseDashboardYaml(req.body as string) : req.body, 'dashboard spec');
    return reply.status(201).send(await createDashboard({ ctx, actor, input: { spec, team: team ?? null, via: 'import', format: yaml ? 'yaml' : 'json' } }));
  });
}
