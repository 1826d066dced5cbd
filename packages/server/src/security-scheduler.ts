import type { ServiceContext } from './context.ts';

const HOUR = 3_600_000;

/**
 * Hourly upkeep: ends expired sessions and removes audit entries past retention (keeping the
 * chain checkable through its anchor). Runs once at start, then every hour.
 */
export class SecurityScheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), HOUR);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async run(): Promise<{ sessions: number; audit: number }> {
    const { ctx } = this;
    const now = ctx.clock.now();
    try {
      const sessions = await ctx.stores.meta.pruneSessions(new Date(now).toISOString(), new Date(now - ctx.security.sessionIdleMs).toISOString());
      // failures count toward lock-outs for 15 minutes; a day is ample
      await ctx.stores.meta.pruneLoginFailures(new Date(now - 24 * HOUR).toISOString());
      const audit = await ctx.stores.meta.pruneAudit(new Date(now - ctx.security.auditRetentionDays * 24 * HOUR).toISOString());
      if (audit > 0) ctx.log.info('audit retention applied', { removed: audit, days: ctx.security.auditRetentionDays });
      // the head in the server log is a copy outside the database: compare it when in doubt
      const head = await ctx.stores.meta.auditHead();
      if (head) ctx.log.info('audit head', { seq: head.seq, hash: head.hash });
      return { sessions, audit };
    } catch (e) {
      ctx.log.error('security upkeep failed', { err: (e as Error).message });
      return { sessions: 0, audit: 0 };
    }
  }
}
