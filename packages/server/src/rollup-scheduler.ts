import type { ServiceContext } from './context.ts';

/**
 * Folds newly committed events into the rollups every `intervalMs`. One fold at a time;
 * a failure is logged and retried on the next tick (raw events stay the truth).
 */
export class RollupScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const p = await this.ctx.stores.events.rollupStep();
        if (p.rows > 0) this.ctx.live.publish({ type: 'rollup', watermark: p.watermark, rows: p.rows, ts: this.ctx.clock.now() });
      } catch (e) {
        this.ctx.log.error('rollup fold failed; will retry', { err: (e as Error).message });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops the timer and runs one last fold so a clean shutdown leaves rollups current. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    await this.tick();
  }
}
