import { verifyAuditChain, type AuditEntry, type AuditHash, type ChainResult } from '@vigil/core';
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

/**
 * Checks the whole chain, oldest first, from the retention anchor (or the start). Used by the
 * API and by `vigil audit verify`, which opens the store without a server.
 */
export async function verifyAudit(meta: MetaStore, hash: AuditHash, onProgress?: (checked: number) => void): Promise<ChainResult> {
  const anchor = await meta.auditAnchor();
  let prevSeq = anchor?.seq ?? null;
  let prevHash = anchor?.hash ?? '0'.repeat(64);
  let total = 0;
  let after: number | null = anchor?.seq ?? null;
  for (;;) {
    const page = await meta.scanAudit(after, 5000);
    if (page.length === 0) return { ok: true, checked: total, lastSeq: prevSeq, lastHash: prevHash };
    if (prevSeq === null && (page[0] as AuditEntry).seq !== 1) return { ok: false, checked: 0, seq: (page[0] as AuditEntry).seq, problem: `the log starts at entry ${(page[0] as AuditEntry).seq}, not 1, and no retention anchor explains it` };
    const r = verifyAuditChain(page, hash, prevSeq, prevHash);
    if (!r.ok) return { ...r, checked: total + r.checked };
    total += r.checked;
    prevSeq = r.lastSeq;
    prevHash = r.lastHash;
    after = r.lastSeq;
    onProgress?.(total);
  }
}
