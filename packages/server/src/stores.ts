import fs from 'node:fs';
import path from 'node:path';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import { SqliteMetaStore } from '@vigil/storage-sqlite';
import type { EventStore, MetaStore } from '@vigil/storage';
import type { Config } from './config.ts';

/** The composition root's one choice of backends: the embedded stores under the data directory. */
export async function openEmbeddedStores(config: Config): Promise<{ events: EventStore; meta: MetaStore; dataDir: string }> {
  const dataDir = path.resolve(config.VIGIL_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const meta = new SqliteMetaStore(path.join(dataDir, 'meta.sqlite'));
  await meta.init();
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
    throw e;
  }
  return { events, meta, dataDir };
}
