import type { ServiceContext } from './context.ts';

const DAY = 86_400_000;

/**
 * Daily upkeep of alert history (docs/alerts.md, "Retention"): removes sent and failed outbox
 * entries and alert transitions older than `days`, keeping undelivered entries and each live
 * series' newest transition. Runs once at start (a server restarted more often than daily still
 * prunes), then every day.
 */
export class AlertHistoryRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<{ notifications: number; transitions: number }> | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly days: number,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.run();
    this.timer = setInterval(() => void this.run(), DAY);
    this.timer.unref();
  }

  /** Stops the timer and waits for a prune in progress, so the stores can close after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }

  /** One prune now; a failure is logged (and counts nothing), the next day's run tries again. */
  run(): Promise<{ notifications: number; transitions: number }> {
    if (this.running) return this.running;
    this.running = (async () => {
      const { ctx, days } = this;
      const before = new Date(ctx.clock.now() - days * DAY).toISOString();
      try {
        const removed = await ctx.stores.meta.pruneAlertHistory(before);
        ctx.log.info('alert history retention applied', { ...removed, days, before });
        return removed;
      } catch (e) {
        ctx.log.error('alert history retention failed; will retry tomorrow', { err: (e as Error).message });
        return { notifications: 0, transitions: 0 };
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
