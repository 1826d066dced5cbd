// Per-model permission checks inside services, for routes whose models come from the body or query.
import { can, canAll, describeMissing, visibleModels, VigilError, type Action } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';

/** Throws forbidden (and audits the denial) unless the actor may do `action` on every listed model. */
export async function assertCanModels(ctx: ServiceContext, actor: Actor, action: Action, modelIds: Iterable<string>, teamOf?: (id: string) => string | null | undefined): Promise<void> {
  const denied: string[] = [];
  for (const id of new Set(modelIds)) {
    // a given teamOf answers for itself, null ("no team") included; otherwise the registry does
    const team = teamOf ? (teamOf(id) ?? null) : ((await ctx.registry.get(id))?.model.owner_team ?? null);
    if (!can(actor.principal, action, { id, owner_team: team })) denied.push(id);
  }
  if (denied.length === 0) return;
  const what = denied.length === 1 ? `model "${denied[0]}"` : `models ${denied.map((d) => `"${d}"`).join(', ')}`;
  await ctx.audit.record(auditBy(actor, 'access.denied', { type: 'model', id: denied.join(',') }, 'denied', { needs: action }));
  throw new VigilError('forbidden', describeMissing(actor.principal, action, what), { hint: 'ask an administrator for a grant that covers it, or use a key with the right scope', audited: true });
}

/** The ids of the models the actor may read, or null when every model (and model-less events) is visible. */
export async function readableModelIds(ctx: ServiceContext, actor: Actor): Promise<string[] | null> {
  if (canAll(actor.principal, 'read')) return null;
  const models = await ctx.stores.meta.listModels();
  return (visibleModels(actor.principal, 'read', models) ?? models).map((m) => m.id);
}

/**
 * Starts the audit entry of a read now, so its commit overlaps the query; the caller awaits the
 * returned function before answering, so no answer leaves before its entry is durable.
 */
export function auditReadAlongside(ctx: ServiceContext, actor: Actor, what: string, models: string[] | null): () => Promise<void> {
  const settled = auditRead(ctx, actor, what, models).then(
    () => null,
    (e: unknown) => e,
  );
  return async () => {
    const e = await settled;
    if (e) throw e;
  };
}

/** Records that the actor read data of these models (one entry per request). */
export function auditRead(ctx: ServiceContext, actor: Actor, what: string, models: string[] | null, details: Record<string, unknown> = {}): Promise<void> {
  return ctx.audit.record(auditBy(actor, 'data.read', { type: 'model', id: models === null ? '*' : models.join(',') }, 'success', { what, ...details }));
}

/**
 * Before anything is stored: the caller must be allowed to ingest for every model the records
 * name. A key limited to models may not write records that name no model. One refusal refuses
 * the whole request, so nothing is half-written.
 */
export async function assertCanIngest(ctx: ServiceContext, actor: Actor, records: unknown[], kind: string): Promise<void> {
  const models = new Set<string>();
  let modelless = 0;
  for (const r of records) {
    if (r === null || typeof r !== 'object') continue;
    const rec = r as Record<string, unknown>;
    const m = kind === 'metrics' ? (rec.labels as Record<string, unknown> | undefined)?.model : rec.model;
    if (typeof m === 'string') models.add(m);
    else modelless++;
  }
  // records that name no model (host metrics, pipeline runs, logs) are visible only to those who
  // read every model, so only those who may ingest for every model may write them
  if (modelless > 0 && !canAll(actor.principal, 'ingest')) {
    const key = actor.principal.key;
    await ctx.audit.record(auditBy(actor, 'access.denied', { type: 'route', id: `/api/v1/${kind}` }, 'denied', { needs: 'ingest', reason: 'records without a model' }));
    throw new VigilError(
      'forbidden',
      key && key.models !== null
        ? `this API key is limited to models ${key.models.map((m) => `"${m}"`).join(', ')}, and ${modelless} record(s) name no model`
        : `${modelless} record(s) name no model; writing those needs ingest rights on all models`,
      { hint: kind === 'metrics' ? 'give each sample a "model" label, or use a key of an account with ingest rights on all models' : 'set the model field of each record, or use a key of an account with ingest rights on all models', audited: true },
    );
  }
  await assertCanModels(ctx, actor, 'ingest', models);
}
