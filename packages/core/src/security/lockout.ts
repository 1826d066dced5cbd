// Slowing and locking out repeated failed sign-ins: a pure decision over recent failures.

export interface LockoutPolicy {
  /** Failures are counted over this window. */
  windowMs: number;
  /** From this many failures on, each further attempt must wait (doubling, capped). */
  slowAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** From this many failures on, sign-in is refused until lockMs after the last failure. */
  lockAfter: number;
  lockMs: number;
}

/** Per account: 3 free tries, then 1 s, 2 s, 4 s…; locked for 15 minutes after 10 failures in 15 minutes. */
export const ACCOUNT_POLICY: LockoutPolicy = { windowMs: 15 * 60_000, slowAfter: 3, baseDelayMs: 1000, maxDelayMs: 30_000, lockAfter: 10, lockMs: 15 * 60_000 };
/** Per address: more room (offices share addresses), same shape. */
export const ADDRESS_POLICY: LockoutPolicy = { windowMs: 15 * 60_000, slowAfter: 10, baseDelayMs: 1000, maxDelayMs: 30_000, lockAfter: 50, lockMs: 15 * 60_000 };

export interface FailureHistory {
  /** Failures within the policy window. */
  count: number;
  /** Epoch ms of the latest failure, or null. */
  lastAt: number | null;
}

export type LockoutDecision =
  | { allowed: true }
  | { allowed: false; reason: 'slowed' | 'locked'; retryAfterMs: number };

/** May a sign-in be attempted now, given the failures recorded for one account or address? */
export function lockoutDecision(h: FailureHistory, now: number, policy: LockoutPolicy): LockoutDecision {
  if (h.lastAt === null || h.count < policy.slowAfter) return { allowed: true };
  const since = now - h.lastAt;
  if (h.count >= policy.lockAfter) {
    const wait = policy.lockMs - since;
    return wait > 0 ? { allowed: false, reason: 'locked', retryAfterMs: wait } : { allowed: true };
  }
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (h.count - policy.slowAfter));
  const wait = delay - since;
  return wait > 0 ? { allowed: false, reason: 'slowed', retryAfterMs: wait } : { allowed: true };
}
