// Time ranges as the URL carries them (`from=now-24h&to=now`, or RFC 3339 / epoch ms), and
// what they mean at a given moment. Pure, so a link reproduces the view and tests need no browser.

export interface TimeRange {
  from: string;
  to: string;
}

export const PRESETS: { label: string; from: string }[] = [
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
  { label: 'Last 30 days', from: 'now-30d' },
];

export const DEFAULT_RANGE: TimeRange = { from: 'now-6h', to: 'now' };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms of a bound at `now`, or null if it is not a valid bound. */
export function resolveBound(bound: string, now: number): number | null {
  const b = bound.trim();
  if (b === 'now') return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(b);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  if (/^\d{10,}$/.test(b)) return Number(b);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(b)) return null;
  const t = Date.parse(b);
  return Number.isNaN(t) ? null : t;
}

/** The range in the URL, or the default when missing or invalid. */
export function rangeFromParams(p: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = p.get('from');
  const to = p.get('to');
  if (!from || resolveBound(from, 0) === null) return fallback;
  if (to && resolveBound(to, 0) === null) return fallback;
  return { from, to: to ?? 'now' };
}

/** Writes a range into URL parameters, keeping the others. */
export function rangeToParams(r: TimeRange, p: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(p);
  next.set('from', r.from);
  next.set('to', r.to);
  return next;
}

/** An absolute range from a zoom selection (epoch ms). */
export function absoluteRange(fromMs: number, toMs: number): TimeRange {
  return { from: new Date(Math.round(fromMs)).toISOString(), to: new Date(Math.round(toMs)).toISOString() };
}

/** Is the range's end "now" (so live updates make sense)? */
export const isRelative = (r: TimeRange) => r.to === 'now';

export function describeRange(r: TimeRange): string {
  const preset = PRESETS.find((p) => p.from === r.from && r.to === 'now');
  if (preset) return preset.label;
  const fmt = (b: string) => (b.startsWith('now') ? b : new Date(resolveBound(b, Date.now()) ?? 0).toLocaleString());
  return `${fmt(r.from)} → ${fmt(r.to)}`;
}

/**
 * The query string that carries the view to another page: the time range and the live switch,
 * not the page's own filters. `?from=…&to=…` or '' (pure, so links are testable).
 */
export function viewQuery(search: string): string {
  const p = new URLSearchParams(search);
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'live']) {
    const v = p.get(k);
    if (v) q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
