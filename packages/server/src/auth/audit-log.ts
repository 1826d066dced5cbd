import type { AuditEntry, AuditInput } from '@vigil/core';
import type { MetaStore } from '@vigil/storage';
import type { Clock, Logger } from '../context.ts';

export type AuditEvent = Omit<AuditInput, 'ts'>;

/**
 * Appends audit entries with group commit: entries recorded in the same turn of the event
 * loop share one transaction, and each caller's promise settles after that commit, so a
 * request is answered only once its audit entry is durable.
 */
export class AuditLog {
  private pending: { entry: AuditInput; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly meta: MetaStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  record(e: AuditEvent): Promise<void> {
    const entry: AuditInput = { ...e, ts: new Date(this.clock.now()).toISOString() };
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain.then(async () => {
      try {
        await this.meta.appendAudit(batch.map((b) => b.entry));
        for (const b of batch) b.resolve();
      } catch (e) {
        this.log.error('audit append failed', { err: (e as Error).message });
        for (const b of batch) b.reject(e);
      }
    });
  }

  /** Resolves once everything recorded so far is committed. */
  async drain(): Promise<void> {
    while (this.pending.length || this.scheduled) await new Promise((r) => setImmediate(r));
    await this.chain;
  }
}

export type { AuditEntry };
