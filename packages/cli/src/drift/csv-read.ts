// A whole CSV file through the fast reader (csv-fast.ts): its parts parsed on the pool's threads,
// then put back together in file order; or why not, when any part is outside the reader's subset.
import { chunkTasks, VARCHAR, type ChunkResult, type CsvPlan } from './csv-fast.ts';
import type { Pool } from './pool.ts';
import type { ColumnData, FileData } from './types.ts';

/** The columns read, by the file's field index. */
export interface FieldsRead { rows: number; fields: Map<number, ColumnData> }

export async function readCsvFast(pool: Pool, plan: CsvPlan): Promise<FieldsRead | string> {
  const parts = await Promise.all(chunkTasks(plan, Math.max(1, pool.threads)).map((chunk) => pool.run({ type: 'parse', chunk })));
  let rows = 0;
  const ok: Extract<ChunkResult, { ok: true }>[] = [];
  for (const p of parts) {
    if (!p.ok) return p.reason;
    rows += p.rows;
    ok.push(p);
  }
  const fields = new Map<number, ColumnData>();
  plan.kinds.forEach((kind, field) => {
    if (kind === VARCHAR) {
      // first appearance in the file: the first part's keys in its order, then each later part's new ones
      const counts = new Map<string, number>();
      let missing = 0;
      for (const p of ok) {
        const c = p.categorical.find((x) => x.field === field)!;
        missing += c.missing;
        c.keys.forEach((k, i) => counts.set(k, (counts.get(k) ?? 0) + c.counts[i]!));
      }
      fields.set(field, { kind: 'categorical', counts, missing });
    } else if (kind !== 0) fields.set(field, { kind: 'numeric', pieces: ok.map((p) => p.numeric.find((x) => x.field === field)!.values) });
  });
  return { rows, fields };
}

/** The columns wanted (file field indexes, in the report's order) of what was read. */
export const pick = (read: FieldsRead, fields: number[]): FileData => ({ rows: read.rows, columns: fields.map((f) => read.fields.get(f)!) });
