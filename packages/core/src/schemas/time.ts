/**
 * Timestamps on the wire are RFC 3339 strings with a zone (`2026-11-27T05:00:00.123Z`,
 * `...+01:00`) or epoch milliseconds. The grammar is strict so that every backend parses
 * the same instant the core does.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

const daysIn = (y: number, m: number): number => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** Earliest accepted instant (2000-01-01) — older values are almost always seconds sent as ms. */
export const MIN_TS_MS = 946_684_800_000;

/** Returns epoch ms, or null when the value is not a timestamp in one of the accepted forms. */
export function parseTimestamp(v: unknown): number | null {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? Math.round(v) : null;
  }
  if (typeof v !== 'string') return null;
  const m = RFC3339.exec(v);
  if (!m) return null;
  // Date.parse rolls 2026-02-30 over to March; other parsers refuse it: refuse it here too
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a step such as `30s`, `5m`, `1h`, `1d` (or a number of seconds) to milliseconds. */
export function parseDuration(v: string): number | null {
  const m = /^(\d+)(s|m|h|d)?$/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const ms = n * (UNIT_MS[m[2] ?? 's'] ?? 1000);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/**
 * Parses a time bound for queries: RFC 3339, epoch ms, `now`, or `now-<duration>`.
 * `now` is passed in: the core never reads the clock.
 */
export function parseTimeBound(v: string, now: number): number | null {
  const t = parseBound(v, now);
  // the range JavaScript dates cover; beyond it no store can hold a time either
  return t !== null && Number.isSafeInteger(t) && t >= 0 && t <= 8.64e15 ? t : null;
}

function parseBound(v: string, now: number): number | null {
  const s = v.trim();
  if (s === 'now') return now;
  const rel = /^now-(.+)$/.exec(s);
  if (rel) {
    const d = parseDuration(rel[1] ?? '');
    return d === null ? null : now - d;
  }
  if (/^\d+$/.test(s)) return Number(s);
  return parseTimestamp(s);
}

export const floorTo = (ts: number, stepMs: number): number => Math.floor(ts / stepMs) * stepMs;
