// Silences: label matchers that mute notifications for a while. A silence naming a model needs
// write access to it; one without a model label could mute any model, so it needs write on all.
import { can, canAll, VigilError } from '@vigil/core';
import type { Silence } from '@vigil/storage';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';

export interface SilenceInput {
  matchers: Record<string, string>;
  starts_at?: string;
  ends_at: string;
  comment: string;
}

async function mayTouch(ctx: ServiceContext, actor: Actor, action: 'read' | 'write', s: { matchers: Record<string, string> }): Promise<boolean> {
  const model = s.matchers.model;
  if (model === undefined) return canAll(actor.principal, action);
  const entry = await ctx.registry.get(model);
  return can(actor.principal, action, { id: model, owner_team: entry?.model.owner_team ?? null });
}

/** Active and future silences (or every one with `all`) the caller may read. */
export async function listSilences({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { all: boolean } }): Promise<Silence[]> {
  const out: Silence[] = [];
  for (const s of await ctx.stores.meta.listSilences(new Date(ctx.clock.now()).toISOString(), input.all)) if (await mayTouch(ctx, actor, 'read', s)) out.push(s);
  return out;
}

export async function createSilence({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: SilenceInput }): Promise<Silence> {
  if (!(await mayTouch(ctx, actor, 'write', input))) {
    const what = input.matchers.model === undefined ? 'a silence without a "model" matcher mutes every model, which needs the editor role on all models' : `silencing model "${input.matchers.model}" needs the editor role on it`;
    throw new VigilError('forbidden', what, { hint: 'add a model matcher for a model you may edit' });
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const s = await ctx.stores.meta.createSilence(
    { matchers: input.matchers, starts_at: input.starts_at ?? now, ends_at: input.ends_at, comment: input.comment, created_by: actor.principal.userId },
    now,
  );
  await ctx.audit.record(auditBy(actor, 'alert_silence.create', { type: 'alert_silence', id: s.id }, 'success', { matchers: s.matchers, starts_at: s.starts_at, ends_at: s.ends_at, comment: s.comment }));
  return s;
}

/** Ends a silence now. Unknown and unreadable silences read the same, so ids do not leak. */
export async function expireSilence({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<Silence> {
  const missing = new VigilError('not_found', `silence "${input.id}" does not exist`, { hint: 'list silences with GET /api/v1/alerts/silences?all=true' });
  const cur = (await ctx.stores.meta.listSilences(new Date(ctx.clock.now()).toISOString(), true)).find((s) => s.id === input.id);
  if (!cur || !(await mayTouch(ctx, actor, 'read', cur))) throw missing;
  if (!(await mayTouch(ctx, actor, 'write', cur))) throw new VigilError('forbidden', `expiring silence "${input.id}" needs the editor role on what it mutes`, {});
  const s = await ctx.stores.meta.expireSilence(input.id, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'alert_silence.expire', { type: 'alert_silence', id: s.id }, 'success', { matchers: s.matchers, ends_at: s.ends_at }));
  return s;
}
