// The audit log's hash chain: what is hashed, and how a chain is checked. The hash function
// comes in, so the rule lives here while the crypto stays at the edge.

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One event to record. */
export interface AuditInput {
  /** ISO 8601 UTC. */
  ts: string;
  actor_type: 'user' | 'key' | 'anonymous' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  /** Dotted verb, e.g. `auth.sign_in`, `model.create`, `data.read`, `access.denied`. */
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

/** A stored entry: the input, its place in the chain, and the hashes that link it. */
export interface AuditEntry extends AuditInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

/** The hash that precedes the first entry of a new log. */
export const AUDIT_GENESIS = '0'.repeat(64);

const sortKeys = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortKeys(x)]))
    : Array.isArray(v)
      ? v.map(sortKeys)
      : v;

/** The exact text that is hashed for an entry: every field but the hash, keys sorted. */
export function auditPayload(e: Omit<AuditEntry, 'hash'>): string {
  const { seq, prev_hash, ts, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, ip, user_agent, details } = e;
  return JSON.stringify(sortKeys({ seq, prev_hash, ts, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, ip, user_agent, details }));
}

export type AuditHash = (payload: string) => string;

/**
 * A signed marker of the chain outside the entries: the `head` (newest entry, rewritten with
 * every append) lets verification notice entries removed from the end; the `anchor` (last entry
 * removed by retention, and the cut-off used) lets it start after them and check the cut-off.
 */
export interface AuditMark {
  seq: number;
  hash: string;
  /** For the anchor: the retention cut-off (ISO) that removed the entries up to seq. */
  before: string | null;
  /** hash(auditMarkPayload(kind, mark)) under the audit key. */
  mac: string;
}

export const auditMarkPayload = (kind: 'head' | 'anchor', m: Omit<AuditMark, 'mac'>): string => JSON.stringify({ kind, seq: m.seq, hash: m.hash, before: m.before });

export type ChainResult = { ok: true; checked: number; lastSeq: number | null; lastHash: string } | { ok: false; checked: number; seq: number; problem: string };

/**
 * Checks entries in seq order, continuing from (prevSeq, prevHash): each entry must follow
 * the one before without a gap, name its hash as prev_hash, and hash to its own hash.
 */
export function verifyAuditChain(entries: readonly AuditEntry[], hash: AuditHash, prevSeq: number | null, prevHash: string): ChainResult {
  let checked = 0;
  let seq = prevSeq;
  let last = prevHash;
  for (const e of entries) {
    if (seq !== null && e.seq !== seq + 1) return { ok: false, checked, seq: e.seq, problem: `entry ${seq + 1} is missing (the next entry is ${e.seq})` };
    if (e.prev_hash !== last) return { ok: false, checked, seq: e.seq, problem: 'prev_hash does not match the hash of the entry before it' };
    const { hash: stored, ...rest } = e;
    if (hash(auditPayload(rest)) !== stored) return { ok: false, checked, seq: e.seq, problem: 'the entry was changed after it was written (its hash does not match its content)' };
    seq = e.seq;
    last = stored;
    checked += 1;
  }
  return { ok: true, checked, lastSeq: seq, lastHash: last };
}
