import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDriftStoreContract, runEventStoreContract, runPerformanceStoreContract, runScoredRowsContract } from '@vigil/storage/contract';
import { DuckDbEventStore } from './duckdb-event-store.ts';

runEventStoreContract('duckdb', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-events-'));
  const open = async () => {
    const s = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool'), compactEvery: 4 });
    await s.init();
    return s;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

runDriftStoreContract('duckdb', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-events-'));
  const store = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool') });
  await store.init();
  return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

runScoredRowsContract('duckdb', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-events-'));
  const store = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool') });
  await store.init();
  return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

runPerformanceStoreContract('duckdb', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-events-'));
  // compaction of the other rollups every other fold: the performance rows must not care
  const store = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool'), compactEvery: 2 });
  await store.init();
  return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});
