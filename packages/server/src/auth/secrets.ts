import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A random secret with a recognisable prefix, e.g. `vgk_…` for API keys. */
export const newSecret = (prefix: string, bytes = 32): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

// OWASP's recommended Argon2id setting: 19 MiB, 2 passes, 1 lane. The library's default algorithm is Argon2id.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

let dummy: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. With no hash (unknown user, SSO-only user) it
 * still spends the time of a real check, so timing does not reveal which usernames exist.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummy ??= hashPassword(newSecret(''));
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
