import { createHash } from 'node:crypto';
import type { OutboxEntry } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { parseChannel } from './channel.ts';
import { OutboxPayloadSchema } from './group.ts';
import type { FetchLike, SendResult } from './result.ts';
import { deliverRetrainTrigger, isRetrainEntry } from './retrain-delivery.ts';
import { sendNotification, type NotifyContext } from './send.ts';

/**
 * Delivers the notification outbox. Each tick claims due entries with a lease, sends each once and
 * marks it sent, or failed with a retry time (exponential back-off with full jitter, at least the
 * receiver's Retry-After), or failed for good (a permanent error, or too many attempts).
 *
 * Nothing is lost by a restart: an entry is only settled after its send, so an entry claimed by a
 * process that died is still `sending`, and is claimed again once its lease runs out. The price is
 * at-least-once delivery: a crash between a send and its mark sends that entry again, so every
 * request carries the entry's dedup key (X-Vigil-Delivery-Id) for the receiver to drop a repeat.
 */
export interface OutboxWorkerOptions {
  intervalMs: number;
  /** Entries claimed per tick, sent concurrently. */
  batch?: number;
  /** Attempts before giving up (the first send counts). */
  maxAttempts?: number;
  /** First back-off ceiling; doubles each attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
}

export const DELIVERY_ID_HEADER = 'X-Vigil-Delivery-Id';

/**
 * Back-off before the next attempt after `attempt` failed ones: full jitter (AWS' "exponential
 * back-off and jitter"): uniform in [0, min(max, base·2^(attempt−1))), so receivers that came back
 * are not hit by every sender at once; never sooner than the receiver's Retry-After.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, o: { baseDelayMs: number; maxDelayMs: number; random: () => number }): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(o.random() * ceiling);
  // a Retry-After beyond a day is treated as a day: the entry must not sit forever
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, 86_400_000));
}

/** A stable, header-safe id for one outbox entry: the same on every attempt and after a restart. */
export function deliveryId(dedupKey: string): string {
  return createHash('sha256').update(dedupKey).digest('hex').slice(0, 32);
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly o: Required<Omit<OutboxWorkerOptions, 'intervalMs'>> & { intervalMs: number };

  constructor(
    private readonly ctx: ServiceContext,
    private readonly notify: NotifyContext,
    opts: OutboxWorkerOptions,
  ) {
    this.o = { batch: 20, maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 3_600_000, random: Math.random, ...opts };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** One pass: claims and settles due entries; resolves to how many it handled. One pass at a time. */
  tick(): Promise<number> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const now = this.ctx.clock.now();
        // the lease outlives one send (its time-out) with room to mark it; a lost process's lease expires
        const lease = new Date(now + this.notify.timeoutMs * 2 + 30_000).toISOString();
        const due = await this.ctx.stores.meta.claimNotifications(new Date(now).toISOString(), lease, this.o.batch);
        // channels in parallel, each channel's entries one after another in the outbox's order: an
        // alert's resolved message must not overtake its firing one (or an Alertmanager refresh)
        const byChannel = new Map<string, typeof due>();
        for (const e of due) byChannel.set(e.channel_id, [...(byChannel.get(e.channel_id) ?? []), e]);
        await Promise.all([...byChannel.values()].map(async (entries) => {
          for (const e of entries) await this.deliver(e);
        }));
        return due.length;
      } catch (e) {
        this.ctx.log.error('outbox pass failed; will retry', { err: (e as Error).message });
        return 0;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops claiming and waits for the pass in flight; what it did not settle is claimed after a restart. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }

  private async deliver(e: OutboxEntry): Promise<void> {
    const meta = this.ctx.stores.meta;
    const stored = await meta.getChannel(e.channel_id);
    const channel = stored ? parseChannel({ ...stored.config, type: stored.type }) : null;
    const payload = OutboxPayloadSchema.safeParse(e.payload);
    const id = deliveryId(e.dedup_key);
    const fetchWithId: FetchLike = (url, init) => this.notify.fetch(url, { ...init, headers: { ...init.headers, [DELIVERY_ID_HEADER]: id } });
    let result: SendResult;
    if (!stored) result = { ok: false, retryable: false, code: 'invalid_channel', message: `channel "${e.channel_id}" no longer exists` };
    else if (!channel?.ok) result = { ok: false, retryable: false, code: 'invalid_channel', message: `channel "${e.channel_id}" is invalid: ${channel?.ok === false ? channel.message : ''}` };
    else if (isRetrainEntry(e)) result = await deliverRetrainTrigger({ ...this.notify, fetch: fetchWithId }, channel.channel, e);
    else if (!payload.success) result = { ok: false, retryable: false, code: 'invalid_channel', message: `outbox entry ${e.id} holds no notification (${payload.error.issues.map((i) => i.path.join('.')).join(', ')})` };
    else {
      result = await sendNotification({ ...this.notify, fetch: fetchWithId }, channel.channel, payload.data).catch(
        (err: unknown): SendResult => ({ ok: false, retryable: true, code: 'network', message: `send failed: ${(err as Error).message}` }),
      );
    }
    const now = this.ctx.clock.now();
    if (result.ok) {
      await meta.markNotificationSent(e.id, new Date(now).toISOString());
      return;
    }
    const giveUp = !result.retryable || e.attempts >= this.o.maxAttempts;
    const retryAt = giveUp ? null : new Date(now + retryDelayMs(e.attempts, result.retry_after_ms, this.o)).toISOString();
    const why = giveUp && result.retryable ? `${result.message}; gave up after ${e.attempts} attempts` : result.message;
    await meta.markNotificationFailed(e.id, why, retryAt);
    this.ctx.log.warn(giveUp ? 'notification given up' : 'notification will be retried', { outbox_id: e.id, channel_id: e.channel_id, attempts: e.attempts, code: result.code, retry_at: retryAt });
  }
}
