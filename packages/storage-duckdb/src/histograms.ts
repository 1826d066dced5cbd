import type { Model } from '@vigil/core';
import type { HistogramSpec, RollupQuery } from '@vigil/storage';
import { featCol, predTable, segCol, segKeySql } from './model-tables.ts';
import { grouped, type Built } from './queries.ts';
import { lit } from './sql.ts';

const HOUR = 3_600_000;

/**
 * A double as a SQL constant that DuckDB reads back as the same double. A bare literal such as
 * 0.013832575231790543 is parsed as a DECIMAL and then rounded to a neighbouring double, which
 * moved values lying on an edge into the other bin; a string cast parses the shortest round-trip
 * form JavaScript prints exactly.
 */
export const double = (x: number): string => `'${String(x)}'::DOUBLE`;

/**
 * Statements that count one model's predictions in batches (lo, hi] into the hourly histogram
 * and value-count rollups. `onlyNumeric`: recount the numeric features alone (after their specs
 * changed); categorical and boolean counts do not depend on any spec.
 */
export function histogramFoldSql(model: Model, specs: ReadonlyMap<string, HistogramSpec>, lo: number, hi: number, onlyNumeric = false): string[] {
  const t = predTable(model.id);
  const m = lit(model.id);
  const segCols = [...model.schema.segments].sort().map(segCol);
  const segSel = segCols.length ? `${segCols.join(', ')}, ` : '';
  const seg = segKeySql(model);
  const range = `batch > ${lo} AND batch <= ${hi}`;
  const bucket = `(ts // ${HOUR}) * ${HOUR}`;
  const hist: string[] = [], vals: string[] = [];
  for (const f of model.schema.features) {
    const c = featCol(f.name);
    if (f.type === 'numeric') {
      const spec = specs.get(f.name);
      if (!spec) continue;
      if (spec.kind === 'edges') {
        // DuckDB's histogram() puts a value in the smallest boundary >= it; on -x with the edges
        // negated that is the largest edge <= x, our bin [e_j, e_j+1) (no edge: bin 0). It binary-
        // searches in C++, several times faster than a CASE tree. Only the outer bins get their
        // smallest / largest value (the group's); inner bins are known to lie within their edges.
        const neg = [...spec.edges].reverse().map((e) => double(-e)).join(', ');
        const pos = spec.edges.map(double).join(', ');
        const last = spec.edges.length;
        hist.push(`SELECT version, ${segSel}bucket, ${lit(f.name)} AS feature, bin, n AS count, CASE WHEN bin = 0 THEN lo END AS min, CASE WHEN bin = ${last} THEN hi END AS max FROM (
            SELECT *, coalesce(list_indexof([${pos}], -k), 0) AS bin FROM (
              SELECT version, ${segSel}bucket, lo, hi, unnest(map_keys(h)) AS k, unnest(map_values(h)) AS n FROM (
                SELECT version, ${segSel}${bucket} AS bucket, histogram(-${c}, [${neg}]) AS h, min(${c}) AS lo, max(${c}) AS hi
                FROM ${t} WHERE ${range} AND isfinite(${c}) GROUP BY ALL)))`);
      } else {
        vals.push(`SELECT version, ${segSel}${bucket} AS bucket, ${lit(f.name)} AS feature, CAST(${c} AS VARCHAR) AS value, count(*) AS count
          FROM ${t} WHERE ${range} AND isfinite(${c}) GROUP BY ALL`);
      }
    } else if (!onlyNumeric && (f.type === 'categorical' || f.type === 'boolean')) {
      vals.push(`SELECT version, ${segSel}${bucket} AS bucket, ${lit(f.name)} AS feature, CAST(${c} AS VARCHAR) AS value, count(*) AS count
        FROM ${t} WHERE ${range} AND ${c} IS NOT NULL GROUP BY ALL`);
    }
  }
  const out: string[] = [];
  if (hist.length) out.push(`INSERT INTO ru_hist_h SELECT ${m}, version, ${seg}, bucket, feature, bin, count, min, max, ${hi} FROM (${hist.join(' UNION ALL ')})`);
  if (vals.length) out.push(`INSERT INTO ru_vals_h SELECT ${m}, version, ${seg}, bucket, feature, value, count, ${hi} FROM (${vals.join(' UNION ALL ')})`);
  return out;
}

/** Deletes the counts of the model's numeric features (before a recount with new specs). */
export function dropNumericCountsSql(model: Model): string[] {
  const numeric = model.schema.features.filter((f) => f.type === 'numeric').map((f) => lit(f.name));
  const out = [`DELETE FROM ru_hist_h WHERE model = ${lit(model.id)}`];
  if (numeric.length) out.push(`DELETE FROM ru_vals_h WHERE model = ${lit(model.id)} AND feature IN (${numeric.join(', ')})`);
  return out;
}

export function histogramsSql(q: RollupQuery): Built {
  return grouped({ ...q, groupBy: q.groupBy.filter((g) => g !== 'feature') }, 'CAST(sum(count) AS DOUBLE) AS count, min(min) AS min, max(max) AS max', 'ru_hist_h', [], ['feature AS feature_name', 'bin']);
}

export function valueCountsSql(q: RollupQuery): Built {
  return grouped({ ...q, groupBy: q.groupBy.filter((g) => g !== 'feature') }, 'CAST(sum(count) AS DOUBLE) AS count', 'ru_vals_h', [], ['feature AS feature_name', 'value']);
}
