import { ACCOUNT_POLICY, ADDRESS_POLICY, lockoutDecision, UsernameSchema, VigilError, type LockoutPolicy, type User } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import { newSecret, sha256hex, verifyPassword } from '../auth/secrets.ts';
import type { ServiceContext } from '../context.ts';

export interface Origin {
  ip: string;
  userAgent: string | null;
}

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: User;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function check(ctx: ServiceContext, key: string, policy: LockoutPolicy, now: number) {
  const f = await ctx.stores.meta.loginFailures(key, iso(now - policy.windowMs));
  return { decision: lockoutDecision({ count: f.count, lastAt: f.lastAt === null ? null : Date.parse(f.lastAt) }, now, policy), count: f.count };
}

/** Opens a server-side session for a user who proved who they are (password or SSO). */
export async function openSession(ctx: ServiceContext, user: User, origin: Origin, method: 'password' | 'oidc'): Promise<NewSession> {
  const now = ctx.clock.now();
  const token = newSecret('', 32);
  const csrfToken = newSecret('', 24);
  const expiresAt = iso(now + ctx.security.sessionMaxMs);
  await ctx.stores.meta.createSession({ id_hash: sha256hex(token), user_id: user.id, csrf_token: csrfToken, created_at: iso(now), last_seen_at: iso(now), expires_at: expiresAt, ip: origin.ip, user_agent: origin.userAgent, method });
  await ctx.stores.meta.recordSignIn(user.id, iso(now));
  await ctx.audit.record(auditBy({ principal: { type: 'user', userId: user.id, username: user.username, grants: user.grants }, ...origin }, 'auth.sign_in', { type: 'user', id: user.id }, 'success', { method }));
  return { token, csrfToken, expiresAt, user };
}

/** Lock-out counters are keyed by a hash, so a password typed into the username field is never stored. */
export const accountFailureKey = (username: string) => `user:${sha256hex(username.trim().toLowerCase())}`;

const queues = new Map<string, Promise<unknown>>();

/** Runs attempts on one account one at a time, so parallel guesses cannot all pass the same check. */
function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return run;
}

/**
 * Password sign-in. Failures are counted per account and per address: after a few, each
 * attempt must wait longer; after more, sign-in is locked for a while, even with the right password.
 */
export function signIn(args: { ctx: ServiceContext; input: { username: string; password: string }; origin: Origin }): Promise<NewSession> {
  // per address, then per account (always in this order, so two queues never wait on each other)
  return oneAtATime(`ip:${args.origin.ip}`, () => oneAtATime(accountFailureKey(args.input.username), () => attempt(args)));
}

async function attempt({ ctx, input, origin }: { ctx: ServiceContext; input: { username: string; password: string }; origin: Origin }): Promise<NewSession> {
  const now = ctx.clock.now();
  const parsed = UsernameSchema.safeParse(input.username);
  const username = parsed.success ? parsed.data : input.username.trim().toLowerCase().slice(0, 128);
  const userKey = accountFailureKey(input.username);
  const ipKey = `ip:${origin.ip}`;
  const user = parsed.success ? await ctx.stores.meta.getUserByUsername(username) : null;
  // an unknown "username" may be a password typed in the wrong field: it is not written down
  const fail = (reason: string, outcome: 'failure' | 'denied' = 'failure') =>
    ctx.audit.record(auditBy(origin, outcome === 'denied' ? 'auth.sign_in_blocked' : 'auth.sign_in', { type: 'user', id: user ? user.id : null }, outcome, { reason, ...(user ? { username: user.username } : {}) }));

  for (const [key, policy, who] of [[userKey, ACCOUNT_POLICY, 'this account'], [ipKey, ADDRESS_POLICY, 'your address']] as const) {
    const { decision, count } = await check(ctx, key, policy, now);
    if (!decision.allowed) {
      const s = Math.ceil(decision.retryAfterMs / 1000);
      await fail(`${decision.reason} (${key.split(':')[0]})`, 'denied');
      throw new VigilError(
        'rate_limited',
        decision.reason === 'locked'
          ? `sign-in for ${who} is locked after ${count} failed attempts in ${policy.windowMs / 60_000} minutes; try again in ${s} s`
          : `too many failed sign-ins for ${who}; wait ${s} s before the next attempt`,
        { retryAfterMs: decision.retryAfterMs, hint: decision.reason === 'locked' ? 'wait, or ask an administrator to unlock the account (POST /api/v1/users/{id}/unlock)' : 'check the username and password, then try again after the wait' },
      );
    }
  }

  const hash = user && user.kind === 'human' ? await ctx.stores.meta.getPasswordHash(user.id) : null;
  const ok = await verifyPassword(hash, input.password);
  if (!ok || !user || user.disabled) {
    const at = iso(now);
    await ctx.stores.meta.recordLoginFailure(userKey, at);
    await ctx.stores.meta.recordLoginFailure(ipKey, at);
    await fail(!user ? 'unknown user' : user.disabled && ok ? 'account disabled' : hash === null ? 'no password (SSO or service account)' : 'wrong password');
    const left = ACCOUNT_POLICY.lockAfter - (await check(ctx, userKey, ACCOUNT_POLICY, now)).count;
    throw new VigilError('unauthorized', 'the username or password is wrong, or the account is disabled', {
      hint: left > 0 && left <= 5 ? `${left} more failed attempts lock this account for ${ACCOUNT_POLICY.lockMs / 60_000} minutes` : 'check both and try again; an administrator can reset a forgotten password',
    });
  }
  await ctx.stores.meta.clearLoginFailures(userKey);
  return openSession(ctx, user, origin, 'password');
}
