import { AUDIT_OUTCOMES, parseTimeBound, type AuditEntry } from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuditHash } from '@vigil/core';
import { actorOf } from '../auth/access.ts';
import { auditBy } from '../auth/actor.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { exportAudit, listAudit, verifyAudit } from '../services/query-audit.ts';

const admin = { access: { kind: 'system', action: 'admin' } } as const;
const COLUMNS = ['seq', 'ts', 'actor_type', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'outcome', 'ip', 'user_agent', 'details', 'prev_hash', 'hash'] as const;

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // a leading = + - @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export async function auditRoutes(app: FastifyInstance, { ctx, hash }: { ctx: ServiceContext; hash: AuditHash }): Promise<void> {
  const tags = ['audit'];
  const filterSchema = (now: number) =>
    z
      .object({
        from: z.string().optional(),
        to: z.string().optional(),
        actor: z.string().max(200).optional(),
        action: z.string().max(100).optional(),
        target_type: z.string().max(50).optional(),
        target_id: z.string().max(500).optional(),
        outcome: z.enum(AUDIT_OUTCOMES).optional(),
        before_seq: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(100),
        format: z.enum(['json', 'jsonl', 'csv']).default('json'),
      })
      .strict()
      .transform((q, c) => {
        const out: Record<string, unknown> = { ...q };
        for (const k of ['from', 'to'] as const) {
          if (q[k] === undefined) continue;
          const t = parseTimeBound(q[k], now);
          if (t === null) c.addIssue({ code: 'custom', path: [k], message: 'RFC 3339, epoch ms, "now" or "now-<duration>"' });
          else out[k] = new Date(t).toISOString();
        }
        return out as typeof q;
      });

  app.get('/api/v1/audit', {
    config: admin,
    schema: { tags, summary: 'Query the audit log, newest first; format=csv or jsonl exports every match', description: 'Filters: from, to, actor (id or name), action (exact, or a prefix such as auth.*), target_type, target_id, outcome, before_seq (paging), limit (json only, 1-10000).' },
  }, async (req, reply) => {
    const q = parseInput(filterSchema(ctx.clock.now()), req.query, 'query');
    const { format, limit, before_seq, ...filter } = q;
    await ctx.audit.record(auditBy(actorOf(req), 'audit.read', { type: 'audit', id: null }, 'success', { format, filter }));
    if (format === 'json') return { items: await listAudit({ ctx, input: { ...filter, limit, ...(before_seq ? { before_seq } : {}) } }) };
    const line = format === 'csv' ? (e: AuditEntry) => `${COLUMNS.map((c) => csvCell(e[c])).join(',')}\n` : (e: AuditEntry) => `${JSON.stringify(e)}\n`;
    async function* body() {
      if (format === 'csv') yield `${COLUMNS.join(',')}\n`;
      for await (const e of exportAudit(ctx, filter)) yield line(e);
    }
    const stamp = new Date(ctx.clock.now()).toISOString().slice(0, 19).replace(/:/g, '');
    void reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .header('content-disposition', `attachment; filename="vigil-audit-${stamp}.${format}"`)
      .send(Readable.from(body()));
    return reply;
  });

  app.get('/api/v1/audit/verify', { config: admin, schema: { tags, summary: 'Check the hash chain of the whole audit log' } }, async (req) => {
    const r = await verifyAudit(ctx.stores.meta, hash, { now: ctx.clock.now(), retentionDays: ctx.security.auditRetentionDays });
    await ctx.audit.record(auditBy(actorOf(req), 'audit.verify', { type: 'audit', id: null }, r.ok ? 'success' : 'failure', r.ok ? { checked: r.checked } : { seq: r.seq, problem: r.problem }));
    return r;
  });
}
