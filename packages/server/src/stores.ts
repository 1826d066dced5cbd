import fs from 'node:fs';
import path from 'node:path';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import { SqliteMetaStore } from '@vigil/storage-sqlite';
import type { EventStore, MetaStore } from '@vigil/storage';
import type { AuditHash } from '@vigil/core';
import { auditHasher, resolveAuditKey } from './auth/audit-key.ts';
import type { Config } from './config.ts';

/**
 * The metadata store alone (users, keys, audit log), for commands that run beside a server:
 * SQLite in WAL mode takes a second process, DuckDB does not.
 */
export async function openMetaStore(config: Config): Promise<{ meta: MetaStore; dataDir: string; auditHash: AuditHash }> {
  const dataDir = path.resolve(config.VIGIL_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const auditHash = auditHasher(resolveAuditKey(dataDir, config.VIGIL_AUDIT_KEY));
  const meta = new SqliteMetaStore(path.join(dataDir, 'meta.sqlite'), { auditHash });
  try {
    await meta.init();
  } catch (e) {
    throw new Error(`cannot open ${path.join(dataDir, 'meta.sqlite')}: ${(e as Error).message}`);
  }
  return { meta, dataDir, auditHash };
}

/** The composition root's one choice of backends: the embedded stores under the data directory. */
export async function openEmbeddedStores(config: Config): Promise<{ events: EventStore; meta: MetaStore; dataDir: string; auditHash: AuditHash }> {
  const dataDir = path.resolve(config.VIGIL_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { meta, auditHash } = await openMetaStore(config);
  const events = new DuckDbEventStore({
    file: path.join(dataDir, 'events.duckdb'),
    spoolDir: path.join(dataDir, 'spool'),
    threads: config.VIGIL_DUCKDB_THREADS,
    memoryLimit: config.VIGIL_DUCKDB_MEMORY_LIMIT,
  });
  try {
    await events.init();
  } catch (e) {
    await meta.close();
    const msg = (e as Error).message;
    const hint = /lock/i.test(msg) ? ' — is another Vigil process using this data directory? Stop it, or set VIGIL_DATA_DIR to another folder.' : '';
    throw new Error(`cannot open ${path.join(dataDir, 'events.duckdb')}: ${msg}${hint}`);
  }
  return { events, meta, dataDir, auditHash };
}
