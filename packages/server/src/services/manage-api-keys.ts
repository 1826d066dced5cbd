import { can, canAll, canAny, parseTimestamp, VigilError, type Action, type ApiKey, type ApiKeyCreate } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import { newSecret, sha256hex } from '../auth/secrets.ts';
import type { Actor, ServiceContext } from '../context.ts';

const KEY_NEEDS: Record<ApiKey['scope'], Action> = { ingest: 'ingest', read: 'read', admin: 'admin' };

/**
 * Keys are managed from a browser session, or with an admin key that is not limited to models:
 * a leaked pipeline key must not list, revoke or mint its owner's other keys.
 */
function assertManagesKeys(actor: Actor): void {
  const k = actor.principal.key;
  if (k && (k.scope !== 'admin' || k.models !== null)) {
    throw new VigilError('forbidden', `an API key with scope "${k.scope}"${k.models !== null ? ' limited to models' : ''} cannot manage API keys; sign in, or use an admin key without a model list`);
  }
}

/**
 * Creates an API key for the caller, or (administrators) for a service account. The secret is
 * returned once; only its SHA-256 is stored. A key never has more rights than its owner.
 */
export async function createApiKey({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: ApiKeyCreate }): Promise<{ key: ApiKey; secret: string }> {
  const p = actor.principal;
  assertManagesKeys(actor);
  let owner = await ctx.stores.meta.getUser(p.userId);
  if (input.owner !== undefined) {
    if (!canAll(p, 'admin')) throw new VigilError('forbidden', 'creating a key for another account needs the admin role on all models');
    owner = (await ctx.stores.meta.getUserByUsername(input.owner.toLowerCase())) ?? (await ctx.stores.meta.getUser(input.owner));
    if (!owner) throw new VigilError('validation_failed', `account "${input.owner}" does not exist`, { details: [{ field: 'owner', message: 'no such user' }] });
    if (owner.kind !== 'service' && owner.id !== p.userId) throw new VigilError('validation_failed', `"${owner.username}" is a person: people create their own keys`, { details: [{ field: 'owner', message: 'must be a service account' }] });
  }
  if (!owner) throw new VigilError('unauthorized', 'the account no longer exists');
  const ownerP = { type: 'user' as const, userId: owner.id, username: owner.username, grants: owner.grants };
  if (!canAny(ownerP, KEY_NEEDS[input.scope])) {
    throw new VigilError('validation_failed', `${owner.username} has no grant that allows ${KEY_NEEDS[input.scope]}, so a "${input.scope}" key would be useless`, { details: [{ field: 'scope', message: `needs ${KEY_NEEDS[input.scope]} rights on some model` }] });
  }
  let expires: string | null = null;
  if (input.expires_at !== undefined) {
    const t = parseTimestamp(input.expires_at);
    if (t === null) throw new VigilError('validation_failed', 'invalid API key', { details: [{ field: 'expires_at', message: 'must be an RFC 3339 timestamp with a zone' }] });
    if (t <= ctx.clock.now()) throw new VigilError('validation_failed', 'invalid API key', { details: [{ field: 'expires_at', message: 'must be in the future' }] });
    expires = new Date(t).toISOString();
  }
  // a key made with a key cannot outlive the key that made it
  if (p.key) {
    const maker = await ctx.stores.meta.getApiKey(p.key.id);
    if (maker?.expires_at && (expires === null || expires > maker.expires_at)) {
      throw new VigilError('validation_failed', 'invalid API key', { details: [{ field: 'expires_at', message: `must be no later than ${maker.expires_at}, when the key creating it expires` }] });
    }
  }
  if (input.models) {
    // unknown and invisible models get the same answer, so a key request cannot probe for names
    const action = input.scope === 'ingest' ? 'ingest' : 'read';
    const unusable = [];
    for (const m of input.models) {
      const entry = await ctx.registry.get(m);
      if (!entry || !can(ownerP, action, { id: m, owner_team: entry.model.owner_team })) unusable.push(m);
    }
    if (unusable.length) throw new VigilError('validation_failed', 'invalid API key', { details: [{ field: 'models', message: `not models ${owner.username} may ${action}: ${unusable.join(', ')}` }] });
  }
  const secret = newSecret('vgk_', 32);
  const key = await ctx.stores.meta.createApiKey(
    { name: input.name, owner_user_id: owner.id, scope: input.scope, models: input.models ?? null, prefix: secret.slice(0, 12), secret_hash: sha256hex(secret), created_by: p.key ? `key:${p.key.id}` : p.userId, expires_at: expires },
    new Date(ctx.clock.now()).toISOString(),
  );
  await ctx.audit.record(auditBy(actor, 'api_key.create', { type: 'api_key', id: key.id }, 'success', { name: key.name, owner: owner.username, scope: key.scope, models: key.models, expires_at: key.expires_at }));
  return { key, secret };
}

/** The caller's own keys; administrators may ask for everyone's. */
export async function listApiKeys({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { all: boolean } }): Promise<ApiKey[]> {
  assertManagesKeys(actor);
  if (input.all && !canAll(actor.principal, 'admin')) throw new VigilError('forbidden', 'listing every key needs the admin role on all models');
  return ctx.stores.meta.listApiKeys(input.all ? {} : { ownerUserId: actor.principal.userId });
}

export async function revokeApiKey({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<ApiKey> {
  assertManagesKeys(actor);
  const key = await ctx.stores.meta.getApiKey(input.id);
  const mine = key?.owner_user_id === actor.principal.userId;
  if (!key || (!mine && !canAll(actor.principal, 'admin'))) {
    // someone else's key reads as missing, so ids cannot be probed
    throw new VigilError('not_found', `API key "${input.id}" does not exist or is not yours`, { hint: 'list your keys with GET /api/v1/api-keys' });
  }
  const revoked = await ctx.stores.meta.revokeApiKey(key.id, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'api_key.revoke', { type: 'api_key', id: key.id }, 'success', { name: key.name }));
  return revoked;
}
