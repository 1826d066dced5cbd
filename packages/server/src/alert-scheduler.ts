import type { ServiceContext } from './context.ts';
import { evaluateAlerts } from './services/evaluate-alerts.ts';

const MIN_TICK_MS = 10_000;
/** Longest wait between cycles, so a rule created with a short interval starts within a minute. */
const MAX_TICK_MS = 60_000;

/**
 * Runs alert evaluation cycles. Each rule is evaluated when its evaluation_interval has elapsed
 * since its last evaluation; the next cycle comes after the smallest interval among the enabled
 * rules (10 s to 1 min), or every `tickMs` when set (tests). One cycle at a time; a failure is
 * logged and the next cycle runs as planned.
 */
export class AlertScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly last = new Map<string, number>();
  private nextDelay = MIN_TICK_MS;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly tickMs: number | null = null,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.tickMs ?? MIN_TICK_MS);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule(this.tickMs ?? this.nextDelay)), ms);
    this.timer.unref();
  }

  /** One cycle now (the rules that are due). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.ctx.clock.now();
      let smallest = MAX_TICK_MS;
      try {
        const r = await evaluateAlerts({
          ctx: this.ctx,
          input: {
            now,
            isDue: (stored, rule) => {
              smallest = Math.min(smallest, rule.evaluation_interval);
              const last = this.last.get(stored.id);
              // a little slack, so a cycle that starts a few ms early does not skip a whole interval
              return last === undefined || now - last >= rule.evaluation_interval - 1000;
            },
          },
        });
        for (const id of r.evaluated) this.last.set(id, now);
        if (r.evaluated.length) this.ctx.log.debug('alert cycle', { rules: r.evaluated.length, queries: r.queries, transitions: r.transitions, enqueued: r.enqueued, ms: this.ctx.clock.now() - now });
      } catch (e) {
        this.ctx.log.error('alert evaluation cycle failed; will retry', { err: (e as Error).message });
      } finally {
        this.nextDelay = Math.max(MIN_TICK_MS, smallest);
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops the timer and waits for a cycle in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
