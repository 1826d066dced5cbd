// The work a drift report hands to its threads: parsing a part of a CSV file and scoring a numeric
// column. The same functions run in a worker (drift/worker.ts) or in the calling thread.
import { parseChunk, type ChunkResult, type ChunkTask } from './csv-fast.ts';
import { scoreNumeric, type NumericTask } from './score.ts';
import type { ColumnReport, NoDataColumn } from './types.ts';

export type Task = { type: 'parse'; chunk: ChunkTask } | { type: 'score'; numeric: NumericTask };
export type TaskResult<T extends Task> = T extends { type: 'parse' } ? ChunkResult : ColumnReport | NoDataColumn;

export function runTask<T extends Task>(task: T): TaskResult<T> {
  return (task.type === 'parse' ? parseChunk(task.chunk) : scoreNumeric(task.numeric)) as TaskResult<T>;
}

/** The buffers a task or its result can hand over without copying. */
export function buffersOf(x: Task | ChunkResult | ColumnReport | NoDataColumn): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  if ('type' in x && x.type === 'score') for (const p of [...x.numeric.ref.pieces, ...x.numeric.cur.pieces]) out.add(p.buffer as ArrayBuffer);
  if ('ok' in x && x.ok) for (const n of x.numeric) out.add(n.values.buffer as ArrayBuffer);
  return [...out];
}
