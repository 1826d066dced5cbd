import { calibrateThreshold, seededRng, type Calibration, type DriftConfig, type DriftMethod, type Model, type ReferenceProfile } from '@vigil/core';
import type { ServiceContext } from '../context.ts';

/**
 * Calibrated thresholds are costly (hundreds of null windows) and depend only on the reference,
 * the method and the window size: they are kept in memory, window sizes rounded to two
 * significant digits (a threshold for 10,400 rows serves 10,000–10,499).
 */
const CACHE = new Map<string, Calibration>();
const CACHE_MAX = 500;

export const roundSize = (n: number): number => {
  if (n < 100) return n;
  const p = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / p) * p;
};

export async function calibrationFor(
  ctx: ServiceContext, model: Model, ref: ReferenceProfile, feature: string, kind: 'numeric' | 'categorical', method: DriftMethod,
  windowSize: number, settings: NonNullable<DriftConfig['calibration']>, integer: boolean,
): Promise<Calibration | null> {
  const size = roundSize(windowSize);
  const key = JSON.stringify([model.id, ref.version, ref.created_at, feature, method, size, settings]);
  const hit = CACHE.get(key);
  if (hit) return hit;
  const col = await ctx.stores.events.referenceValues(model, ref.version, feature);
  if (col.values.length === 0) return null;
  const cal = calibrateThreshold({
    reference: col.values, kind, method, windowSize: size, rng: seededRng(`${model.id}/${ref.version}/${feature}`),
    falseAlarmRate: settings.falseAlarmRate, resamples: settings.resamples, windows: settings.windows, ...(integer ? { integer } : {}),
  });
  if (CACHE.size >= CACHE_MAX) CACHE.delete(CACHE.keys().next().value as string);
  CACHE.set(key, cal);
  return cal;
}
