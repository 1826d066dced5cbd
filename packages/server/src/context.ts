import type { Principal } from '@vigil/core';
import type { EventStore, MetaStore } from '@vigil/storage';
import type { AuditEvent } from './auth/audit-log.ts';
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

/** Who made a request, and from where: what services check permissions on and audit. */
export interface Actor {
  principal: Principal;
  ip: string;
  userAgent: string | null;
}

/** Appends to the tamper-evident audit log; resolves after the entry is durable. */
export interface AuditRecorder {
  record(e: AuditEvent): Promise<void>;
}

export interface SecuritySettings {
  sessionIdleMs: number;
  sessionMaxMs: number;
  auditRetentionDays: number;
}

/** The ports every service receives. Services import no driver and no HTTP type. */
export interface ServiceContext {
  stores: { events: EventStore; meta: MetaStore };
  registry: ModelRegistry;
  clock: Clock;
  log: Logger;
  live: LiveBus;
  audit: AuditRecorder;
  security: SecuritySettings;
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
