// First start: the bootstrap admin key, and optionally the first admin user. Never a default password.
import fs from 'node:fs';
import path from 'node:path';
import { UsernameSchema } from '@vigil/core';
import type { MetaStore } from '@vigil/storage';
import { hashPassword, newSecret, sha256hex } from './secrets.ts';

export const BOOTSTRAP_KEY_ID = 'bootstrap';
export const BOOTSTRAP_ACCOUNT = 'bootstrap';
const BOOTSTRAPPED = 'bootstrap_key_created_at';

export interface BootstrapOutcome {
  /** The token, when this process knows it (from the environment, the file, or just generated). */
  token: string | null;
  generated: boolean;
  file: string;
  messages: string[];
}

/**
 * The bootstrap admin token is an API key (scope admin) of the `bootstrap` service account.
 * VIGIL_ADMIN_TOKEN, when set, is that key's secret (a new value replaces the old one). Otherwise
 * a token is generated once, printed once and kept owner-only in `<data>/admin-token`.
 * A revoked bootstrap key stays revoked.
 */
export async function ensureBootstrapKey(meta: MetaStore, dataDir: string, fromEnv: string | undefined, now: string): Promise<BootstrapOutcome> {
  const file = path.join(dataDir, 'admin-token');
  const messages: string[] = [];
  // once made, never made again: deleting the account or the key must not bring the token back
  if ((await meta.getSetting(BOOTSTRAPPED)) !== null && !(await meta.getApiKey(BOOTSTRAP_KEY_ID))) {
    if (fromEnv) messages.push('vigil: VIGIL_ADMIN_TOKEN is set, but the bootstrap key was deleted: the token is not accepted');
    return { token: null, generated: false, file, messages };
  }
  let account = await meta.getUserByUsername(BOOTSTRAP_ACCOUNT);
  account ??= await meta.createUser(
    { username: BOOTSTRAP_ACCOUNT, display_name: 'Bootstrap admin token', email: null, kind: 'service', persona: null, source: 'local', password_hash: null, grants: [{ role: 'admin', scope: { kind: 'all' } }] },
    now,
  );
  const existing = await meta.getApiKey(BOOTSTRAP_KEY_ID);
  const create = async (token: string) => {
    await meta.createApiKey({ id: BOOTSTRAP_KEY_ID, name: 'bootstrap admin token', owner_user_id: account.id, scope: 'admin', models: null, prefix: token.slice(0, 8), secret_hash: sha256hex(token), created_by: null, expires_at: null }, now);
    await meta.setSetting(BOOTSTRAPPED, now);
  };

  if (fromEnv) {
    if (!existing) await create(fromEnv);
    else if (existing.revoked_at !== null) messages.push('VIGIL_ADMIN_TOKEN is set, but the bootstrap key was revoked: the token is not accepted');
    else await meta.setApiKeySecret(BOOTSTRAP_KEY_ID, fromEnv.slice(0, 8), sha256hex(fromEnv));
    return { token: fromEnv, generated: false, file, messages };
  }
  let fromFile: string | null = null;
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 16) fromFile = t;
  } catch {
    /* not there */
  }
  if (existing) {
    if (fromFile && existing.revoked_at === null) messages.push(`vigil: the admin token is in ${file}`);
    return { token: existing.revoked_at === null ? fromFile : null, generated: false, file, messages };
  }
  const token = fromFile ?? newSecret('vgl_', 24);
  if (!fromFile) {
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'w' });
    fs.chmodSync(file, 0o600);
  }
  await create(token);
  if (!fromFile) messages.push(`vigil: generated an admin token (shown once; also stored, owner-only, in ${file}):\n\n    ${token}\n`);
  return { token, generated: !fromFile, file, messages };
}

/** VIGIL_INITIAL_ADMIN_PASSWORD: creates the first admin user when no person has an account yet. */
export async function ensureInitialAdmin(meta: MetaStore, username: string, password: string | undefined, now: string): Promise<string | null> {
  if (!password) return null;
  const people = (await meta.listUsers()).filter((u) => u.kind === 'human');
  if (people.length > 0) return null;
  const name = UsernameSchema.parse(username);
  await meta.createUser({ username: name, display_name: name, email: null, kind: 'human', persona: null, source: 'local', password_hash: await hashPassword(password), grants: [{ role: 'admin', scope: { kind: 'all' } }] }, now);
  return `vigil: created the first admin user "${name}" from VIGIL_INITIAL_ADMIN_PASSWORD (change the password after signing in)`;
}
