import type { ApiKey, AuditEntry, AuditInput, AuditMark, AuditOutcome, Grant, Session, Team, User, UserPatch } from '@vigil/core';

/** What a new user row holds; the id is chosen by the store (UUID). */
export interface NewUser {
  username: string;
  display_name: string;
  email: string | null;
  kind: User['kind'];
  persona: User['persona'];
  source: User['source'];
  /** Argon2id PHC string, or null for SSO-only users and service accounts. */
  password_hash: string | null;
  grants: Grant[];
  /** For SSO users: the issuer and subject that identify them for good. */
  oidc?: { issuer: string; subject: string };
}

export interface NewApiKey {
  name: string;
  owner_user_id: string;
  scope: ApiKey['scope'];
  models: string[] | null;
  prefix: string;
  /** SHA-256 (hex) of the whole secret. Keys are random and long, so a fast hash is enough. */
  secret_hash: string;
  created_by: string | null;
  expires_at: string | null;
  /** Fixed id for the bootstrap key; otherwise the store picks a UUID. */
  id?: string;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  outcome?: AuditOutcome;
  /** Entries with seq below this (for paging newest first). */
  before_seq?: number;
  limit: number;
}

/** Where the chain starts after retention removed older entries (signed, with its cut-off). */
export type AuditAnchor = AuditMark;

/**
 * Users, teams, sessions, API keys, sign-in failures and the audit log. Part of the MetaStore;
 * every timestamp passed in or returned is ISO 8601 UTC text.
 */
export interface SecurityStore {
  /** Throws conflict if the username is taken (case-insensitively: usernames arrive lowercase). */
  createUser(input: NewUser, now: string): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserByUsername(username: string): Promise<User | null>;
  getUserByOidc(issuer: string, subject: string): Promise<User | null>;
  /** The stored password hash, or null; kept out of User so it never reaches a response. */
  getPasswordHash(userId: string): Promise<string | null>;
  listUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  /** Applies a patch; `grants` replaces all grants. Throws not_found. */
  updateUser(id: string, patch: UserPatch, now: string): Promise<User>;
  setPasswordHash(id: string, hash: string, now: string): Promise<void>;
  recordSignIn(id: string, now: string): Promise<void>;
  /** Deletes the user with their sessions and keys. Throws not_found. */
  deleteUser(id: string): Promise<void>;

  createTeam(input: { id: string; name: string }, now: string): Promise<Team>;
  listTeams(): Promise<Team[]>;
  getTeam(id: string): Promise<Team | null>;
  /** Throws not_found, or conflict while a model or a grant still names the team. */
  deleteTeam(id: string): Promise<void>;

  createSession(s: Session): Promise<void>;
  getSession(idHash: string): Promise<Session | null>;
  touchSession(idHash: string, now: string): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of the user except, optionally, one. Returns how many ended. */
  deleteUserSessions(userId: string, exceptIdHash?: string): Promise<number>;
  /** Removes sessions whose absolute expiry passed or that were idle since `idleBefore`. */
  pruneSessions(now: string, idleBefore: string): Promise<number>;

  createApiKey(k: NewApiKey, now: string): Promise<ApiKey>;
  getApiKey(id: string): Promise<ApiKey | null>;
  /** The key with this secret hash, revoked or expired ones included (the caller decides). */
  findApiKeyBySecretHash(hash: string): Promise<ApiKey | null>;
  /** Newest first; all keys when ownerUserId is absent. */
  listApiKeys(filter?: { ownerUserId?: string }): Promise<ApiKey[]>;
  /** Throws not_found. Revoking twice keeps the first time. */
  revokeApiKey(id: string, now: string): Promise<ApiKey>;
  /** Replaces the secret of a key (the bootstrap key when VIGIL_ADMIN_TOKEN changes). */
  setApiKeySecret(id: string, prefix: string, hash: string): Promise<void>;
  /** Records a use; answers whether this address had never used the key before. */
  touchApiKey(id: string, now: string, ip: string): Promise<{ newAddress: boolean }>;

  recordLoginFailure(key: string, now: string): Promise<void>;
  /** Failures for the key at or after `since`, and when the latest was. */
  loginFailures(key: string, since: string): Promise<{ count: number; lastAt: string | null }>;
  clearLoginFailures(key: string): Promise<void>;
  /** Forgets failures older than `before` (they no longer count toward any lock-out). Returns how many. */
  pruneLoginFailures(before: string): Promise<number>;

  /**
   * Appends entries in order, each chained to the one before: seq = previous + 1,
   * prev_hash = previous hash (AUDIT_GENESIS or the anchor for the first), hash = hash(auditPayload),
   * and the head mark moves to the last one. All in one transaction; returns the stored entries.
   */
  appendAudit(entries: AuditInput[]): Promise<AuditEntry[]>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Oldest first, seq > afterSeq, at most `limit`: for verification and export. */
  scanAudit(afterSeq: number | null, limit: number): Promise<AuditEntry[]>;
  /** Where verification starts: the anchor left by retention, or null for a log never pruned. */
  auditAnchor(): Promise<AuditAnchor | null>;
  /** The signed mark of the newest entry, written with every append; null before the first. */
  auditHead(): Promise<AuditMark | null>;
  /** Deletes entries older than `before`, keeping the chain checkable through an anchor. Returns how many. */
  pruneAudit(before: string): Promise<number>;
}
