import { VigilError, type Grant, type User, type UserCreate, type UserPatch } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import { hashPassword } from '../auth/secrets.ts';
import { accountFailureKey } from './sign-in.ts';
import type { Actor, ServiceContext } from '../context.ts';

const now = (ctx: ServiceContext) => new Date(ctx.clock.now()).toISOString();
const isRootAdmin = (u: User) => !u.disabled && u.grants.some((g) => g.role === 'admin' && g.scope.kind === 'all');
/** A person who can sign in and administer everything; service accounts do not count (their keys can be revoked). */
const isRootAdminPerson = (u: User) => u.kind === 'human' && isRootAdmin(u);

async function findUser(ctx: ServiceContext, id: string): Promise<User> {
  const u = (await ctx.stores.meta.getUser(id)) ?? (await ctx.stores.meta.getUserByUsername(id.toLowerCase()));
  if (!u) throw new VigilError('not_found', `user "${id}" does not exist`, { hint: 'list users with GET /api/v1/users' });
  return u;
}

/** Team grants must name a team that exists, so a typo cannot silently grant nothing. */
async function checkTeams(ctx: ServiceContext, grants: Grant[]): Promise<void> {
  const details: { field: string; message: string }[] = [];
  for (const [i, g] of grants.entries()) {
    if (g.scope.kind === 'team' && !(await ctx.stores.meta.getTeam(g.scope.team))) details.push({ field: `grants.${i}.scope.team`, message: `team "${g.scope.team}" does not exist (create it with POST /api/v1/teams)` });
  }
  if (details.length) throw new VigilError('validation_failed', 'a grant names an unknown team', { details });
}

/** Refuses a change that would leave nobody able to administer everything. */
async function keepAnAdmin(ctx: ServiceContext, changed: string, after: User | null): Promise<void> {
  const users = await ctx.stores.meta.listUsers();
  const people = users.filter(isRootAdminPerson);
  // before anyone can sign in, the bootstrap account is all there is: do not lock it out either
  const guard = people.length > 0 ? isRootAdminPerson : isRootAdmin;
  const left = users.map((u) => (u.id === changed ? after : u)).filter((u): u is User => u !== null && guard(u));
  if (left.length === 0) throw new VigilError('conflict', 'this would leave no enabled user with the admin role on all models', { hint: 'grant admin on all models to another user first' });
}

export const listUsers = ({ ctx }: { ctx: ServiceContext }) => ctx.stores.meta.listUsers();
export const getUser = ({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) => findUser(ctx, input.id);

export async function createUser({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: UserCreate }): Promise<User> {
  await checkTeams(ctx, input.grants);
  const u = await ctx.stores.meta.createUser(
    {
      username: input.username, display_name: input.display_name ?? input.username, email: input.email ?? null, kind: input.kind, persona: input.persona ?? null,
      source: 'local', password_hash: input.password ? await hashPassword(input.password) : null, grants: input.grants,
    },
    now(ctx),
  );
  await ctx.audit.record(auditBy(actor, 'user.create', { type: 'user', id: u.id }, 'success', { username: u.username, kind: u.kind, grants: u.grants }));
  return u;
}

export async function updateUser({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string; patch: UserPatch } }): Promise<User> {
  const cur = await findUser(ctx, input.id);
  if (input.patch.grants) await checkTeams(ctx, input.patch.grants);
  const next: User = { ...cur, grants: input.patch.grants ?? cur.grants, disabled: input.patch.disabled ?? cur.disabled };
  if (isRootAdmin(cur) && !isRootAdmin(next)) await keepAnAdmin(ctx, cur.id, next);
  const u = await ctx.stores.meta.updateUser(cur.id, input.patch, now(ctx));
  if (input.patch.disabled === true) await ctx.stores.meta.deleteUserSessions(cur.id);
  await ctx.audit.record(auditBy(actor, 'user.update', { type: 'user', id: u.id }, 'success', { username: u.username, patch: input.patch }));
  return u;
}

export async function deleteUser({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  const cur = await findUser(ctx, input.id);
  if (isRootAdmin(cur)) await keepAnAdmin(ctx, cur.id, null);
  await ctx.stores.meta.deleteUser(cur.id);
  await ctx.audit.record(auditBy(actor, 'user.delete', { type: 'user', id: cur.id }, 'success', { username: cur.username }));
}

/** An administrator sets a new password; the user's sessions end. */
export async function resetPassword({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string; password: string } }): Promise<void> {
  const cur = await findUser(ctx, input.id);
  if (cur.kind === 'service') throw new VigilError('conflict', `"${cur.username}" is a service account: it authenticates with API keys, not a password`);
  await ctx.stores.meta.setPasswordHash(cur.id, await hashPassword(input.password), now(ctx));
  await ctx.stores.meta.deleteUserSessions(cur.id);
  await ctx.audit.record(auditBy(actor, 'user.password_reset', { type: 'user', id: cur.id }, 'success', { username: cur.username }));
}

/** Clears the failed sign-ins that slow or lock an account. */
export async function unlockUser({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  const cur = await findUser(ctx, input.id);
  await ctx.stores.meta.clearLoginFailures(accountFailureKey(cur.username));
  await ctx.audit.record(auditBy(actor, 'user.unlock', { type: 'user', id: cur.id }, 'success', { username: cur.username }));
}
