/**
 * JSON has no NaN or Infinity and `JSON.stringify` would silently turn them into `null`. They are
 * sent as the strings the server recognises, so a broken feature shows up as a data-quality
 * violation instead of a plausible-looking null. Dates become RFC 3339 UTC through `toJSON`.
 */
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v;
}

/** Serializes one record; null when it cannot be (circular structure, a bare function). */
export function encodeRecord(rec: unknown): string | null {
  try {
    const s = JSON.stringify(rec, replacer) as string | undefined;
    return s === undefined ? null : s;
  } catch {
    return null;
  }
}
