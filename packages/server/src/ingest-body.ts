import { VigilError } from '@vigil/core';

export type BodyFormat = 'json' | 'ndjson';

export function formatOf(contentType: string | undefined): BodyFormat {
  const t = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return t === 'application/x-ndjson' || t === 'application/ndjson' || t === 'application/jsonl' ? 'ndjson' : 'json';
}

/**
 * Turns an ingestion body into records. JSON: an array of records (or one record).
 * NDJSON: one record per line, blank lines ignored. A malformed body names the line.
 * A single object comes back as a one-record array marked `single` (its bytes are no array).
 */
export function parseRecords(buf: Buffer, format: BodyFormat): unknown[] {
  const text = buf.toString('utf8');
  if (format === 'json') {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new VigilError('bad_request', `body is not valid JSON: ${(e as Error).message}`, { hint: 'send a JSON array of records, or NDJSON with Content-Type: application/x-ndjson' });
    }
    if (Array.isArray(v)) return v;
    if (v !== null && typeof v === 'object') return Object.assign([v], { single: true });
    throw new VigilError('bad_request', 'body must be a JSON array of records (or a single record object)', { hint: 'wrap the records in [ ]' });
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  try {
    // one parse of the whole body is much faster than one per line
    const all = JSON.parse(`[${lines.join(',')}]`) as unknown[];
    if (all.length === lines.length) return all;
  } catch {
    /* find the bad line below */
  }
  const out: unknown[] = [];
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    if (raw.trim() === '') continue;
    try {
      out.push(JSON.parse(raw));
    } catch (e) {
      throw new VigilError('bad_request', `NDJSON line ${lineNo} is not valid JSON: ${(e as Error).message}`, { hint: 'each line must hold exactly one JSON record', details: [{ field: `line ${lineNo}`, message: (e as Error).message }] });
    }
  }
  return out;
}
