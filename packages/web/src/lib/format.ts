// Numbers, times and durations as people read them. Pure (the clock comes in as `now`), so the
// chart legends, axes and cards all say the same thing and tests need no browser.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Units that carry no useful word to print after the number. */
const SILENT_UNITS = new Set(['', 'as sent', 'feature unit', 'probability', 'none']);

/** `n` with at most 3 significant digits and no trailing zeros; no exponent above 1e-4. */
function sig3(n: number): string {
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 100) return String(Math.round(n));
  if (a < 1e-4) return n.toExponential(1).replace('.0e', 'e');
  return String(Number(n.toPrecision(3)));
}

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Counts and rates with k / M / B / T: 950 → "950", 1234 → "1.23k", 12_500_000 → "12.5M". */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : n < 0 ? '-∞' : '—';
  const a = Math.abs(n);
  for (let i = 0; i < SUFFIXES.length; i++) {
    const [size, suffix] = SUFFIXES[i] as [number, string];
    if (a < size) continue;
    const scaled = Number((a / size).toPrecision(3));
    // 999_999 rounds to "1000k": move up to the next suffix instead
    if (scaled >= 1000 && i > 0) {
      const [, up] = SUFFIXES[i - 1] as [number, string];
      return `${n < 0 ? '-' : ''}1${up}`;
    }
    return `${n < 0 ? '-' : ''}${scaled}${suffix}`;
  }
  return sig3(n);
}

/** A span of time: 450 → "450 ms", 1500 → "1.5 s", 200_000 → "3 min 20 s", 3 days 4 hours → "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 999.5) return `${sig3(ms)} ms`;
  if (ms < 59_950) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) => {
    const b = Math.floor(ms / big);
    const s = Math.round((ms - b * big) / small);
    // rounding the smaller part can reach a whole bigger unit: 59.6 s → "1 min", not "0 min 60 s"
    if (s * small >= big) return `${b + 1} ${bigUnit}`;
    return s === 0 ? `${b} ${bigUnit}` : `${b} ${bigUnit} ${s} ${smallUnit}`;
  };
  if (ms < HOUR) return two(MINUTE, 'min', 1000, 's');
  if (ms < DAY) return two(HOUR, 'h', MINUTE, 'min');
  return two(DAY, 'd', HOUR, 'h');
}

export interface FormatOptions {
  /** Axis ticks and tight spaces: "1.2k/s" rather than "1.2k predictions/s". */
  short?: boolean;
}

/**
 * A value in a catalogue unit, as number and unit apart (a stat shows the unit smaller):
 * `ms` and `s` read as durations; `ratio` (0–1) and `%` (0–100) as percentages; rates (`x/s`)
 * and counts get k / M suffixes and, unless `short`, the unit's word. `null` (a gap, no data)
 * reads as "—", never as 0.
 */
export function formatParts(v: number | null | undefined, unit = '', opts: FormatOptions = {}): { value: string; unit: string } {
  if (v === null || v === undefined || Number.isNaN(v)) return { value: '—', unit: '' };
  const u = unit.trim();
  switch (u) {
    case 'ms':
    case 'milliseconds':
    case 's':
    case 'seconds': {
      const d = formatDuration(u.startsWith('s') ? v * 1000 : v);
      // one unit ("12.5 ms") splits; two ("3 min 20 s") stay whole
      const m = /^(-?[\d.]+) (ms|s|min|h|d)$/.exec(d);
      return m ? { value: m[1] as string, unit: m[2] as string } : { value: d, unit: '' };
    }
    case 'ratio':
      return { value: sig3(v * 100), unit: '%' };
    case 'bytes':
    case 'B': {
      // binary prefixes, as memory is counted
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
      let x = Math.abs(v);
      let i = 0;
      while (x >= 1024 && i < units.length - 1) {
        x /= 1024;
        i++;
      }
      return { value: sig3(Math.sign(v) * x), unit: units[i] as string };
    }
    case '%':
    case 'percent':
      return { value: sig3(v), unit: '%' };
  }
  if (SILENT_UNITS.has(u)) return { value: Math.abs(v) >= 1000 ? formatCompact(v) : sig3(v), unit: '' };
  const rate = /^(.*)\/s$/.exec(u);
  if (rate) return { value: formatCompact(v), unit: opts.short || !rate[1] ? '/s' : u };
  return { value: formatCompact(v), unit: opts.short ? '' : u };
}

/** formatParts as one string: "12.5 ms", "12.3%", "1.23k/s", "2.5M predictions", "—". */
export function formatValue(v: number | null | undefined, unit = '', opts: FormatOptions = {}): string {
  const p = formatParts(v, unit, opts);
  if (!p.unit) return p.value;
  return p.unit === '%' || p.unit.startsWith('/') ? `${p.value}${p.unit}` : `${p.value} ${p.unit}`;
}

/** How long ago (or until) `t`: "just now", "3 min ago", "5 h ago", "2 days ago", "in 4 min"; a date after 30 days. */
export function formatRelative(t: number, now: number): string {
  const d = now - t;
  const a = Math.abs(d);
  if (a < 45_000) return 'just now';
  let words: string;
  if (a < HOUR) words = `${Math.max(1, Math.round(a / MINUTE))} min`;
  else if (a < DAY) words = `${Math.round(a / HOUR)} h`;
  else if (a < 30 * DAY) {
    const days = Math.round(a / DAY);
    words = `${days} ${days === 1 ? 'day' : 'days'}`;
  } else return new Date(t).toISOString().slice(0, 10);
  return d >= 0 ? `${words} ago` : `in ${words}`;
}
