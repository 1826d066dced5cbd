/** Quotes an identifier for DuckDB (and standard SQL). Names are validated upstream; quoting makes any name safe. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A string literal, for the few places DuckDB needs a constant (read_json options). */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** JSON path for one key, safe for any key. */
export const jsonKeyPath = (key: string): string => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Builds `col IN (?, ?, ...)` with parameters appended to params. */
export function inList(col: string, values: readonly (string | number)[], params: (string | number)[]): string {
  params.push(...values);
  return `${col} IN (${values.map(() => '?').join(', ')})`;
}

/** Converts DuckDB JS values (bigint for BIGINT/HUGEINT) to plain numbers. */
export function num(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return 0;
  return Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
