import { VigilSdkError, type SdkErrorCode } from './errors.ts';
import { apiErrorFrom, backoffDelay, isRetryable, sleep, type HttpAnswer, type HttpTransport } from './http.ts';
import { RECORD_KINDS, type ClientStats, type DropReason, type IngestResult, type RecordKind } from './types.ts';

/** A Retry-After longer than this is treated as this: a client should not park data for hours. */
const MAX_RETRY_AFTER_MS = 300_000;

export interface BatcherOptions {
  batchSize: number;
  maxBatchBytes: number;
  maxBufferSize: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  random?: () => number;
  onError(err: VigilSdkError): void;
  /** `records` parses the dropped records only if the listener asks for them */
  onDrop(kind: RecordKind, records: () => unknown[], reason: DropReason): void;
}

/** A record already serialized to JSON, with its arrival order across all kinds. */
interface Entry {
  seq: number;
  line: string;
}

/** FIFO over an array with a moving head, so taking a batch does not shift the whole array. */
class Fifo {
  private items: Entry[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(e: Entry): void {
    this.items.push(e);
  }
  peek(): Entry | undefined {
    return this.items[this.head];
  }
  shift(): Entry | undefined {
    const e = this.items[this.head];
    if (e !== undefined) this.head++;
    this.compact();
    return e;
  }
  /** Takes up to `n` entries and at most `maxChars` of JSON (always at least one entry). */
  take(n: number, maxChars: number): Entry[] {
    let end = this.head;
    let chars = 0;
    const limit = Math.min(this.items.length, this.head + n);
    while (end < limit) {
      chars += (this.items[end] as Entry).line.length + 1;
      if (chars > maxChars && end > this.head) break;
      end++;
    }
    const out = this.items.slice(this.head, end);
    this.head = end;
    this.compact();
    return out;
  }
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

interface Channel {
  kind: RecordKind;
  queue: Fifo;
  /** entries up to this seq are due now (a flush asked for them), whatever the batch size */
  target: number;
  running: Promise<void> | null;
  /** lowest seq of the batch being sent, null when none */
  sendingFrom: number | null;
  /** flush() calls waiting for every entry up to their target to be settled */
  waiters: { target: number; resolve: () => void }[];
}

/**
 * Per-kind bounded queues and the send loop: batching, retry with back-off, 413 split.
 * It never throws; outcomes go to the counters and to `onError` / `onDrop`.
 */
export class Batcher {
  private readonly channels = new Map<RecordKind, Channel>();
  private seq = 0;
  private queued = 0;
  private inFlight = 0;
  private overflowReported = false;
  private readonly counters = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, dropped: 0, retries: 0 };

  constructor(
    private readonly transport: HttpTransport,
    private readonly o: BatcherOptions,
  ) {
    for (const kind of RECORD_KINDS) this.channels.set(kind, { kind, queue: new Fifo(), target: 0, running: null, sendingFrom: null, waiters: [] });
  }

  stats(): ClientStats {
    return { ...this.counters, buffered: this.queued + this.inFlight };
  }

  /** True while anything is queued or being sent. */
  get busy(): boolean {
    return this.queued + this.inFlight > 0;
  }

  add(kind: RecordKind, line: string): void {
    if (this.queued >= this.o.maxBufferSize) this.dropOldest();
    const ch = this.channel(kind);
    ch.queue.push({ seq: ++this.seq, line });
    this.queued++;
    if (ch.queue.length >= this.o.batchSize) this.pump(ch);
  }

  /** Counts and reports records given up before they were queued. */
  discard(kind: RecordKind, records: unknown[], reason: DropReason, code: SdkErrorCode, message: string): void {
    this.counters.dropped += records.length;
    this.o.onDrop(kind, () => records, reason);
    this.o.onError(new VigilSdkError(code, kind, message, { recordCount: records.length }));
  }

  /** Starts sending everything queued now, without waiting (the periodic timer). */
  kick(): void {
    for (const ch of this.channels.values()) {
      ch.target = this.seq;
      if (ch.queue.length > 0) this.pump(ch);
    }
  }

  /**
   * Sends everything queued now; resolves when the server acknowledged it or the SDK gave it up.
   * Records logged after the call do not extend the wait.
   */
  async flush(): Promise<void> {
    const target = this.seq;
    await Promise.all(
      [...this.channels.values()].map((ch) => {
        ch.target = Math.max(ch.target, target);
        if (this.settled(ch, target)) return undefined;
        return new Promise<void>((resolve) => {
          ch.waiters.push({ target, resolve });
          this.pump(ch);
        });
      }),
    );
  }

  private channel(kind: RecordKind): Channel {
    return this.channels.get(kind) as Channel;
  }

  private settled(ch: Channel, target: number): boolean {
    const head = ch.queue.peek();
    return (head === undefined || head.seq > target) && (ch.sendingFrom === null || ch.sendingFrom > target);
  }

  private due(ch: Channel): boolean {
    const head = ch.queue.peek();
    return head !== undefined && (ch.queue.length >= this.o.batchSize || head.seq <= ch.target);
  }

  private notify(ch: Channel): void {
    if (ch.waiters.length === 0) return;
    ch.waiters = ch.waiters.filter((w) => {
      if (!this.settled(ch, w.target)) return true;
      w.resolve();
      return false;
    });
  }

  /** One send loop per kind at a time, so batches of a kind leave in order. */
  private pump(ch: Channel): void {
    if (ch.running !== null) return;
    ch.running = this.drain(ch).finally(() => {
      ch.running = null;
      this.notify(ch);
      // records may have become due between the loop's last look and now
      if (this.due(ch)) this.pump(ch);
    });
  }

  private async drain(ch: Channel): Promise<void> {
    while (this.due(ch)) {
      const batch = ch.queue.take(this.o.batchSize, this.o.maxBatchBytes);
      const lines = batch.map((e) => e.line);
      this.queued -= batch.length;
      this.inFlight += batch.length;
      ch.sendingFrom = (batch[0] as Entry).seq;
      try {
        await this.send(ch.kind, lines);
      } catch (err) {
        // send() handles every answer; this is a bug guard so one batch cannot stall the queue
        this.giveUp(ch.kind, lines, 'rejected', 'batch_rejected', { status: 0, body: null, retryAfterMs: null, error: err });
      } finally {
        this.inFlight -= batch.length;
        ch.sendingFrom = null;
        this.notify(ch);
      }
    }
  }

  private dropOldest(): void {
    let oldest: Channel | undefined;
    for (const ch of this.channels.values()) {
      const head = ch.queue.peek();
      if (head !== undefined && (oldest === undefined || head.seq < (oldest.queue.peek() as Entry).seq)) oldest = ch;
    }
    const e = oldest?.queue.shift();
    if (oldest === undefined || e === undefined) return;
    this.queued--;
    this.counters.dropped++;
    this.o.onDrop(oldest.kind, () => [parseLine(e.line)], 'buffer_full');
    this.notify(oldest);
    if (!this.overflowReported) {
      this.overflowReported = true;
      this.o.onError(
        new VigilSdkError('buffer_full', oldest.kind, `buffer full (${this.o.maxBufferSize} records): dropping the oldest records until the server catches up`, { recordCount: 1 }),
      );
    }
  }

  private async send(kind: RecordKind, lines: string[]): Promise<void> {
    const body = `[${lines.join(',')}]`;
    for (let attempt = 0; ; attempt++) {
      const a = await this.transport.request('POST', `/api/v1/${kind}`, body);
      if (a.status >= 200 && a.status < 300) {
        this.acknowledge(kind, lines, a);
        return;
      }
      if (a.status === 413) {
        if (lines.length === 1) return this.giveUp(kind, lines, 'too_large', 'record_too_large', a);
        const mid = lines.length >> 1;
        await this.send(kind, lines.slice(0, mid));
        await this.send(kind, lines.slice(mid));
        return;
      }
      if (!isRetryable(a.status)) {
        // 400 "every record refused" and 404 "unknown model" still judge each record: count those as rejected, not dropped
        if (hasRecordVerdicts(a.body)) return this.acknowledge(kind, lines, a);
        return this.giveUp(kind, lines, 'rejected', 'batch_rejected', a);
      }
      if (attempt >= this.o.maxRetries) return this.giveUp(kind, lines, 'retries_exhausted', 'retries_exhausted', a);
      this.counters.retries++;
      const jitter = backoffDelay(attempt, this.o.retryBaseMs, this.o.retryMaxDelayMs, this.o.random);
      await sleep(Math.max(jitter, Math.min(a.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)), true);
    }
  }

  private acknowledge(kind: RecordKind, lines: string[], a: HttpAnswer): void {
    const r = (a.body ?? {}) as Partial<IngestResult>;
    const rejected = typeof r.rejected === 'number' ? r.rejected : 0;
    const duplicates = typeof r.duplicates === 'number' ? r.duplicates : 0;
    const accepted = typeof r.accepted === 'number' ? r.accepted : lines.length - rejected - duplicates;
    this.counters.sent += lines.length;
    this.counters.accepted += accepted;
    this.counters.duplicates += duplicates;
    this.counters.rejected += rejected;
    this.overflowReported = false;
    if (rejected === 0) return;
    const errors = Array.isArray(r.errors) ? r.errors : [];
    const records = errors.filter((e) => lines[e?.index] !== undefined).map((e) => parseLine(lines[e.index]));
    const first = errors[0]?.reasons?.[0];
    const why = first ? ` (first: record ${errors[0]?.index} ${first.field}: ${first.kind}, expected ${first.expected}, got ${first.got})` : '';
    this.o.onError(
      new VigilSdkError('records_rejected', kind, `server refused ${rejected} of ${lines.length} ${kind}${why}`, {
        status: a.status,
        recordCount: rejected,
        errors,
        records,
        ...(a.status >= 400 ? { apiError: apiErrorFrom(a, `POST /api/v1/${kind}`) } : {}),
      }),
    );
  }

  private giveUp(kind: RecordKind, lines: string[], reason: DropReason, code: SdkErrorCode, a: HttpAnswer): void {
    this.counters.dropped += lines.length;
    this.o.onDrop(kind, () => lines.map(parseLine), reason);
    const apiError = apiErrorFrom(a, `POST /api/v1/${kind}`);
    const what =
      reason === 'retries_exhausted' ? `gave up after ${this.o.maxRetries} retries` : reason === 'too_large' ? 'a single record is over the server body limit' : 'server refused the batch';
    this.o.onError(
      new VigilSdkError(code, kind, `dropped ${lines.length} ${kind}: ${what}: ${apiError.message}`, {
        status: a.status,
        recordCount: lines.length,
        apiError,
        cause: a.error,
      }),
    );
  }
}

function hasRecordVerdicts(body: unknown): boolean {
  const b = body as Partial<IngestResult> | null;
  return typeof b?.rejected === 'number' && b.rejected > 0 && Array.isArray(b.errors);
}

export function parseLine(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
