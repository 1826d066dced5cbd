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
  let existing: string | null = null;
  try {
    existing = fs.readFileSync(file, 'utf8').trim();
  } catch {
    /* first start */
  }
  if (existing !== null) {
    if (existing.length >= 32) return existing;
    // never replace it: entries already written were hashed with it
    throw new Error(`${file} holds an audit key shorter than 32 characters; restore the original file (the audit chain was written with it) or set VIGIL_AUDIT_KEY`);
  }
  const k = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${k}\n`, { mode: 0o600, flag: 'wx' });
  return k;
}

export const auditHasher = (key: string): AuditHash => (payload) => createHmac('sha256', key).update(payload).digest('hex');
