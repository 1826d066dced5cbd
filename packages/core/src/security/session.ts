import type { Session } from './types.ts';

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  absoluteMs: number;
}

export type SessionState = { valid: true } | { valid: false; reason: 'expired' | 'idle' };

/** Is a stored session still good at `now` (epoch ms)? */
export function sessionState(s: Pick<Session, 'last_seen_at' | 'expires_at'>, now: number, idleMs: number): SessionState {
  if (now >= Date.parse(s.expires_at)) return { valid: false, reason: 'expired' };
  if (now - Date.parse(s.last_seen_at) >= idleMs) return { valid: false, reason: 'idle' };
  return { valid: true };
}
