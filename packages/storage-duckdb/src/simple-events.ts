import { lit } from './sql.ts';

export type SimpleKind = 'labels' | 'metric_samples' | 'logs' | 'pipeline_runs' | 'training_runs' | 'quality_counts';

interface Spec {
  columns: Record<string, string>;
  /** Identity columns: a record whose identity is already stored is skipped. Empty: always insert. */
  key: string[];
}

const SPECS: Record<SimpleKind, Spec> = {
  labels: { columns: { model: 'VARCHAR', prediction_id: 'VARCHAR', label: 'VARCHAR', ts: 'BIGINT' }, key: ['model', 'prediction_id', 'ts'] },
  metric_samples: { columns: { name: 'VARCHAR', labels: 'VARCHAR', ts: 'BIGINT', value: 'DOUBLE' }, key: ['name', 'labels', 'ts'] },
  logs: { columns: { id: 'VARCHAR', ts: 'BIGINT', model: 'VARCHAR', level: 'VARCHAR', message: 'VARCHAR', error_class: 'VARCHAR', attributes: 'VARCHAR' }, key: ['id', 'ts'] },
  pipeline_runs: {
    columns: { pipeline: 'VARCHAR', run_id: 'VARCHAR', stage: 'VARCHAR', status: 'VARCHAR', started_at: 'BIGINT', ended_at: 'BIGINT', model: 'VARCHAR', rows_in: 'BIGINT', rows_out: 'BIGINT', bytes: 'BIGINT', quality: 'VARCHAR', schema_checks: 'VARCHAR' },
    key: ['pipeline', 'run_id', 'stage', 'status', 'started_at'],
  },
  training_runs: {
    columns: { run_id: 'VARCHAR', model: 'VARCHAR', version: 'VARCHAR', status: 'VARCHAR', started_at: 'BIGINT', ended_at: 'BIGINT', params: 'VARCHAR', metrics: 'VARCHAR', dataset_sizes: 'VARCHAR' },
    key: ['run_id', 'status', 'started_at'],
  },
  quality_counts: { columns: { model: 'VARCHAR', minute: 'BIGINT', feature: 'VARCHAR', kind: 'VARCHAR', count: 'BIGINT' }, key: [] },
};

/** Time column used to narrow the duplicate check to the batch's range (zone-map pruning). */
const TIME: Partial<Record<SimpleKind, string>> = { labels: 'ts', metric_samples: 'ts', logs: 'ts', pipeline_runs: 'started_at', training_runs: 'started_at' };

export function insertSql(kind: SimpleKind, file: string, batch: number): string {
  const spec = SPECS[kind];
  const cols = Object.keys(spec.columns);
  const colSpec = cols.map((c) => `${c}: ${lit(spec.columns[c] as string)}`).join(', ');
  // the source is deduplicated too: one batch may repeat a record
  const src = `(SELECT DISTINCT ON (${spec.key.length ? spec.key.join(', ') : 'ALL'}) * FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${colSpec}}))`;
  const time = TIME[kind];
  const dedupe = spec.key.length
    ? `WHERE NOT EXISTS (SELECT 1 FROM ${kind} t WHERE ${time ? `t.${time} BETWEEN (SELECT min(${time}) FROM ${src}) AND (SELECT max(${time}) FROM ${src}) AND ` : ''}${spec.key.map((k) => `t.${k} IS NOT DISTINCT FROM s.${k}`).join(' AND ')})`
    : '';
  const source = spec.key.length ? src : `read_json(${lit(file)}, format = 'newline_delimited', columns = {${colSpec}})`;
  return `INSERT INTO ${kind} (${cols.join(', ')}, batch) SELECT ${cols.map((c) => `s.${c}`).join(', ')}, ${batch} FROM ${source} s ${dedupe}`;
}

/** Labels of a sample as a canonical JSON text (keys sorted), so equal label sets compare equal. */
export function canonicalLabels(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) sorted[k] = labels[k] as string;
  return JSON.stringify(sorted);
}
