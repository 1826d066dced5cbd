// Query parameters several read routes share: time bounds, an hourly step, segment filters.
import { parseDuration, parseTimeBound, VigilError } from '@vigil/core';
import { z } from 'zod';

const HOUR = 3_600_000;

/** from / to: RFC 3339, epoch ms, "now" or "now-<duration>". */
export const timeBound = (now: number, field: string) =>
  z.string().transform((v, c) => {
    const t = parseTimeBound(v, now);
    if (t === null) {
      c.addIssue({ code: 'custom', message: `${field}: RFC 3339, epoch ms, "now" or "now-<duration>"` });
      return z.NEVER;
    }
    return t;
  });

/** A step of whole hours (1h, 6h, 1d, or milliseconds), up to `maxMs`; `why` ends the error message. */
export const hourStep = (why: string, maxMs = Infinity) =>
  z.string().transform((v, c) => {
    const d = parseDuration(v) ?? (/^\d+$/.test(v) ? Number(v) : null);
    if (d === null || d < HOUR || d % HOUR !== 0 || d > maxMs) {
      c.addIssue({ code: 'custom', message: `a whole number of hours${Number.isFinite(maxMs) ? `, 1h to ${maxMs / 86_400_000}d` : ''} (e.g. 1h, 6h, 1d, or milliseconds): ${why}` });
      return z.NEVER;
    }
    return d;
  });

/** Splits segment.<name>=value parameters from the others. */
export function segmentsOf(query: Record<string, unknown>): { rest: Record<string, unknown>; segments: Record<string, string> } {
  // no prototype: segment.__proto__=x must be an unknown segment (400), not silently no filter
  const rest: Record<string, unknown> = {}, segments = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(query)) {
    if (k.startsWith('segment.')) {
      if (typeof v !== 'string' || k.length === 8) throw new VigilError('validation_failed', 'invalid query', { details: [{ field: k, message: 'give one value: segment.<name>=<value>' }] });
      segments[k.slice(8)] = v;
    } else rest[k] = v;
  }
  return { rest, segments };
}

/** from must come before to. */
export function range<T extends { from: number; to: number }>(q: T): T {
  if (q.from >= q.to) throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'from', message: 'must be before to' }] });
  return q;
}
