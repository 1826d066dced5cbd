import { VigilError, type SelfPatch, type User } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import { hashPassword, verifyPassword } from '../auth/secrets.ts';
import type { Actor, ServiceContext } from '../context.ts';

const selfTarget = (a: Actor) => ({ type: 'user', id: a.principal.userId });

export async function currentUser(ctx: ServiceContext, actor: Actor): Promise<User> {
  const u = await ctx.stores.meta.getUser(actor.principal.userId);
  if (!u) throw new VigilError('unauthorized', 'the account no longer exists');
  return u;
}

/** Sign-out is for sessions: an API key has none to end (revoke the key instead). */
function sessionOnly(actor: Actor, what: string): void {
  if (actor.principal.type !== 'user') throw new VigilError('forbidden', `${what} works on browser sessions; an API key has no session (revoke the key with DELETE /api/v1/api-keys/{id} instead)`);
}

export async function signOut({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<void> {
  sessionOnly(actor, 'sign-out');
  if (actor.principal.session) await ctx.stores.meta.deleteSession(actor.principal.session.idHash);
  await ctx.audit.record(auditBy(actor, 'auth.sign_out', selfTarget(actor)));
}

/** Ends every session of the caller, this one included. */
export async function signOutEverywhere({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<{ ended: number }> {
  sessionOnly(actor, 'sign-out everywhere');
  const ended = await ctx.stores.meta.deleteUserSessions(actor.principal.userId);
  await ctx.audit.record(auditBy(actor, 'auth.sign_out_everywhere', selfTarget(actor), 'success', { ended }));
  return { ended };
}

/** Changes the caller's password; every other session of theirs ends. */
export async function changePassword({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { current_password: string; new_password: string } }): Promise<{ other_sessions_ended: number }> {
  if (actor.principal.type !== 'user') throw new VigilError('forbidden', 'a password is changed from a signed-in session, not with an API key');
  const user = await currentUser(ctx, actor);
  const stored = await ctx.stores.meta.getPasswordHash(user.id);
  if (stored === null) throw new VigilError('conflict', 'this account has no password: it signs in with single sign-on');
  if (!(await verifyPassword(stored, input.current_password))) {
    await ctx.audit.record(auditBy(actor, 'user.password_change', selfTarget(actor), 'failure', { reason: 'wrong current password' }));
    throw new VigilError('validation_failed', 'the current password is wrong', { details: [{ field: 'current_password', message: 'does not match' }] });
  }
  if (input.new_password === input.current_password) throw new VigilError('validation_failed', 'the new password is the same as the current one', { details: [{ field: 'new_password', message: 'must differ from the current password' }] });
  await ctx.stores.meta.setPasswordHash(user.id, await hashPassword(input.new_password), new Date(ctx.clock.now()).toISOString());
  const ended = await ctx.stores.meta.deleteUserSessions(user.id, actor.principal.session?.idHash);
  await ctx.audit.record(auditBy(actor, 'user.password_change', selfTarget(actor), 'success', { other_sessions_ended: ended }));
  return { other_sessions_ended: ended };
}

export async function updateSelf({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: SelfPatch }): Promise<User> {
  if (actor.principal.type !== 'user') throw new VigilError('forbidden', 'your profile is changed from a signed-in session, not with an API key');
  const u = await ctx.stores.meta.updateUser(actor.principal.userId, input, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'user.update_self', selfTarget(actor), 'success', { fields: Object.keys(input) }));
  return u;
}
