import { sessionState, type Principal } from '@vigil/core';
import type { MetaStore } from '@vigil/storage';
import type { AuditRecorder, Clock, SecuritySettings } from '../context.ts';
import { auditBy } from './actor.ts';
import { sha256hex } from './secrets.ts';

export const SESSION_COOKIE = 'vigil_session';

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'invalid'; message: string; hint: string };

const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves the caller of a request from its bearer API key or its session cookie. A bearer
 * key wins over a cookie; browsers never send keys by themselves, so keyed calls need no CSRF token.
 */
export class Authenticator {
  /** When each key or session was last written as used, to write at most once a minute. */
  private readonly touched = new Map<string, number>();
  private readonly seenAddresses = new Set<string>();

  constructor(
    private readonly meta: MetaStore,
    private readonly clock: Clock,
    private readonly settings: SecuritySettings,
    private readonly audit: AuditRecorder,
  ) {}

  async authenticate(authorization: string | undefined, cookie: string | undefined, ip: string, userAgent: string | null): Promise<AuthResult> {
    if (authorization !== undefined) return this.byKey(authorization, ip, userAgent);
    if (cookie) return this.bySession(cookie);
    return { ok: false, reason: 'missing', message: 'sign in, or send an API key in an Authorization: Bearer <key> header', hint: 'sign in at /api/v1/auth/sign-in, or create an API key (POST /api/v1/api-keys)' };
  }

  private async byKey(header: string, ip: string, userAgent: string | null): Promise<AuthResult> {
    const bad = (message: string): AuthResult => ({ ok: false, reason: 'invalid', message, hint: 'create a new key with POST /api/v1/api-keys (or use the admin token printed at first start)' });
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return bad('the Authorization header must be "Bearer <key>"');
    const key = await this.meta.findApiKeyBySecretHash(sha256hex(m[1] as string));
    if (!key) return bad('the API key is not valid');
    const now = this.clock.now();
    if (key.revoked_at !== null) return bad(`the API key "${key.name}" was revoked at ${key.revoked_at}`);
    if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return bad(`the API key "${key.name}" expired at ${key.expires_at}`);
    // a key made with a key is good only while every key above it is
    let maker = key.created_by;
    for (let depth = 0; maker?.startsWith('key:') && depth < 16; depth++) {
      const parent = await this.meta.getApiKey(maker.slice(4));
      if (!parent || parent.revoked_at !== null || (parent.expires_at !== null && Date.parse(parent.expires_at) <= now)) {
        return bad(`the API key "${key.name}" was made with a key that has been revoked, deleted or has expired`);
      }
      maker = parent.created_by;
    }
    const owner = await this.meta.getUser(key.owner_user_id);
    if (!owner || owner.disabled) return bad(`the owner of the API key "${key.name}" is disabled`);
    const principal: Principal = { type: 'key', userId: owner.id, username: owner.username, grants: owner.grants, key: { id: key.id, scope: key.scope, models: key.models } };
    const addrKey = `${key.id}\u0000${ip}`;
    const last = this.touched.get(key.id) ?? 0;
    if (!this.seenAddresses.has(addrKey) || now - last >= TOUCH_EVERY_MS) {
      this.touched.set(key.id, now);
      const { newAddress } = await this.meta.touchApiKey(key.id, new Date(now).toISOString(), ip);
      if (this.seenAddresses.size >= 100_000) this.seenAddresses.clear(); // a cache: forgetting only costs a lookup
      this.seenAddresses.add(addrKey);
      if (newAddress) await this.audit.record(auditBy({ principal, ip, userAgent }, 'api_key.new_address', { type: 'api_key', id: key.id }, 'success', { name: key.name }));
    }
    return { ok: true, principal };
  }

  private async bySession(cookie: string): Promise<AuthResult> {
    const expired = (message: string): AuthResult => ({ ok: false, reason: 'invalid', message, hint: 'sign in again' });
    const idHash = sha256hex(cookie);
    const s = await this.meta.getSession(idHash);
    if (!s) return expired('the session has ended (signed out, expired or unknown)');
    const now = this.clock.now();
    const st = sessionState(s, now, this.settings.sessionIdleMs);
    if (!st.valid) {
      await this.meta.deleteSession(idHash);
      return expired(st.reason === 'idle' ? 'the session ended after being idle too long' : 'the session reached its maximum age');
    }
    const user = await this.meta.getUser(s.user_id);
    if (!user || user.disabled) return expired('the account is disabled');
    if (now - Date.parse(s.last_seen_at) >= TOUCH_EVERY_MS) await this.meta.touchSession(idHash, new Date(now).toISOString());
    return { ok: true, principal: { type: 'user', userId: user.id, username: user.username, grants: user.grants, session: { idHash, csrfToken: s.csrf_token } } };
  }
}
