import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditHash } from '@vigil/core';

/**
 * The key of the audit log's HMAC chain: VIGIL_AUDIT_KEY, else `<data>/audit-key` (created
 * once, owner-only). With a key, rewriting the chain after a change needs the key too, not
 * only write access to the database. Replicas sharing a database must share VIGIL_AUDIT_KEY.
 */
export function resolveAuditKey(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'audit-key');
  try {
    const k = fs.readFileSync(file, 'utf8').trim();
    if (k.length >= 32) return k;
  } catch {
    /* first start */
  }
  const k = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${k}\n`, { mode: 0o600, flag: 'wx' });
  return k;
}

export const auditHasher = (key: string): AuditHash => (payload) => createHmac('sha256', key).update(payload).digest('hex');
