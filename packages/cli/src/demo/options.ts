import { VigilError } from '@vigil/core';

/** The demo's tunables; anything left out takes the default below. */
export interface DemoOptions {
  /** live predictions per second over all models */
  rate?: number;
  /** hours of history sent on start, at a tenth of the live rate */
  backfillHours?: number;
  /** seed of every random stream: the same seed re-sends the same records */
  seed?: number;
}

export const DEMO_DEFAULTS = { rate: 50, backfillHours: 6, seed: 42 } as const;
export const MAX_RATE = 5000;
export const MAX_BACKFILL_HOURS = 7 * 24;

function parseNumber(env: Record<string, string | undefined>, name: string, ok: (n: number) => boolean, expected: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || !ok(n)) {
    throw new VigilError('bad_request', `${name} must be ${expected} (got "${raw}")`, { details: [{ field: name, message: `expected ${expected}` }] });
  }
  return n;
}

/**
 * Reads `VIGIL_DEMO_RATE`, `VIGIL_DEMO_BACKFILL_HOURS` and `VIGIL_DEMO_SEED`; unset or empty
 * variables are left out. A bad value throws a `VigilError` (code `bad_request`) naming it.
 *
 * @example
 * const opts = demoOptionsFromEnv(process.env); // VIGIL_DEMO_RATE=200 → { rate: 200 }
 */
export function demoOptionsFromEnv(env: Record<string, string | undefined>): DemoOptions {
  const out: DemoOptions = {};
  const rate = parseNumber(env, 'VIGIL_DEMO_RATE', (n) => n > 0 && n <= MAX_RATE, `a number of predictions per second above 0 and at most ${MAX_RATE}`);
  const backfill = parseNumber(env, 'VIGIL_DEMO_BACKFILL_HOURS', (n) => n >= 0 && n <= MAX_BACKFILL_HOURS, `a number of hours from 0 to ${MAX_BACKFILL_HOURS}`);
  const seed = parseNumber(env, 'VIGIL_DEMO_SEED', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer from 0 to 4294967295');
  if (rate !== undefined) out.rate = rate;
  if (backfill !== undefined) out.backfillHours = backfill;
  if (seed !== undefined) out.seed = seed;
  return out;
}
