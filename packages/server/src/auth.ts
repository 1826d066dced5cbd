import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The bootstrap admin token: VIGIL_ADMIN_TOKEN, else the one stored in the data directory,
 * else a new random one written there (mode 0600) and reported to the caller once.
 */
export function resolveAdminToken(dataDir: string, fromEnv: string | undefined): { token: string; generated: boolean; file: string } {
  const file = path.join(dataDir, 'admin-token');
  if (fromEnv) return { token: fromEnv, generated: false, file };
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { token: existing, generated: false, file };
  } catch {
    /* not there yet */
  }
  const token = `vgl_${randomBytes(24).toString('base64url')}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  fs.chmodSync(file, 0o600);
  return { token, generated: true, file };
}

/** Compares a presented bearer token with the expected one in constant time. */
export function makeTokenCheck(expected: string): (header: string | undefined) => 'ok' | 'missing' | 'invalid' {
  const want = sha256(expected);
  return (header) => {
    if (!header) return 'missing';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return 'invalid';
    return timingSafeEqual(sha256(m[1] as string), want) ? 'ok' : 'invalid';
  };
}
