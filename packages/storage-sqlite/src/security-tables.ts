// The SecurityStore half of the SQLite MetaStore: users, teams, sessions, API keys, sign-in
// failures and the hash-chained audit log. Synchronous; the store wraps each call in a promise.
import type { Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { AUDIT_GENESIS, auditMarkPayload, auditPayload, VigilError } from '@vigil/core';
import type { ApiKey, AuditEntry, AuditHash, AuditInput, AuditMark, Grant, Scope, Session, Team, User, UserPatch } from '@vigil/core';
import type { AuditAnchor, AuditFilter, NewApiKey, NewUser } from '@vigil/storage';
import { toUtcIso } from './sqlite-meta-store.ts';

/** What the tables need from the store: its prepared-statement cache and its write transaction. */
export interface SqlPort {
  stmt(sql: string): Statement;
  tx<T>(fn: () => T): T;
}

type UserRow = Omit<User, 'disabled' | 'grants'> & { disabled: number };
type GrantRow = { role: Grant['role']; scope_kind: Scope['kind']; scope_team: string | null; scope_models: string | null };
type KeyRow = Omit<ApiKey, 'models'> & { models: string | null };
type AuditRow = Omit<AuditEntry, 'details'> & { details: string };

const USER_COLUMNS = `id, username, display_name, email, kind, persona, source, disabled,
  created_at, updated_at, password_changed_at, last_sign_in_at`;
const KEY_COLUMNS = `id, name, owner_user_id, scope, models, prefix, created_by, created_at,
  expires_at, last_used_at, last_used_ip, revoked_at`;
const PRUNE_BEFORE = 'audit_prune_before';
const ANCHOR = 'audit_anchor';
const HEAD = 'audit_head';

const notFound = (what: string) => new VigilError('not_found', `${what} not found`);
const utc = (ts: string | null, field: string): string | null => (ts === null ? null : toUtcIso(ts, field));

const toScope = (r: GrantRow): Scope =>
  r.scope_kind === 'all' ? { kind: 'all' }
    : r.scope_kind === 'team' ? { kind: 'team', team: r.scope_team! }
      : { kind: 'models', models: JSON.parse(r.scope_models!) as string[] };
const toKey = (r: KeyRow): ApiKey => ({ ...r, models: r.models === null ? null : (JSON.parse(r.models) as string[]) });
const toAudit = (r: AuditRow): AuditEntry => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> });

export class SecurityTables {
  constructor(
    private readonly sql: SqlPort,
    private readonly auditHash: AuditHash,
  ) {}

