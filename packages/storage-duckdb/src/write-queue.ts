import type { DuckDBConnection } from '@duckdb/node-api';

/** One unit of work inside a write transaction; `batch` is the ingest batch number of the transaction. */
export type WriteWork<R> = (conn: DuckDBConnection, batch: number) => Promise<R>;

interface Job {
  work: WriteWork<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Runs after the transaction ends, committed or not (spool file removal). */
  cleanup?: () => void;
  /**
   * Writes no events (folds, DDL): runs in a transaction of its own, so an ingest failure cannot
   * roll it back, and takes no ingest batch number, so `head` moves only with data.
   */
  noBatch?: boolean;
}

export interface PushOptions {
  cleanup?: () => void;
  noBatch?: boolean;
}

/**
 * Serialises writes on one connection with group commit: every job queued while a
 * transaction runs joins the next one, so concurrent requests share one durable commit
 * (one WAL fsync). A job's promise resolves only after COMMIT returns. If a grouped
 * transaction fails, each of its jobs is retried alone so one bad job cannot sink the others.
 */
export class WriteQueue {
  private jobs: Job[] = [];
  private running: Promise<void> | null = null;
  private head: number;

  constructor(
    private readonly conn: DuckDBConnection,
    head: number,
    private readonly maxGroup = 64,
  ) {
    this.head = head;
  }

  get lastBatch(): number {
    return this.head;
  }

  push<R>(work: WriteWork<R>, opts: PushOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.jobs.push({ work, resolve: resolve as (v: unknown) => void, reject, cleanup: opts.cleanup, noBatch: opts.noBatch });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Resolves when every queued job has finished. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.jobs.length) {
        let n = 1;
        if (!this.jobs[0]?.noBatch) while (n < this.jobs.length && n < this.maxGroup && !this.jobs[n]?.noBatch) n++;
        const group = this.jobs.splice(0, n);
        // a failed group is retried job by job; a single failed job was rejected inside runGroup
        if (!(await this.runGroup(group)) && group.length > 1) for (const job of group) await this.runGroup([job]);
      }
    } finally {
      this.running = null;
    }
  }

  /** Returns false if the transaction failed (and, for a single job, rejects it). */
  private async runGroup(group: Job[]): Promise<boolean> {
    const numbered = !group[0]?.noBatch;
    const batch = numbered ? this.head + 1 : this.head;
    const results: unknown[] = [];
    try {
      await this.conn.run('BEGIN TRANSACTION');
      for (const job of group) results.push(await job.work(this.conn, batch));
      if (numbered) await this.conn.run(`UPDATE vigil_state SET value = ${batch} WHERE key = 'head'`);
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      if (group.length === 1) {
        group[0]?.cleanup?.();
        group[0]?.reject(e);
      }
      return false;
    }
    this.head = batch;
    group.forEach((job, i) => {
      job.cleanup?.();
      job.resolve(results[i]);
    });
    return true;
  }
}
