import { SqliteMetaStore } from './sqlite-meta-store.ts';

export { SqliteMetaStore } from './sqlite-meta-store.ts';

/** Opens (creating when absent, owner-only) the metadata database at `path` and migrates it. */
export async function openSqliteMetaStore(path: string): Promise<SqliteMetaStore> {
  const store = new SqliteMetaStore(path);
  await store.init();
  return store;
}