  createUser(input: NewUser, now: string): User {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.userByUsername(input.username) !== null) throw new VigilError('conflict', `user "${input.username}" already exists`);
      if (input.oidc && this.userByOidc(input.oidc.issuer, input.oidc.subject) !== null) {
        throw new VigilError('conflict', `a user for subject "${input.oidc.subject}" of issuer "${input.oidc.issuer}" already exists`);
      }
      const id = randomUUID();
      this.change(
        `INSERT INTO users (id, username, display_name, email, kind, persona, source, password_hash, disabled,
           oidc_issuer, oidc_subject, created_at, updated_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
        id, input.username, input.display_name, input.email, input.kind, input.persona, input.source, input.password_hash,
        input.oidc?.issuer ?? null, input.oidc?.subject ?? null, at, at, input.password_hash === null ? null : at,
      );
      this.writeGrants(id, input.grants);
      return this.user(id)!;
    });
  }

  user(id: string): User | null {
    return this.withGrants(this.sql.stmt(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined);
  }

  userByUsername(username: string): User | null {
    return this.withGrants(this.sql.stmt(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`).get(username) as UserRow | undefined);
  }

  userByOidc(issuer: string, subject: string): User | null {
    const row = this.sql.stmt(`SELECT ${USER_COLUMNS} FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`).get(issuer, subject);
    return this.withGrants(row as UserRow | undefined);
  }

  passwordHash(userId: string): string | null {
    const row = this.sql.stmt('SELECT password_hash FROM users WHERE id = ?').get(userId) as { password_hash: string | null } | undefined;
    return row?.password_hash ?? null;
  }

  listUsers(): User[] {
    const rows = this.sql.stmt(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`).all() as UserRow[];
    return rows.map((r) => this.withGrants(r)!);
  }

  countUsers(): number {
    return (this.sql.stmt('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  updateUser(id: string, patch: UserPatch, now: string): User {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      const cur = this.user(id);
      if (cur === null) throw notFound(`user "${id}"`);
      this.change(
        'UPDATE users SET display_name = ?, email = ?, persona = ?, disabled = ?, updated_at = ? WHERE id = ?',
        patch.display_name ?? cur.display_name,
        patch.email === undefined ? cur.email : patch.email,
        patch.persona === undefined ? cur.persona : patch.persona,
        (patch.disabled ?? cur.disabled) ? 1 : 0,
        at, id,
      );
      if (patch.grants !== undefined) this.writeGrants(id, patch.grants);
      return this.user(id)!;
    });
  }

  setPasswordHash(id: string, hash: string, now: string): void {
    const at = toUtcIso(now, 'now');
    const n = this.change('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?', hash, at, at, id);
    if (n === 0) throw notFound(`user "${id}"`);
  }

  recordSignIn(id: string, now: string): void {
    if (this.change('UPDATE users SET last_sign_in_at = ? WHERE id = ?', toUtcIso(now, 'now'), id) === 0) throw notFound(`user "${id}"`);
  }

  /** Sessions, keys, grants and key addresses go with the user through ON DELETE CASCADE. */
  deleteUser(id: string): void {
    if (this.change('DELETE FROM users WHERE id = ?', id) === 0) throw notFound(`user "${id}"`);
  }

  createTeam(input: { id: string; name: string }, now: string): Team {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.team(input.id) !== null) throw new VigilError('conflict', `team "${input.id}" already exists`);
      this.change('INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)', input.id, input.name, at);
      return this.team(input.id)!;
    });
  }

  listTeams(): Team[] {
    return this.sql.stmt('SELECT id, name, created_at FROM teams ORDER BY id').all() as Team[];
  }

  team(id: string): Team | null {
    return (this.sql.stmt('SELECT id, name, created_at FROM teams WHERE id = ?').get(id) as Team | undefined) ?? null;
  }

  deleteTeam(id: string): void {
    this.sql.tx(() => {
      if (this.team(id) === null) throw notFound(`team "${id}"`);
      const model = this.sql.stmt('SELECT id FROM models WHERE owner_team = ? ORDER BY id LIMIT 1').get(id) as { id: string } | undefined;
      if (model) throw new VigilError('conflict', `team "${id}" still owns model "${model.id}"`, { hint: 'move its models to another team first' });
      const grant = this.sql.stmt(
        'SELECT u.username FROM user_grants g JOIN users u ON u.id = g.user_id WHERE g.scope_team = ? ORDER BY u.username LIMIT 1',
      ).get(id) as { username: string } | undefined;
      if (grant) throw new VigilError('conflict', `user "${grant.username}" still has a grant on team "${id}"`, { hint: 'remove the grants that name the team first' });
      this.change('DELETE FROM teams WHERE id = ?', id);
    });
  }

  createSession(s: Session): void {
    this.sql.tx(() => {
      if (this.user(s.user_id) === null) throw notFound(`user "${s.user_id}"`);
      if (this.session(s.id_hash) !== null) throw new VigilError('conflict', 'a session with this id already exists');
      this.change(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent, method)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        s.id_hash, s.user_id, s.csrf_token, toUtcIso(s.created_at, 'created_at'), toUtcIso(s.last_seen_at, 'last_seen_at'),
        toUtcIso(s.expires_at, 'expires_at'), s.ip, s.user_agent, s.method,
      );
    });
  }

  session(idHash: string): Session | null {
    return (this.sql.stmt('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as Session | undefined) ?? null;
  }

  touchSession(idHash: string, now: string): void {
    this.change('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', toUtcIso(now, 'now'), idHash);
  }

  deleteSession(idHash: string): void {
    this.change('DELETE FROM sessions WHERE id_hash = ?', idHash);
  }

  deleteUserSessions(userId: string, exceptIdHash?: string): number {
    return this.change('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?', userId, exceptIdHash ?? null);
  }

  pruneSessions(now: string, idleBefore: string): number {
    return this.change('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?', toUtcIso(now, 'now'), toUtcIso(idleBefore, 'idleBefore'));
  }

  createApiKey(k: NewApiKey, now: string): ApiKey {
    const at = toUtcIso(now, 'now');
    const id = k.id ?? randomUUID();
    return this.sql.tx(() => {
      if (this.user(k.owner_user_id) === null) throw notFound(`user "${k.owner_user_id}"`);
      if (this.apiKey(id) !== null) throw new VigilError('conflict', `API key "${id}" already exists`);
      if (this.apiKeyBySecretHash(k.secret_hash) !== null) throw new VigilError('conflict', 'another API key has the same secret');
      this.change(
        `INSERT INTO api_keys (id, name, owner_user_id, scope, models, prefix, secret_hash, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id, k.name, k.owner_user_id, k.scope, k.models === null ? null : JSON.stringify(k.models), k.prefix, k.secret_hash,
        k.created_by, at, utc(k.expires_at, 'expires_at'),
      );
      return this.apiKey(id)!;
    });
  }

  apiKey(id: string): ApiKey | null {
    const row = this.sql.stmt(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ?`).get(id) as KeyRow | undefined;
    return row === undefined ? null : toKey(row);
  }

  apiKeyBySecretHash(hash: string): ApiKey | null {
    const row = this.sql.stmt(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE secret_hash = ?`).get(hash) as KeyRow | undefined;
    return row === undefined ? null : toKey(row);
  }

  listApiKeys(filter: { ownerUserId?: string } = {}): ApiKey[] {
    // rowid breaks ties between keys created in the same millisecond: later insert first.
    const rows = this.sql.stmt(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE (@owner IS NULL OR owner_user_id = @owner) ORDER BY created_at DESC, rowid DESC`,
    ).all({ owner: filter.ownerUserId ?? null }) as KeyRow[];
    return rows.map(toKey);
  }

  revokeApiKey(id: string, now: string): ApiKey {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.change('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?', at, id) === 0) throw notFound(`API key "${id}"`);
      return this.apiKey(id)!;
    });
  }

  setApiKeySecret(id: string, prefix: string, hash: string): void {
    this.sql.tx(() => {
      const other = this.apiKeyBySecretHash(hash);
      if (other !== null && other.id !== id) throw new VigilError('conflict', 'another API key has the same secret');
      if (this.change('UPDATE api_keys SET prefix = ?, secret_hash = ? WHERE id = ?', prefix, hash, id) === 0) throw notFound(`API key "${id}"`);
    });
  }

  touchApiKey(id: string, now: string, ip: string): { newAddress: boolean } {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.change('UPDATE api_keys SET last_used_at = ?, last_used_ip = ? WHERE id = ?', at, ip, id) === 0) throw notFound(`API key "${id}"`);
      const added = this.change('INSERT INTO api_key_addresses (key_id, ip, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', id, ip, at);
      return { newAddress: added === 1 };
    });
  }

  recordLoginFailure(key: string, now: string): void {
    this.change('INSERT INTO login_failures (key, ts) VALUES (?, ?)', key, toUtcIso(now, 'now'));
  }

  loginFailures(key: string, since: string): { count: number; lastAt: string | null } {
    const row = this.sql.stmt('SELECT count(*) AS count, max(ts) AS lastAt FROM login_failures WHERE key = ? AND ts >= ?')
      .get(key, toUtcIso(since, 'since')) as { count: number; lastAt: string | null };
    return { count: row.count, lastAt: row.lastAt };
  }

  clearLoginFailures(key: string): void {
    this.change('DELETE FROM login_failures WHERE key = ?', key);
  }

  pruneLoginFailures(before: string): number {
    return this.change('DELETE FROM login_failures WHERE ts < ?', toUtcIso(before, 'before'));
  }

  appendAudit(entries: AuditInput[]): AuditEntry[] {
    // Stored as JSON text, so hash what the JSON round trip gives back (a Date becomes its
    // ISO text, an undefined field disappears); otherwise a verifier would see another payload.
    const inputs = entries.map((e) => ({ ...e, ts: toUtcIso(e.ts, 'ts'), details: JSON.parse(JSON.stringify(e.details ?? {})) as Record<string, unknown> }));
    return this.sql.tx(() => {
      // A head with a valid signature is where the log ends, even if rows after it were deleted:
      // new entries then continue after the gap, and verification reports it.
      const head = this.auditHead();
      const trusted = head && head.mac === this.auditHash(auditMarkPayload('head', head)) ? head : null;
      const last = trusted ?? (this.sql.stmt('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ?? this.auditAnchor();
      let seq = last?.seq ?? 0;
      let prev = last?.hash ?? AUDIT_GENESIS;
      const stored = inputs.map((input) => {
        seq += 1;
        const entry: AuditEntry = { ...input, seq, prev_hash: prev, hash: '' };
        const { hash: _, ...unhashed } = entry;
        entry.hash = this.auditHash(auditPayload(unhashed));
        this.change(
          `INSERT INTO audit_log (seq, ts, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, ip, user_agent, details, prev_hash, hash)
           VALUES (@seq, @ts, @actor_type, @actor_id, @actor_name, @action, @target_type, @target_id, @outcome, @ip, @user_agent, @details, @prev_hash, @hash)`,
          { ...entry, details: JSON.stringify(entry.details) },
        );
        prev = entry.hash;
        return entry;
      });
      const newest = stored.at(-1);
      if (newest) this.setSetting(HEAD, JSON.stringify(this.mark('head', newest.seq, newest.hash, null)));
      return stored;
    });
  }

  private mark(kind: 'head' | 'anchor', seq: number, hash: string, before: string | null): AuditMark {
    return { seq, hash, before, mac: this.auditHash(auditMarkPayload(kind, { seq, hash, before })) };
  }

  private readMark(key: string): AuditMark | null {
    const row = this.sql.stmt('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    if (row === undefined) return null;
    const m = JSON.parse(row.value) as Partial<AuditMark>;
    return { seq: Number(m.seq), hash: String(m.hash), before: m.before ?? null, mac: m.mac ?? '' };
  }

  auditHead(): AuditMark | null {
    return this.readMark(HEAD);
  }

  /** The head of a new, empty log: seq 0 at the genesis hash. */
  markAuditCreated(): void {
    this.setSetting(HEAD, JSON.stringify(this.mark('head', 0, AUDIT_GENESIS, null)));
  }

  listAudit(f: AuditFilter): AuditEntry[] {
    // A trailing ".*" asks for a prefix. substr, not LIKE: "_" in action names is a LIKE wildcard.
    const prefix = f.action?.endsWith('.*') ? f.action.slice(0, -1) : null;
    const rows = this.sql.stmt(
      `SELECT * FROM audit_log
       WHERE (@from IS NULL OR ts >= @from) AND (@to IS NULL OR ts < @to)
         AND (@actor IS NULL OR actor_id = @actor OR actor_name = @actor)
         AND (@action IS NULL OR action = @action)
         AND (@prefix IS NULL OR substr(action, 1, length(@prefix)) = @prefix)
         AND (@target_type IS NULL OR target_type = @target_type) AND (@target_id IS NULL OR target_id = @target_id)
         AND (@outcome IS NULL OR outcome = @outcome) AND (@before_seq IS NULL OR seq < @before_seq)
       ORDER BY seq DESC LIMIT @limit`,
    ).all({
      from: f.from === undefined ? null : toUtcIso(f.from, 'from'), to: f.to === undefined ? null : toUtcIso(f.to, 'to'),
      actor: f.actor ?? null, action: prefix === null ? (f.action ?? null) : null, prefix,
      target_type: f.target_type ?? null, target_id: f.target_id ?? null, outcome: f.outcome ?? null,
      before_seq: f.before_seq ?? null, limit: f.limit,
    }) as AuditRow[];
    return rows.map(toAudit);
  }

  scanAudit(afterSeq: number | null, limit: number): AuditEntry[] {
    const rows = this.sql.stmt('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq ?? 0, limit) as AuditRow[];
    return rows.map(toAudit);
  }

  auditAnchor(): AuditAnchor | null {
    return this.readMark(ANCHOR);
  }

  /**
   * Removes the oldest entries up to the first one at or after `before`, never a later entry
   * with an earlier timestamp: a gap in the middle would break the chain for good.
   */
  pruneAudit(before: string): number {
    const cutoff = toUtcIso(before, 'before');
    return this.sql.tx(() => {
      const last = this.sql.stmt(
        `SELECT seq, hash FROM audit_log
         WHERE seq < coalesce((SELECT min(seq) FROM audit_log WHERE ts >= ?), 9223372036854775807)
         ORDER BY seq DESC LIMIT 1`,
      ).get(cutoff) as AuditAnchor | undefined;
      if (last === undefined) return 0;
      // The delete trigger lets through only rows older than the cutoff and within the anchor.
      this.setSetting(PRUNE_BEFORE, cutoff);
      this.setSetting(ANCHOR, JSON.stringify(this.mark('anchor', last.seq, last.hash, cutoff)));
      return this.change('DELETE FROM audit_log WHERE seq <= ?', last.seq);
    });
  }

  private change(sql: string, ...params: unknown[]): number {
    return this.sql.stmt(sql).run(...params).changes;
  }

  private setSetting(key: string, value: string): void {
    this.change('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  private withGrants(row: UserRow | undefined): User | null {
    if (row === undefined) return null;
    const grants = this.sql.stmt('SELECT role, scope_kind, scope_team, scope_models FROM user_grants WHERE user_id = ? ORDER BY position')
      .all(row.id) as GrantRow[];
    return { ...row, disabled: row.disabled === 1, grants: grants.map((g) => ({ role: g.role, scope: toScope(g) })) };
  }

  private writeGrants(userId: string, grants: readonly Grant[]): void {
    this.change('DELETE FROM user_grants WHERE user_id = ?', userId);
    grants.forEach((g, position) => {
      const s = g.scope;
      this.change(
        'INSERT INTO user_grants (user_id, position, role, scope_kind, scope_team, scope_models) VALUES (?, ?, ?, ?, ?, ?)',
        userId, position, g.role, s.kind, s.kind === 'team' ? s.team : null, s.kind === 'models' ? JSON.stringify(s.models) : null,
      );
    });
  }
}
