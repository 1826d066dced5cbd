import type { EventStore, MetaStore } from '@vigil/storage';
import type { ModelRegistry } from './model-registry.ts';

export interface Clock {
  now(): number;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/** What live subscribers (server-sent events) hear about. */
export type LiveEvent =
  | { type: 'ingest'; kind: string; model: string | null; accepted: number; ts: number }
  | { type: 'rollup'; watermark: number; rows: number; ts: number }
  | { type: 'model'; action: 'created' | 'updated'; model: string; ts: number };

export interface LiveBus {
  publish(ev: LiveEvent): void;
  subscribe(fn: (ev: LiveEvent) => void): () => void;
}

/** The ports every service receives. Services import no driver and no HTTP type. */
export interface ServiceContext {
  stores: { events: EventStore; meta: MetaStore };
  registry: ModelRegistry;
  clock: Clock;
  log: Logger;
  live: LiveBus;
  limits: { maxErrorsReported: number };
}

export function createLiveBus(): LiveBus {
  const subs = new Set<(ev: LiveEvent) => void>();
  return {
    publish(ev) {
      for (const fn of subs) fn(ev);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}
