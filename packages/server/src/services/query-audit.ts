import { AUDIT_GENESIS, auditMarkPayload, verifyAuditChain, type AuditEntry, type AuditHash, type ChainResult } from '@vigil/core';
import type { AuditFilter, MetaStore } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';

export const listAudit = ({ ctx, input }: { ctx: ServiceContext; input: AuditFilter }): Promise<AuditEntry[]> => ctx.stores.meta.listAudit(input);

/** Every entry matching the filter, newest first, a page at a time (for export). */
export async function* exportAudit(ctx: ServiceContext, filter: Omit<AuditFilter, 'limit' | 'before_seq'>): AsyncGenerator<AuditEntry> {
  let before: number | undefined;
  for (;;) {
    const page = await ctx.stores.meta.listAudit({ ...filter, limit: 1000, ...(before !== undefined ? { before_seq: before } : {}) });
    yield* page;
    if (page.length < 1000) return;
    before = (page.at(-1) as AuditEntry).seq;
  }
}

export interface VerifyOptions {
  /** With the retention in days: a retention cut-off later than now minus retention is tampering. */
  now?: number;
  retentionDays?: number;
  onProgress?: (checked: number) => void;
}

/**
 * Checks the whole chain, oldest first, from the retention anchor (or the start) to the head
 * mark: a changed, removed or reordered entry, a forged anchor, entries removed from the start
 * inside the retention period, or from the end, all fail. Used by the API and by
 * `vigil audit verify`, which opens the store without a server.
 */
export async function verifyAudit(meta: MetaStore, hash: AuditHash, opts: VerifyOptions = {}): Promise<ChainResult> {
  const anchor = await meta.auditAnchor();
  const head = await meta.auditHead();
  const bad = (seq: number, problem: string, checked = 0): ChainResult => ({ ok: false, checked, seq, problem });
  if (anchor) {
    if (anchor.mac !== hash(auditMarkPayload('anchor', anchor))) return bad(anchor.seq + 1, 'the retention anchor was changed (its signature does not match)');
    const DAY = 86_400_000;
    if (opts.now !== undefined && opts.retentionDays !== undefined && anchor.before !== null && Date.parse(anchor.before) > opts.now - opts.retentionDays * DAY + DAY) {
      return bad(anchor.seq + 1, `entries up to ${anchor.seq} were removed with a cut-off of ${anchor.before}, inside the ${opts.retentionDays}-day retention period`);
    }
  }
  if (head && head.mac !== hash(auditMarkPayload('head', head))) return bad(head.seq, 'the head mark was changed (its signature does not match)');
  let prevSeq = anchor?.seq ?? null;
  let prevHash = anchor?.hash ?? AUDIT_GENESIS;
  let total = 0;
  for (;;) {
    const page = await meta.scanAudit(prevSeq, 5000);
    if (page.length === 0) break;
    const first = page[0] as AuditEntry;
    if (prevSeq === null && first.seq !== 1) return bad(first.seq, `the log starts at entry ${first.seq}, not 1, and no retention anchor explains it`);
    const r = verifyAuditChain(page, hash, prevSeq, prevHash);
    if (!r.ok) return { ...r, checked: total + r.checked };
    total += r.checked;
    prevSeq = r.lastSeq;
    prevHash = r.lastHash;
    opts.onProgress?.(total);
  }
  const lastSeq = prevSeq ?? 0;
  if (head === null) {
    // every log has a head from its creation on (seq 0 while empty)
    return bad(lastSeq + 1, 'the head mark is missing: the log was removed or replaced', total);
  } else if (head.seq !== lastSeq || head.hash !== prevHash) {
    return head.seq > lastSeq
      ? bad(lastSeq + 1, `entries ${lastSeq + 1} to ${head.seq} were removed from the end of the log`, total)
      : bad(head.seq + 1, `the head mark says the log ends at entry ${head.seq}, but it goes on to ${lastSeq}`, total);
  }
  return { ok: true, checked: total, lastSeq: prevSeq, lastHash: prevHash };
}
