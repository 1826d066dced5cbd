import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature scheme of Vigil's outgoing webhooks (alerts and retraining triggers), documented
 * in docs/notifications.md:
 *   X-Vigil-Timestamp: <unix seconds>
 *   X-Vigil-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${raw body}`)>
 * The timestamp is signed too so a captured request cannot be replayed later with a new one.
 */
export const SIGNATURE_HEADER = 'X-Vigil-Signature';
export const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Signature headers for `body` sent at `nowMs`. */
export function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(secret, timestamp, body) };
}

/**
 * What a receiver does: recompute, compare in constant time, and refuse stale timestamps
 * (default tolerance five minutes).
 */
export function verify(secret: string, timestamp: string | undefined, body: string, signature: string | undefined, nowMs: number, toleranceS = 300): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
