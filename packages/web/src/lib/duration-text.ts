// Durations as people type them ("5m", "1h30m") and as the editors show them, and the shape of
// form errors: shared by the rule editor and its condition part.

/** Form errors by the server's field name (`condition.value`). */
export type FieldErrors = Record<string, string>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "5m", "1h30m", "2d", "0" → milliseconds; null when unreadable. */
export function parseDuration(text: string): number | null {
  const t = text.trim().replace(/\s+/g, '');
  if (t === '0') return 0;
  if (!t || !/^(\d+(\.\d+)?(ms|s|min|m|h|d))+$/.test(t)) return null;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|min|m|h|d)/g)) ms += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(ms);
}

/** Milliseconds as the editor shows them: 300000 → "5m", 5400000 → "1h30m", 0 → "0". */
export function durationText(ms: number): string {
  if (ms === 0) return '0';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
