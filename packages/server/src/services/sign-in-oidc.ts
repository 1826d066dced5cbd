import { claimAt, grantsFromClaims, usernameFromClaims, UsernameSchema, VigilError, type OidcMapping, type User } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { ServiceContext } from '../context.ts';
import { openSession, type NewSession, type Origin } from './sign-in.ts';

/**
 * Signs in a user the identity provider vouched for. The account is found by (issuer, subject),
 * created on first sign-in, and its grants are set from the claims on every sign-in, so a
 * change of groups at the provider takes effect at the next sign-in.
 */
export async function signInWithClaims({ ctx, input, origin }: { ctx: ServiceContext; input: { issuer: string; claims: Record<string, unknown>; mapping: OidcMapping }; origin: Origin }): Promise<NewSession> {
  const { issuer, claims, mapping } = input;
  const sub = String(claims.sub ?? '');
  const now = new Date(ctx.clock.now()).toISOString();
  const refuse = async (reason: string, message: string, hint: string): Promise<never> => {
    await ctx.audit.record(auditBy(origin, 'auth.sign_in', { type: 'user', id: sub }, 'failure', { method: 'oidc', reason, issuer }));
    throw new VigilError('forbidden', message, { hint });
  };
  const grants = grantsFromClaims(claims, mapping);
  let user: User | null = await ctx.stores.meta.getUserByOidc(issuer, sub);
  if (grants.length === 0) {
    // the provider no longer vouches for any role: what the account had goes, sessions included
    if (user && user.grants.length > 0) {
      await ctx.stores.meta.updateUser(user.id, { grants: [] }, now);
      await ctx.stores.meta.deleteUserSessions(user.id);
      await ctx.audit.record(auditBy(origin, 'user.update', { type: 'user', id: user.id }, 'success', { username: user.username, grants: [], from: 'oidc claims' }));
    }
    const groups = claimAt(claims, mapping.groups_claim);
    return refuse('no role mapping matched', `signed in at the identity provider, but no Vigil role is mapped to this account (${mapping.groups_claim}: ${JSON.stringify(groups ?? null)})`, 'ask an administrator to add a rule to VIGIL_OIDC_MAPPING for one of your groups');
  }
  if (user?.disabled) return refuse('account disabled', 'this account is disabled in Vigil', 'ask an administrator to enable it');
  const display = typeof claims.name === 'string' ? claims.name : undefined;
  const email = typeof claims.email === 'string' ? claims.email : null;
  if (!user) {
    const name = UsernameSchema.safeParse(usernameFromClaims(claims, mapping) ?? '');
    if (!name.success) return refuse('bad username claim', `the identity provider's ${mapping.username_claim} claim is not a usable username`, 'set username_claim in VIGIL_OIDC_MAPPING to a claim with a simple name or an email');
    const clash = await ctx.stores.meta.getUserByUsername(name.data);
    if (clash) return refuse('username taken', `a Vigil account named "${name.data}" already exists and is not linked to this identity provider`, 'an administrator can rename or delete the local account, then sign in with SSO again');
    user = await ctx.stores.meta.createUser({ username: name.data, display_name: display ?? name.data, email, kind: 'human', persona: null, source: 'oidc', password_hash: null, grants, oidc: { issuer, subject: sub } }, now);
    await ctx.audit.record(auditBy(origin, 'user.create', { type: 'user', id: user.id }, 'success', { username: user.username, source: 'oidc', grants }));
  } else if (JSON.stringify(user.grants) !== JSON.stringify(grants)) {
    user = await ctx.stores.meta.updateUser(user.id, { grants }, now);
    await ctx.audit.record(auditBy(origin, 'user.update', { type: 'user', id: user.id }, 'success', { username: user.username, grants, from: 'oidc claims' }));
  }
  return openSession(ctx, user, origin, 'oidc');
}
